"""Product descriptions are rich text from the seller: keep the formatting, drop everything else.

``sanitize_description`` runs when a description is written (services) and again when it is
shown (the ``sanitized`` template filter, the API), so HTML that reached the database some other
way (the admin, an import) is never shown as it is.
"""

import nh3

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
    "a", "img",
})
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
# Relative URLs pass too (nh3's default); javascript:, data: and the like are removed.
ALLOWED_URL_SCHEMES = frozenset({"http", "https"})


def sanitize_description(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener nofollow",
        strip_comments=True,
    ).strip()

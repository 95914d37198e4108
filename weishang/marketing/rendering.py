"""A library post as it will appear on one channel, for one seller.

``render(post, channel, seller=..., link_url=...)`` fills the placeholders of the copy, adds the
topics in the channel's hashtag style, converts to Traditional Chinese when asked, counts the
text the way the channel counts it, finds where the channel folds it and keeps the images the
channel takes. Nothing is written; problems are reported as translated messages for the seller.

Counting. A reader sees characters, not code points: 👨‍👩‍👧 (five code points) or 🇨🇳 (two) is
one character, and so is é written as e + an accent. We count extended grapheme clusters
(Unicode UAX #29, the ``regex`` module's ``\\X``). Weibo counts half-width characters (ASCII
letters, digits, spaces, punctuation) as half a character, rounded up for the whole text —
"abcd" counts as 2 and "微博abc" as 4 — so ``length``, limits and the fold point are in the
channel's own characters. Weibo shortens links to t.cn, which we cannot predict, so a link
counts as its half-width characters like any other text.

Placeholders: {商品名} / {product} (title of the post's first product in catalog order),
{价格} / {price} (its lowest retail price on sale, as ¥12.34), {店铺链接} / {link} (the seller's
tracked link), {昵称} / {name} (the seller's display name). A word in braces that is none of
these is left as written and reported; braces around anything else are plain text.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import regex
from django.utils.translation import gettext as _

from weishang.catalog.models import Product
from weishang.catalog.queries import with_list_annotations
from weishang.core.convert import REGIONS, to_traditional
from weishang.core.money import format_cny
from weishang.marketing.models import Channel, HashtagStyle, Post, PostImage

PRODUCT_PLACEHOLDERS = ("商品名", "product")
PRICE_PLACEHOLDERS = ("价格", "price")
LINK_PLACEHOLDERS = ("店铺链接", "link")
NAME_PLACEHOLDERS = ("昵称", "name")
PLACEHOLDERS = (*PRODUCT_PLACEHOLDERS, *PRICE_PLACEHOLDERS, *LINK_PLACEHOLDERS,
                *NAME_PLACEHOLDERS)
PLACEHOLDER = regex.compile(r"\{(\w{1,20})\}")
GRAPHEME = regex.compile(r"\X")

#: Channels that count a half-width character as half a character (see the module docstring).
HALF_WIDTH_COUNTING_CHANNELS = frozenset({"weibo"})


@dataclass(frozen=True)
class Rendered:
    title: str
    # The whole copy: placeholders filled, topics appended in the channel's style.
    text: str
    # Characters as the channel counts them, and the same for the title.
    length: int
    title_length: int
    # Index in ``text`` where the channel folds it ("全文"), None when it shows all of it.
    fold_at: int | None
    # The text or the title is longer than the channel accepts.
    over_limit: bool
    problems: list[str] = field(default_factory=list)
    # The images the channel takes, in the post's order, and how many were left out.
    images: list[PostImage] = field(default_factory=list)
    trimmed_images: int = 0
    # The channel counts two half-width (ASCII) characters as one (Weibo).
    counts_latin_as_half: bool = False

    @property
    def shown_text(self) -> str:
        return self.text if self.fold_at is None else self.text[: self.fold_at]

    @property
    def folded_text(self) -> str:
        return "" if self.fold_at is None else self.text[self.fold_at:]


def render(post: Post, channel: Channel, *, seller, link_url: str,
           variant: str = "") -> Rendered:
    """``post`` on ``channel`` shared by ``seller`` with ``link_url``; ``variant`` "" keeps
    Simplified Chinese, "tw" and "hk" convert to Traditional (see ``core.convert``)."""
    if variant and variant not in REGIONS:
        raise ValueError(f"unknown variant {variant!r}")
    problems: list[str] = []
    values = _placeholder_values(post, seller=seller, link_url=link_url)
    title = _fill(post.title, values, problems)
    text = _fill(post.body, values, problems).strip()
    topics = format_hashtags(post.hashtags, channel.hashtag_style)
    if topics:
        text = f"{text}\n\n{topics}" if text else topics
    if variant:
        title, text = to_traditional(title, variant), to_traditional(text, variant)

    half_width = channel.code in HALF_WIDTH_COUNTING_CHANNELS
    length = count_characters(text, half_width=half_width)
    title_length = count_characters(title, half_width=half_width)
    over_limit = False
    if channel.text_limit is not None and length > channel.text_limit:
        over_limit = True
        problems.append(
            _("The text has %(length)d characters; %(channel)s takes at most %(limit)d.")
            % {"length": length, "channel": channel.name, "limit": channel.text_limit})
    if channel.title_limit is not None and title_length > channel.title_limit:
        over_limit = True
        problems.append(
            _("The title has %(length)d characters; %(channel)s takes at most %(limit)d.")
            % {"length": title_length, "channel": channel.name, "limit": channel.title_limit})

    for product in linked_products(post):
        if not product.is_on_shelf:
            problems.append(_("“%(product)s” is off shelf: buyers following the link cannot "
                              "order it.") % {"product": product.title})
    images = list(post.images.all())
    kept, trimmed = images[: channel.max_images], max(len(images) - channel.max_images, 0)
    if trimmed:
        problems.append(
            _("Only the first %(limit)d of %(total)d images go to %(channel)s.")
            % {"channel": channel.name, "limit": channel.max_images, "total": len(images)})
    return Rendered(
        title=title, text=text, length=length, title_length=title_length,
        fold_at=fold_index(text, channel.fold_after, half_width=half_width),
        over_limit=over_limit, problems=problems, images=kept, trimmed_images=trimmed,
        counts_latin_as_half=half_width,
    )


def format_hashtags(topics: Sequence[str], style: str) -> str:
    """#话题# #好物# (wrapped, Weibo), #话题 #好物 (prefix, Xiaohongshu) or "" (none)."""
    if style == HashtagStyle.WRAPPED:
        return " ".join(f"#{topic}#" for topic in topics)
    if style == HashtagStyle.PREFIX:
        return " ".join(f"#{topic}" for topic in topics)
    return ""


def _weights(text: str, *, half_width: bool) -> list[tuple[int, int]]:
    """(end index, weight in half characters) of each character of ``text``."""
    weights = []
    for match in GRAPHEME.finditer(text):
        half = half_width and match.group().isascii()
        weights.append((match.end(), 1 if half else 2))
    return weights


def count_characters(text: str, *, half_width: bool = False) -> int:
    """Characters as a reader sees them (grapheme clusters); with ``half_width`` an ASCII
    character counts half, the total rounded up (Weibo)."""
    halves = sum(weight for _end, weight in _weights(text, half_width=half_width))
    return (halves + 1) // 2


def fold_index(text: str, fold_after: int | None, *, half_width: bool = False) -> int | None:
    """Index in ``text`` after its first ``fold_after`` characters, if more follow."""
    if fold_after is None:
        return None
    counted, shown_until = 0, 0
    for end, weight in _weights(text, half_width=half_width):
        counted += weight
        if counted > fold_after * 2:
            return shown_until
        shown_until = end
    return None


def linked_products(post: Post) -> list[Product]:
    """The post's products in catalog order, each with ``lowest_price`` and ``gallery``;
    uses ``product_list`` when ``queries`` prefetched it."""
    prefetched = getattr(post, "product_list", None)
    if prefetched is not None:
        return prefetched
    return list(with_list_annotations(post.products.all()))


def _placeholder_values(post: Post, *, seller, link_url: str) -> dict[str, str | None]:
    """Each placeholder's value; None for a product value the post cannot give."""
    products = linked_products(post)
    product = products[0] if products else None
    price = getattr(product, "lowest_price", None)
    values: dict[str, str | None] = {}
    for name in PRODUCT_PLACEHOLDERS:
        values[name] = product.title if product else None
    for name in PRICE_PLACEHOLDERS:
        values[name] = format_cny(price) if price is not None else None
    for name in LINK_PLACEHOLDERS:
        values[name] = link_url
    for name in NAME_PLACEHOLDERS:
        values[name] = str(seller)
    return values


def _fill(copy: str, values: dict[str, str | None], problems: list[str]) -> str:
    def replace(match):
        name = match.group(1)
        if name not in values:
            _report(problems, _("{%(name)s} is not a placeholder we know; it is left as written.")
                    % {"name": name})
            return match.group()
        value = values[name]
        if value is None:
            _report(problems, _("{%(name)s} needs a product with a price on sale; it is left as "
                                "written.") % {"name": name})
            return match.group()
        return value

    return PLACEHOLDER.sub(replace, copy)


def _report(problems: list[str], message: str) -> None:
    if message not in problems:
        problems.append(message)

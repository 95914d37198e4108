"""Every URL pattern of the project, for tests that go through all pages and endpoints."""

from collections.abc import Iterator

from django.urls import URLResolver, get_resolver


def named_routes(patterns=None, prefix: str = "", namespace: str | None = None
                 ) -> Iterator[tuple[str, str]]:
    """("namespace:name", "path/pattern/") of each route, the path as written in urls.py."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from named_routes(pattern.url_patterns, prefix + str(pattern.pattern),
                                    pattern.namespace or namespace)
        else:
            yield f"{namespace}:{pattern.name}", prefix + str(pattern.pattern)

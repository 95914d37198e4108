"""How an order's source channel code reads to a person.

The channel names belong to marketing, which comes after orders (DESIGN.md §4): marketing
registers its lookup here when the app loads, and orders never imports it.
"""

from collections.abc import Callable

_channel_name: Callable[[str], str] | None = None


def register_channel_names(lookup: Callable[[str], str]) -> None:
    global _channel_name
    _channel_name = lookup


def channel_name(code: str) -> str:
    if not code:
        return ""
    return (_channel_name(code) if _channel_name else "") or code

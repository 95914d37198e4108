"""The marketing channels an order or a customer comes from, and how a channel's code reads to a
person.

The channels belong to marketing, which comes after orders and beside customers
(docs/architecture.md, "Layers"): marketing registers its lookups here when the app loads, and
neither orders nor customers imports it.
"""

from collections.abc import Callable

_channel_name: Callable[[str], str] | None = None
_channels: Callable[[], list[tuple[str, str]]] | None = None


def register_channel_names(lookup: Callable[[str], str]) -> None:
    global _channel_name
    _channel_name = lookup


def register_channels(listing: Callable[[], list[tuple[str, str]]]) -> None:
    """``listing()`` gives every channel as (code, name), in the order the owner set."""
    global _channels
    _channels = listing


def channel_name(code: str) -> str:
    if not code:
        return ""
    return (_channel_name(code) if _channel_name else "") or code


def channels() -> list[tuple[str, str]]:
    """Every marketing channel as (code, name); none while no app registered them."""
    return list(_channels()) if _channels else []

"""Simplified → Traditional Chinese for sellers whose customers read Traditional.

OpenCC converts phrases, not only characters, and with the regional configurations it also
uses the wording people there expect: Taiwan ("tw", ``s2twp``: 软件 → 軟體, 鼠标 → 滑鼠) and
Hong Kong ("hk", ``s2hk``: Hong Kong character forms, 这里 → 這裏, 软件 → 軟件). Building a
converter loads its dictionaries (a few milliseconds), so each process builds one per region,
once.
"""

from functools import cache

import opencc

REGION_CONFIGS = {"tw": "s2twp", "hk": "s2hk"}
REGIONS = tuple(REGION_CONFIGS)


@cache
def _converter(region: str) -> opencc.OpenCC:
    return opencc.OpenCC(REGION_CONFIGS[region])


def to_traditional(text: str, region: str) -> str:
    """``text`` in Traditional Chinese as written in ``region`` ("tw" or "hk").

    Anything that is not Simplified Chinese (Latin letters, digits, emoji, punctuation) is
    left as it is. Raises ValueError for an unknown region.
    """
    if region not in REGION_CONFIGS:
        raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    if not text:
        return text
    return _converter(region).convert(text)

"""Drawing Chinese text and QR codes into images: the share posters (marketing), the invitation
poster and the authorization certificates (network) are all drawn with these.

Text is drawn with Noto Sans SC from the ``pylopdf_fonts_zh_cn`` package (it also covers
Traditional characters), so no system font is needed and no tofu boxes appear; characters the
font lacks (emoji) are left out rather than drawn as boxes. Lines break between Chinese
characters or Latin words under the Chinese line-breaking rules (禁则).
"""

import io
from functools import cache
from importlib import resources

import regex
import segno
from PIL import Image, ImageFont

# -- The phone poster: the share posters and the invitation poster look alike ---------------------

POSTER_WIDTH, POSTER_HEIGHT = 750, 1334
POSTER_MARGIN = 40
POSTER_TEXT_WIDTH = POSTER_WIDTH - 2 * POSTER_MARGIN
POSTER_BACKGROUND = "#ffffff"
INK = "#222222"
MUTED = "#888888"
BRAND = "#e4393c"
BRAND_LIGHT = "#fdeeee"
LONG_PRESS_CAPTION = "长按识别二维码"  # under a QR code someone long-presses in WeChat

# -- Font ---------------------------------------------------------------------------------------

#: A size at which a glyph's presence is checked: whether the font has it does not vary by size.
COVERAGE_SIZE = 40


def font_file() -> str:
    return str(resources.files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf")


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # The basic layout needs no libraqm and is all that Chinese text needs (no shaping).
    return ImageFont.truetype(font_file(), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _missing_glyph_mask(size: int) -> tuple:
    # A private-use code point no font maps: FreeType draws the .notdef glyph (the tofu box).
    mask = font(size).getmask("\U0010fffd")
    return mask.size, bytes(mask)


@cache
def font_covers(char: str, size: int = COVERAGE_SIZE) -> bool:
    """Whether the font has a glyph of its own for ``char`` (not the tofu box)."""
    if char.isspace():
        return True
    mask = font(size).getmask(char)
    return (mask.size, bytes(mask)) != _missing_glyph_mask(size)


def drawable(text: str) -> str:
    """``text`` without the characters the font cannot draw (emoji, rare supplementary
    ideographs), and with its runs of whitespace made single spaces."""
    kept = "".join(char for char in text if font_covers(char))
    return " ".join(kept.split())


# -- Line breaking ------------------------------------------------------------------------------

ELLIPSIS = "…"
# Line breaking (禁则): these do not start a line (one hangs past the margin, or the word
# before them goes down with them) ...
NO_LINE_START = frozenset("，。、！？；：）」』】》〉”’…—～·%,.!?;:)]}")
# ... and these never end one (they move down with the character they open).
NO_LINE_END = frozenset("（「『【《〈“‘([{¥$")
# A Latin word (with its trailing spaces) stays whole; anything else breaks per character.
TEXT_UNITS = regex.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-%&+]*\s*|\s+|\X")
GRAPHEMES = regex.compile(r"\X")


def wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    """``text`` in lines at most ``width`` px wide in the font at ``size``, broken between
    Chinese characters or Latin words, never before a closing mark or after an opening one; a
    text that needs more than ``max_lines`` lines ends its last one with "…"."""
    measure = font(size).getlength
    units = []
    for unit in TEXT_UNITS.findall(text):
        # A Latin "word" wider than a line (a long link) breaks anywhere.
        units.extend(GRAPHEMES.findall(unit) if measure(unit.rstrip()) > width else [unit])

    lines: list[str] = []
    current: list[str] = []  # the units of the line being filled
    for unit in units:
        if not current and unit.isspace():
            continue
        line = "".join(current)
        # One closing mark may hang past the margin.
        hangs = unit[0] in NO_LINE_START and measure(line) <= width
        if not current or measure((line + unit).rstrip()) <= width or hangs:
            current.append(unit)
            continue
        carried: list[str] = []
        if unit[0] in NO_LINE_START:
            # More closing marks than can hang: the word they close goes down with them.
            while len(current) > 1 and current[-1][0] in NO_LINE_START:
                carried.insert(0, current.pop())
            if len(current) > 1:
                carried.insert(0, current.pop())
        while len(current) > 1 and (current[-1].isspace()
                                    or current[-1].rstrip()[-1] in NO_LINE_END):
            carried.insert(0, current.pop())
        lines.append("".join(current).strip())
        current = [*carried, unit]
    if "".join(current).strip():
        lines.append("".join(current).strip())

    if len(lines) <= max_lines:
        return lines
    last = GRAPHEMES.findall(lines[max_lines - 1])
    while last and measure("".join(last).rstrip() + ELLIPSIS) > width:
        last.pop()
    return [*lines[: max_lines - 1], "".join(last).rstrip() + ELLIPSIS]


# -- QR code ------------------------------------------------------------------------------------

def qr_code(url: str, size: int) -> Image.Image:
    """The QR code of ``url`` at most ``size`` px square: whole pixels per module (sharp for
    a phone camera), with a quiet zone of two modules."""
    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=2)[0]
    output = io.BytesIO()
    code.save(output, kind="png", scale=max(size // modules, 1), border=2)
    output.seek(0)
    return Image.open(output).convert("RGB")

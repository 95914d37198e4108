"""Share posters (分享海报): one 750×1334 PNG per post × channel × seller (and Chinese variant).

A poster shows the product image, the post's title, the product's price, the seller's name and
a QR code of the seller's tracked link, so a customer who long-presses it in WeChat lands in the
seller's shop and the click is counted. Text is drawn with Noto Sans SC from the
``pylopdf_fonts_zh_cn`` package (it also covers Traditional characters), so no system font is
needed and no tofu boxes appear; characters the font lacks (emoji) are left out rather than
drawn as boxes.

The poster is written for the seller's customers, not for the console user: its few fixed words
are Chinese (Traditional for a "tw" or "hk" poster), whatever language the console speaks.

Posters are cached under ``MEDIA_ROOT/posters/<kit>/``, named by a hash of everything drawn
(texts, price, link, image file, the post's and product's ``updated_at``), so any change
re-renders and an unchanged poster is never drawn twice. A new poster replaces the older ones
of its kit.
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

import regex
import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps

from weishang.core.convert import to_traditional
from weishang.core.files import drawn_once
from weishang.core.money import format_cny

WIDTH, HEIGHT = 750, 1334
MARGIN = 40
TEXT_WIDTH = WIDTH - 2 * MARGIN
IMAGE_HEIGHT = 680

BACKGROUND = "#ffffff"
IMAGE_BACKDROP = "#f4f4f4"
INK = "#222222"
MUTED = "#888888"
BRAND = "#e4393c"
BRAND_LIGHT = "#fdeeee"
LINE = "#eeeeee"

TITLE_SIZE, TITLE_LINE_HEIGHT, TITLE_MAX_LINES = 40, 56, 3
TITLE_TOP = IMAGE_HEIGHT + 32
PRICE_SIZE, PRICE_SUFFIX_SIZE = 60, 30
PRICE_BASELINE = TITLE_TOP + TITLE_MAX_LINES * TITLE_LINE_HEIGHT + 72
FOOTER_TOP = PRICE_BASELINE + 54
QR_SIZE = 230
NAME_SIZE, SHOP_SIZE, CAPTION_SIZE, AVATAR_SIZE = 34, 26, 24, 84

QR_CAPTION = "长按识别二维码"
PRICE_FROM = "起"  # after the lowest price when variants cost more ("¥99.00起")
ELLIPSIS = "…"

#: Bumped when the layout changes, so cached posters are drawn again.
LAYOUT_VERSION = 1
POSTER_DIR = "posters"

# Line breaking (禁则): these do not start a line (one hangs past the margin, or the word
# before them goes down with them) ...
NO_LINE_START = frozenset("，。、！？；：）」』】》〉”’…—～·%,.!?;:)]}")
# ... and these never end one (they move down with the character they open).
NO_LINE_END = frozenset("（「『【《〈“‘([{¥$")
# A Latin word (with its trailing spaces) stays whole; anything else breaks per character.
TEXT_UNITS = regex.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-%&+]*\s*|\s+|\X")
GRAPHEMES = regex.compile(r"\X")


@dataclass(frozen=True)
class PosterContent:
    """Everything a poster shows. ``image`` is a stored file (a post's or product's image) or
    None; ``region`` "" keeps the fixed words Simplified, "tw"/"hk" converts them;
    ``versions`` are the ``updated_at`` of what was drawn, so an edit re-renders."""

    title: str
    price: Decimal | None
    several_prices: bool
    seller_name: str
    shop_name: str
    link_url: str
    image: object = None
    region: str = ""
    versions: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        drawn = {**asdict(self), "image": self.image.name if self.image else "",
                 "price": str(self.price), "layout": LAYOUT_VERSION}
        encoded = json.dumps(drawn, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]


# -- Font ---------------------------------------------------------------------------------------

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
def font_covers(char: str, size: int = TITLE_SIZE) -> bool:
    """Whether the poster font has a glyph of its own for ``char`` (not the tofu box)."""
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

def wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    """``text`` in lines at most ``width`` px wide in the poster font, broken between Chinese
    characters or Latin words, never before a closing mark or after an opening one; a text
    that needs more than ``max_lines`` lines ends its last one with "…"."""
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


# -- Drawing ------------------------------------------------------------------------------------

def _open_image(stored) -> Image.Image | None:
    """The stored image upright on white, or None when it cannot be read (a missing or broken
    file leaves the image area to the shop's name instead of failing the poster)."""
    try:
        with stored.open("rb") as file, Image.open(file) as picture:
            picture.draft("RGB", (WIDTH, IMAGE_HEIGHT))  # JPEG: decode at a reduced scale
            upright = ImageOps.exif_transpose(picture)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                return flat
            return upright.convert("RGB")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None


def _draw_image_area(poster: Image.Image, draw: ImageDraw.ImageDraw,
                     content: PosterContent) -> None:
    picture = _open_image(content.image) if content.image else None
    if picture is None:
        draw.rectangle((0, 0, WIDTH, IMAGE_HEIGHT), fill=BRAND_LIGHT)
        name = drawable(content.shop_name or content.seller_name)
        lines = wrap(name, 64, TEXT_WIDTH, 2)
        top = IMAGE_HEIGHT // 2 - len(lines) * 44
        for index, line in enumerate(lines):
            draw.text((WIDTH // 2, top + index * 88), line, font=font(64), fill=BRAND,
                      anchor="ma")
        return
    # Fitted whole (never cropped: the product may fill the photo) on a soft backdrop.
    draw.rectangle((0, 0, WIDTH, IMAGE_HEIGHT), fill=IMAGE_BACKDROP)
    fitted = ImageOps.contain(picture, (WIDTH, IMAGE_HEIGHT), Image.Resampling.LANCZOS)
    poster.paste(fitted, ((WIDTH - fitted.width) // 2, (IMAGE_HEIGHT - fitted.height) // 2))


def _draw_title(draw: ImageDraw.ImageDraw, title: str) -> None:
    for index, line in enumerate(wrap(drawable(title), TITLE_SIZE, TEXT_WIDTH,
                                      TITLE_MAX_LINES)):
        # A one-pixel stroke of the same colour stands in for a bold face.
        draw.text((MARGIN, TITLE_TOP + index * TITLE_LINE_HEIGHT), line, font=font(TITLE_SIZE),
                  fill=INK, stroke_width=1, stroke_fill=INK)


def _draw_price(draw: ImageDraw.ImageDraw, content: PosterContent) -> None:
    if content.price is None:
        return
    amount = format_cny(content.price)
    baseline = PRICE_BASELINE
    draw.text((MARGIN, baseline), amount, font=font(PRICE_SIZE), fill=BRAND, anchor="ls",
              stroke_width=1, stroke_fill=BRAND)
    if content.several_prices:
        after = MARGIN + font(PRICE_SIZE).getlength(amount) + 6
        draw.text((after, baseline), _fixed_words(PRICE_FROM, content.region),
                  font=font(PRICE_SUFFIX_SIZE), fill=BRAND, anchor="ls")


def _qr_code(url: str) -> Image.Image:
    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=2)[0]
    output = io.BytesIO()
    code.save(output, kind="png", scale=max(QR_SIZE // modules, 1), border=2)
    output.seek(0)
    return Image.open(output).convert("RGB")


def _draw_footer(poster: Image.Image, draw: ImageDraw.ImageDraw,
                 content: PosterContent) -> None:
    draw.line((MARGIN, FOOTER_TOP - 24, WIDTH - MARGIN, FOOTER_TOP - 24), fill=LINE, width=2)
    qr = _qr_code(content.link_url)
    qr_left = WIDTH - MARGIN - QR_SIZE
    poster.paste(qr, (qr_left + (QR_SIZE - qr.width) // 2, FOOTER_TOP + (QR_SIZE - qr.height) // 2))
    draw.text((qr_left + QR_SIZE // 2, FOOTER_TOP + QR_SIZE + 10),
              _fixed_words(QR_CAPTION, content.region), font=font(CAPTION_SIZE), fill=MUTED,
              anchor="ma")

    name = drawable(content.seller_name)
    avatar_top = FOOTER_TOP + 20
    draw.ellipse((MARGIN, avatar_top, MARGIN + AVATAR_SIZE, avatar_top + AVATAR_SIZE),
                 fill=BRAND)
    if name:
        draw.text((MARGIN + AVATAR_SIZE // 2, avatar_top + AVATAR_SIZE // 2), name[0],
                  font=font(40), fill="white", anchor="mm")
    text_width = qr_left - MARGIN - 24
    under_avatar = avatar_top + AVATAR_SIZE + 24
    for index, line in enumerate(wrap(name, NAME_SIZE, text_width, 1)):
        draw.text((MARGIN, under_avatar + index * 46), line, font=font(NAME_SIZE), fill=INK,
                  stroke_width=1, stroke_fill=INK)
    for line in wrap(drawable(content.shop_name), SHOP_SIZE, text_width, 2)[:2]:
        under_avatar += 40
        draw.text((MARGIN, under_avatar + 12), line, font=font(SHOP_SIZE), fill=MUTED)


def _fixed_words(words: str, region: str) -> str:
    return to_traditional(words, region) if region else words


def draw_poster(content: PosterContent) -> Image.Image:
    poster = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(poster)
    _draw_image_area(poster, draw, content)
    _draw_title(draw, content.title)
    _draw_price(draw, content)
    _draw_footer(poster, draw, content)
    return poster


def poster_png(content: PosterContent) -> bytes:
    output = io.BytesIO()
    draw_poster(content).save(output, "PNG")  # optimize=True: 4× slower for 8% smaller
    return output.getvalue()


# -- Cache --------------------------------------------------------------------------------------

def poster_file(content: PosterContent, *, kit_key: str) -> str:
    """The stored poster of ``content`` (its storage name), drawn only when nothing drawn the
    same way is stored yet; the kit's older posters (same ``kit_key``) are removed then.

    Each kit has its own folder, so finding its older posters reads a folder of one or two
    files however many kits there are."""
    return drawn_once(f"{POSTER_DIR}/{kit_key}", f"{content.fingerprint()}.png",
                      lambda: poster_png(content))

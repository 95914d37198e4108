"""Share posters (分享海报): one 750×1334 PNG per post × channel × seller (and Chinese variant).

A poster shows the product image, the post's title, the product's price, the seller's name and
a QR code of the seller's tracked link, so a customer who long-presses it in WeChat lands in the
seller's shop and the click is counted. The font, the Chinese line breaking and the QR code are
core.drawing's (no system font needed, no tofu boxes).

The poster is written for the seller's customers, not for the console user: its few fixed words
are Chinese (Traditional for a "tw" or "hk" poster), whatever language the console speaks.

Drawing writes nothing: the kit's service stores the poster (``kits.services.kit_poster``).
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from PIL import Image, ImageDraw, ImageOps

from weishang.core.convert import to_traditional
from weishang.core.drawing import (
    BRAND,
    BRAND_LIGHT,
    INK,
    LONG_PRESS_CAPTION,
    MUTED,
    POSTER_BACKGROUND,
    POSTER_HEIGHT,
    POSTER_MARGIN,
    POSTER_TEXT_WIDTH,
    POSTER_WIDTH,
    drawable,
    font,
    qr_code,
    wrap,
)
from weishang.core.money import format_cny

IMAGE_HEIGHT = 680
IMAGE_BACKDROP = "#f4f4f4"
LINE = "#eeeeee"

TITLE_SIZE, TITLE_LINE_HEIGHT, TITLE_MAX_LINES = 40, 56, 3
TITLE_TOP = IMAGE_HEIGHT + 32
PRICE_SIZE, PRICE_SUFFIX_SIZE = 60, 30
PRICE_BASELINE = TITLE_TOP + TITLE_MAX_LINES * TITLE_LINE_HEIGHT + 72
FOOTER_TOP = PRICE_BASELINE + 54
QR_SIZE = 230
NAME_SIZE, SHOP_SIZE, CAPTION_SIZE, AVATAR_SIZE = 34, 26, 24, 84

PRICE_FROM = "起"  # after the lowest price when variants cost more ("¥99.00起")

#: Bumped when the layout changes, so cached posters are drawn again.
LAYOUT_VERSION = 1


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


# -- Drawing ------------------------------------------------------------------------------------

def _open_image(stored) -> Image.Image | None:
    """The stored image upright on white, or None when it cannot be read (a missing or broken
    file leaves the image area to the shop's name instead of failing the poster)."""
    try:
        with stored.open("rb") as file, Image.open(file) as picture:
            picture.draft("RGB", (POSTER_WIDTH, IMAGE_HEIGHT))  # JPEG: decode at a reduced scale
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
        draw.rectangle((0, 0, POSTER_WIDTH, IMAGE_HEIGHT), fill=BRAND_LIGHT)
        name = drawable(content.shop_name or content.seller_name)
        lines = wrap(name, 64, POSTER_TEXT_WIDTH, 2)
        top = IMAGE_HEIGHT // 2 - len(lines) * 44
        for index, line in enumerate(lines):
            draw.text((POSTER_WIDTH // 2, top + index * 88), line, font=font(64), fill=BRAND,
                      anchor="ma")
        return
    # Fitted whole (never cropped: the product may fill the photo) on a soft backdrop.
    draw.rectangle((0, 0, POSTER_WIDTH, IMAGE_HEIGHT), fill=IMAGE_BACKDROP)
    fitted = ImageOps.contain(picture, (POSTER_WIDTH, IMAGE_HEIGHT), Image.Resampling.LANCZOS)
    poster.paste(fitted, ((POSTER_WIDTH - fitted.width) // 2, (IMAGE_HEIGHT - fitted.height) // 2))


def _draw_title(draw: ImageDraw.ImageDraw, title: str) -> None:
    for index, line in enumerate(wrap(drawable(title), TITLE_SIZE, POSTER_TEXT_WIDTH,
                                      TITLE_MAX_LINES)):
        # A one-pixel stroke of the same colour stands in for a bold face.
        draw.text((POSTER_MARGIN, TITLE_TOP + index * TITLE_LINE_HEIGHT), line,
                  font=font(TITLE_SIZE), fill=INK, stroke_width=1, stroke_fill=INK)


def _draw_price(draw: ImageDraw.ImageDraw, content: PosterContent) -> None:
    if content.price is None:
        return
    amount = format_cny(content.price)
    baseline = PRICE_BASELINE
    draw.text((POSTER_MARGIN, baseline), amount, font=font(PRICE_SIZE), fill=BRAND, anchor="ls",
              stroke_width=1, stroke_fill=BRAND)
    if content.several_prices:
        after = POSTER_MARGIN + font(PRICE_SIZE).getlength(amount) + 6
        draw.text((after, baseline), _fixed_words(PRICE_FROM, content.region),
                  font=font(PRICE_SUFFIX_SIZE), fill=BRAND, anchor="ls")


def _draw_footer(poster: Image.Image, draw: ImageDraw.ImageDraw,
                 content: PosterContent) -> None:
    draw.line((POSTER_MARGIN, FOOTER_TOP - 24, POSTER_WIDTH - POSTER_MARGIN, FOOTER_TOP - 24),
              fill=LINE, width=2)
    qr = qr_code(content.link_url, QR_SIZE)
    qr_left = POSTER_WIDTH - POSTER_MARGIN - QR_SIZE
    poster.paste(qr, (qr_left + (QR_SIZE - qr.width) // 2, FOOTER_TOP + (QR_SIZE - qr.height) // 2))
    draw.text((qr_left + QR_SIZE // 2, FOOTER_TOP + QR_SIZE + 10),
              _fixed_words(LONG_PRESS_CAPTION, content.region), font=font(CAPTION_SIZE), fill=MUTED,
              anchor="ma")

    name = drawable(content.seller_name)
    avatar_top = FOOTER_TOP + 20
    draw.ellipse((POSTER_MARGIN, avatar_top, POSTER_MARGIN + AVATAR_SIZE, avatar_top + AVATAR_SIZE),
                 fill=BRAND)
    if name:
        draw.text((POSTER_MARGIN + AVATAR_SIZE // 2, avatar_top + AVATAR_SIZE // 2), name[0],
                  font=font(40), fill="white", anchor="mm")
    text_width = qr_left - POSTER_MARGIN - 24
    under_avatar = avatar_top + AVATAR_SIZE + 24
    for index, line in enumerate(wrap(name, NAME_SIZE, text_width, 1)):
        draw.text((POSTER_MARGIN, under_avatar + index * 46), line, font=font(NAME_SIZE), fill=INK,
                  stroke_width=1, stroke_fill=INK)
    for line in wrap(drawable(content.shop_name), SHOP_SIZE, text_width, 2)[:2]:
        under_avatar += 40
        draw.text((POSTER_MARGIN, under_avatar + 12), line, font=font(SHOP_SIZE), fill=MUTED)


def _fixed_words(words: str, region: str) -> str:
    return to_traditional(words, region) if region else words


def draw_poster(content: PosterContent) -> Image.Image:
    poster = Image.new("RGB", (POSTER_WIDTH, POSTER_HEIGHT), POSTER_BACKGROUND)
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

"""The invitation poster (邀请海报): a 750×1334 PNG with the inviter's name, a line of copy and a
QR code of their invitation link, to send in WeChat. It looks like the share posters and is
drawn with the same font, line breaking and QR code (core.drawing). Like those, its words are
Chinese whatever language the console speaks: it is read by the person invited."""

import io

from PIL import Image, ImageDraw

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

HEADER_HEIGHT = 560
INVITES = "邀请你成为我们的代理"
COPY = "分享好物给身边的人，卖出才有收益。加入免费，无需进货，无需任何费用。"
QR_TOP = HEADER_HEIGHT + 250
QR_SIZE = 320


def invite_poster_png(*, inviter_name: str, brand_name: str, link_url: str) -> bytes:
    poster = Image.new("RGB", (POSTER_WIDTH, POSTER_HEIGHT), POSTER_BACKGROUND)
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, POSTER_WIDTH, HEADER_HEIGHT), fill=BRAND_LIGHT)
    center = POSTER_WIDTH // 2

    top = 150
    for line in wrap(drawable(inviter_name), 64, POSTER_TEXT_WIDTH, 2):
        draw.text((center, top), line, font=font(64), fill=BRAND, anchor="ma",
                  stroke_width=1, stroke_fill=BRAND)
        top += 88
    draw.text((center, top + 20), INVITES, font=font(44), fill=INK, anchor="ma")
    for index, line in enumerate(wrap(drawable(brand_name), 30, POSTER_TEXT_WIDTH, 1)):
        draw.text((center, HEADER_HEIGHT - 80 + index * 40), line, font=font(30),
                  fill=MUTED, anchor="ma")

    for index, line in enumerate(wrap(COPY, 32, POSTER_TEXT_WIDTH, 3)):
        draw.text((POSTER_MARGIN, HEADER_HEIGHT + 50 + index * 48), line, font=font(32),
                  fill=INK)

    qr = qr_code(link_url, QR_SIZE)
    poster.paste(qr, ((POSTER_WIDTH - qr.width) // 2, QR_TOP))
    draw.text((center, QR_TOP + qr.height + 20), LONG_PRESS_CAPTION, font=font(26), fill=MUTED,
              anchor="ma")
    output = io.BytesIO()
    poster.save(output, "PNG")
    return output.getvalue()

"""The invitation poster (邀请海报): a 750×1334 PNG with the inviter's name, a line of copy and a
QR code of their invitation link, to send in WeChat. Fonts, line breaking and the QR code are the
share posters' (marketing/poster.py). Like those, its words are Chinese whatever language the
console speaks: it is read by the person invited."""

import io

from PIL import Image, ImageDraw

from weishang.marketing.poster import (
    BACKGROUND,
    BRAND,
    BRAND_LIGHT,
    HEIGHT,
    INK,
    MARGIN,
    MUTED,
    QR_CAPTION,
    TEXT_WIDTH,
    WIDTH,
    _qr_code,
    drawable,
    font,
    wrap,
)

HEADER_HEIGHT = 560
INVITES = "邀请你成为我们的代理"
COPY = "分享好物给身边的人，卖出才有收益。加入免费，无需进货，无需任何费用。"
QR_TOP = HEADER_HEIGHT + 250


def invite_poster_png(*, inviter_name: str, brand_name: str, link_url: str) -> bytes:
    poster = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, WIDTH, HEADER_HEIGHT), fill=BRAND_LIGHT)

    top = 150
    for line in wrap(drawable(inviter_name), 64, TEXT_WIDTH, 2):
        draw.text((WIDTH // 2, top), line, font=font(64), fill=BRAND, anchor="ma",
                  stroke_width=1, stroke_fill=BRAND)
        top += 88
    draw.text((WIDTH // 2, top + 20), INVITES, font=font(44), fill=INK, anchor="ma")
    for index, line in enumerate(wrap(drawable(brand_name), 30, TEXT_WIDTH, 1)):
        draw.text((WIDTH // 2, HEADER_HEIGHT - 80 + index * 40), line, font=font(30),
                  fill=MUTED, anchor="ma")

    for index, line in enumerate(wrap(COPY, 32, TEXT_WIDTH, 3)):
        draw.text((MARGIN, HEADER_HEIGHT + 50 + index * 48), line, font=font(32), fill=INK)

    qr = _qr_code(link_url).resize((320, 320), Image.Resampling.NEAREST)
    poster.paste(qr, ((WIDTH - qr.width) // 2, QR_TOP))
    draw.text((WIDTH // 2, QR_TOP + qr.height + 20), QR_CAPTION, font=font(26), fill=MUTED,
              anchor="ma")
    output = io.BytesIO()
    poster.save(output, "PNG")
    return output.getvalue()

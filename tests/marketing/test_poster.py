"""Share posters: every glyph of a Chinese title drawn by the shipped font (no tofu boxes), the
QR code leading to the seller's tracked link, CJK line breaking, and the cache that draws a
poster again only when what it shows changes."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from tests.factories import PostFactory, VariantFactory
from tests.marketing.conftest import picture
from weishang.catalog import services as catalog
from weishang.marketing import kits, poster

# Common, rare (龘 靐 鱻 饕餮 魑魅魍魉) and Traditional (臺灣 這裏 軟體 滑鼠) characters, full-width
# punctuation, Latin letters and digits.
TITLE = "【龘靐鱻】饕餮盛宴·魑魅魍魉 臺灣高山茶 這裏有軟體與滑鼠 耄耋犇鑫淼 Tea 2024，先到先得！"


def request():
    return RequestFactory().get("/")


def notdef_mask(font):
    """The mask FreeType draws for a character the font lacks (the tofu box)."""
    mask = font.getmask("\U0010fffd")
    return mask.size, bytes(mask)


def drawn_by_the_font(font, char) -> bool:
    mask = font.getmask(char)
    return mask.getbbox() is not None and (mask.size, bytes(mask)) != notdef_mask(font)


def png(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def content(**changes) -> poster.PosterContent:
    fields = {"title": TITLE, "price": Decimal("128.00"), "several_prices": False,
              "seller_name": "小美", "shop_name": "小美的茶叶铺子",
              "link_url": "http://testserver/t/AbCd2345"}
    return poster.PosterContent(**{**fields, **changes})


def ink(picture: Image.Image, box) -> int:
    """Pixels darker than the background in ``box``."""
    return sum(picture.crop(box).convert("L").histogram()[:200])


def test_the_font_comes_from_the_pypi_package_and_draws_every_glyph_of_a_chinese_title():
    assert poster.font_file().endswith("pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf")
    font = ImageFont.truetype(poster.font_file(), poster.TITLE_SIZE)
    missing = [char for char in TITLE if not char.isspace() and not drawn_by_the_font(font, char)]
    assert missing == []
    assert all(poster.font_covers(char) for char in TITLE)


def test_the_title_is_drawn_whole_in_the_title_area_and_not_as_boxes():
    picture = png(poster.poster_png(content()))
    assert picture.format == "PNG" and picture.size == (750, 1334)

    lines = poster.wrap(poster.drawable(TITLE), poster.TITLE_SIZE, poster.TEXT_WIDTH,
                        poster.TITLE_MAX_LINES)
    assert "".join(lines).replace(" ", "") == TITLE.replace(" ", "")
    font = poster.font(poster.TITLE_SIZE)
    for index, line in enumerate(lines):
        top = poster.TITLE_TOP + index * poster.TITLE_LINE_HEIGHT
        box = (poster.MARGIN, top, poster.WIDTH, top + poster.TITLE_LINE_HEIGHT)
        assert ink(picture, box) > 500, f"line {index + 1} of the title is empty"
        # The same line drawn as tofu boxes would look different from what is on the poster.
        boxes = Image.new("L", picture.size, 255)
        ImageDraw.Draw(boxes).text((poster.MARGIN, top), "\U0010fffd" * len(line), font=font,
                                   fill=0)
        assert ink(boxes, box) != ink(picture, box)


def test_characters_the_font_lacks_are_left_out_rather_than_drawn_as_boxes():
    assert not poster.font_covers("🍵")
    assert poster.drawable("好物🍵推荐  👍🏻 Lily") == "好物推荐 Lily"


def test_the_qr_code_decodes_to_the_link():
    picture = png(poster.poster_png(content(link_url="https://shop.example.com/t/Xy7kP2mQ")))
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [
        "https://shop.example.com/t/Xy7kP2mQ"]


@pytest.mark.parametrize("region, caption", [("", "长按识别二维码"), ("tw", "長按識別二維碼"),
                                             ("hk", "長按識別二維碼")], ids=["zh", "tw", "hk"])
def test_the_fixed_words_follow_the_kits_script(region, caption):
    assert poster._fixed_words(poster.QR_CAPTION, region) == caption


# -- Line breaking ----------------------------------------------------------------------------

def test_a_closing_mark_never_starts_a_line_and_an_opening_one_never_ends_one():
    width = poster.font(40).getlength("一" * 10)
    lines = poster.wrap("一二三四五六七八九十，一二三四五六七八九（十）", 40, width, 5)
    assert lines == ["一二三四五六七八九十，", "一二三四五六七八九", "（十）"]


def test_a_run_of_closing_marks_takes_the_character_before_it_down():
    width = poster.font(40).getlength("一" * 10)
    lines = poster.wrap("一二三四五六七八九十。。。", 40, width, 5)
    assert lines == ["一二三四五六七八九", "十。。。"]


def test_a_latin_word_is_not_broken():
    width = poster.font(40).getlength("一" * 8)
    lines = poster.wrap("新品上市啦 Limited 限量", 40, width, 5)
    assert lines == ["新品上市啦", "Limited 限量"]


def test_a_title_longer_than_the_lines_ends_with_an_ellipsis():
    width = poster.font(40).getlength("一" * 10)
    lines = poster.wrap("好" * 45, 40, width, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(poster.font(40).getlength(line) <= width for line in lines)


# A space before a closing mark would be a place to break before it: real copy has none.
TEXT = st.text(alphabet=st.sampled_from(list("好物推荐茶叶龘臺灣abcXYZ019 ，。！（）【】…")),
               max_size=120).map(lambda text: re.sub(r"\s+(?=[，。！）】…])", "", text))


def one_word(line: str) -> bool:
    return len(poster.TEXT_UNITS.findall(line)) == 1


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_lines_fit_and_keep_every_character(text):
    text = poster.drawable(text)
    width = 400
    lines = poster.wrap(text, 40, width, 100)
    font = poster.font(40)
    widest_mark = max(font.getlength(mark) for mark in poster.NO_LINE_START)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for index, line in enumerate(lines):
        assert line and line == line.strip()
        assert font.getlength(line) <= width + widest_mark
        if index:
            # Only after a line of one word, which cannot give it a word to go down with.
            assert line[0] not in poster.NO_LINE_START or one_word(lines[index - 1])
        if index < len(lines) - 1:
            assert line[-1] not in poster.NO_LINE_END or one_word(line)


# -- The kit's poster and its cache -----------------------------------------------------------

@pytest.fixture
def kit_of(owner, channel, stocked):
    def make(variant="", **post_fields):
        post = PostFactory(**post_fields)
        post.products.set([stocked(price="59.90").product])
        return kits.kit_for(owner, post.public_id, "wechat_moments", request=request(),
                            variant=variant)

    return make


@pytest.fixture
def drawings(monkeypatch):
    """How many posters were drawn."""
    drawn = []
    draw = poster.draw_poster
    monkeypatch.setattr(poster, "draw_poster", lambda content: drawn.append(1) or draw(content))
    return drawn


def test_a_kits_poster_shows_the_rendered_title_price_and_the_sellers_link(kit_of):
    kit = kit_of(title="{商品名}限时特惠")
    poster_content = kits.poster_content(kit)
    assert poster_content.title == "纯棉T恤限时特惠"
    assert poster_content.price == Decimal("59.90") and not poster_content.several_prices
    assert poster_content.seller_name == str(kit.seller)
    picture = png(default_storage.open(kits.kit_poster(kit)).read())
    assert picture.size == (750, 1334)
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [kit.link_url]
    assert kit.link_url == f"http://testserver/t/{kit.link.code}"


def test_a_product_sold_at_several_prices_shows_the_lowest_as_from(kit_of):
    kit = kit_of()
    product = kit.post.products.get()
    VariantFactory(product=product, retail_price=Decimal("89.00"))
    kit = kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code, request=request())
    shown = kits.poster_content(kit)
    assert shown.price == Decimal("59.90") and shown.several_prices


def test_the_post_picture_comes_first_then_the_products(kit_of, with_images):
    kit = kit_of()
    product = kit.post.products.get()
    catalog.add_image(product, picture("p.png"))
    kit = kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code, request=request())
    assert kits.poster_content(kit).image.name.startswith(f"products/{product.public_id}/")
    with_images(kit.post, 2)
    kit = kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code, request=request())
    assert kits.poster_content(kit).image == kit.post.images.all()[0].image


def test_a_broken_picture_still_gives_a_poster(kit_of):
    kit = kit_of()
    stored = catalog.add_image(kit.post.products.get(), picture("p.png")).image.name
    default_storage.delete(stored)  # the file went bad on the disk
    default_storage.save(stored, ContentFile(b"not a picture"))
    kit = kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code, request=request())
    drawn = png(default_storage.open(kits.kit_poster(kit)).read())
    assert [found.text for found in zxingcpp.read_barcodes(drawn)] == [kit.link_url]


def test_an_unchanged_poster_is_drawn_once(kit_of, drawings):
    kit = kit_of()
    first = kits.kit_poster(kit)
    again = kits.kit_poster(kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code,
                                         request=request()))
    assert again == first and len(drawings) == 1


def reopened(kit, variant=""):
    return kits.kit_for(kit.seller, kit.post.public_id, kit.channel.code, request=request(),
                        variant=variant)


@pytest.mark.parametrize("change", ["product title", "price", "seller name", "post title"])
def test_a_change_of_product_or_seller_draws_the_poster_again(kit_of, drawings, change):
    kit = kit_of(title="{商品名}")
    first = kits.kit_poster(kit)
    product = kit.post.products.get()
    if change == "product title":
        product.title = "新款纯棉T恤"
        product.save()
    elif change == "price":
        product.variants.update(retail_price=Decimal("49.90"))
    elif change == "seller name":
        kit.seller.display_name = "小美的新名字"
        kit.seller.save()
    else:
        kit.post.title = "新标题"
        kit.post.save()
    second = kits.kit_poster(reopened(kit))
    assert second != first and len(drawings) == 2
    # The older poster of the same kit is removed; nothing else is.
    assert not default_storage.exists(first) and default_storage.exists(second)


def test_each_script_has_its_own_poster(kit_of):
    kit = kit_of(title="这里的软件")
    simplified, taiwan = kits.kit_poster(kit), kits.kit_poster(reopened(kit, "tw"))
    assert simplified != taiwan
    assert default_storage.exists(simplified) and default_storage.exists(taiwan)
    assert kits.poster_content(reopened(kit, "tw")).title == "這裡的軟體"

"""Share posters: a Chinese title drawn whole (no tofu boxes), the QR code leading to the
seller's tracked link, and the cache that draws a poster again only when what it shows changes.
The font, line breaking and QR code themselves are tested in tests/core/test_drawing.py."""

import io
from decimal import Decimal

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from PIL import Image, ImageDraw

from tests.factories import PostFactory, VariantFactory
from tests.marketing.conftest import picture
from weishang.catalog import services as catalog
from weishang.core import drawing
from weishang.marketing.kits import poster
from weishang.marketing.kits import services as kits

# Common, rare (龘 靐 鱻 饕餮 魑魅魍魉) and Traditional (臺灣 這裏 軟體 滑鼠) characters, full-width
# punctuation, Latin letters and digits.
TITLE = "【龘靐鱻】饕餮盛宴·魑魅魍魉 臺灣高山茶 這裏有軟體與滑鼠 耄耋犇鑫淼 Tea 2024，先到先得！"


def request():
    return RequestFactory().get("/")


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


def test_the_title_is_drawn_whole_in_the_title_area_and_not_as_boxes():
    picture = png(poster.poster_png(content()))
    assert picture.format == "PNG" and picture.size == (750, 1334)

    lines = drawing.wrap(drawing.drawable(TITLE), poster.TITLE_SIZE, drawing.POSTER_TEXT_WIDTH,
                         poster.TITLE_MAX_LINES)
    assert "".join(lines).replace(" ", "") == TITLE.replace(" ", "")
    font = drawing.font(poster.TITLE_SIZE)
    for index, line in enumerate(lines):
        top = poster.TITLE_TOP + index * poster.TITLE_LINE_HEIGHT
        box = (drawing.POSTER_MARGIN, top, drawing.POSTER_WIDTH, top + poster.TITLE_LINE_HEIGHT)
        assert ink(picture, box) > 500, f"line {index + 1} of the title is empty"
        # The same line drawn as tofu boxes would look different from what is on the poster.
        boxes = Image.new("L", picture.size, 255)
        ImageDraw.Draw(boxes).text((drawing.POSTER_MARGIN, top), "\U0010fffd" * len(line),
                                   font=font, fill=0)
        assert ink(boxes, box) != ink(picture, box)


def test_the_qr_code_decodes_to_the_link():
    picture = png(poster.poster_png(content(link_url="https://shop.example.com/t/Xy7kP2mQ")))
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [
        "https://shop.example.com/t/Xy7kP2mQ"]


@pytest.mark.parametrize("region, caption", [("", "长按识别二维码"), ("tw", "長按識別二維碼"),
                                             ("hk", "長按識別二維碼")], ids=["zh", "tw", "hk"])
def test_the_fixed_words_follow_the_kits_script(region, caption):
    assert poster._fixed_words(drawing.LONG_PRESS_CAPTION, region) == caption


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

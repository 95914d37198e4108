"""A post as each channel shows it: placeholders, topics, counts, folds, images, Traditional."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PostFactory, ProductFactory, UserFactory, VariantFactory
from weishang.marketing import queries
from weishang.marketing.rendering import count_characters, fold_index, render

pytestmark = pytest.mark.django_db
LINK = "https://shop.example/t/AbC23xyz"


@pytest.fixture
def seller(owner):
    owner.display_name = "小美"
    owner.save()
    return owner


@pytest.fixture
def cream(stocked):
    return stocked(price="88.00", title="玫瑰面霜").product


def post_with(products=(), **fields):
    post = PostFactory(**fields)
    post.products.set(products)
    return queries.post_detail(post.public_id)


def shown(post, channel, seller, variant=""):
    return render(post, channel, seller=seller, link_url=LINK, variant=variant)


def test_placeholders_are_filled_for_the_seller(channel, seller, cream, english):
    post = post_with([cream], body="{昵称}推荐 {商品名}，只要{价格}！戳 {店铺链接}")
    rendered = shown(post, channel("wechat_moments"), seller)
    assert rendered.text == f"小美推荐 玫瑰面霜，只要¥88.00！戳 {LINK}"
    assert rendered.problems == []


def test_english_placeholder_names_work_too(channel, seller, cream, english):
    post = post_with([cream], body="{name}: {product} {price} {link}")
    assert shown(post, channel("qq"), seller).text == f"小美: 玫瑰面霜 ¥88.00 {LINK}"


def test_the_price_is_the_lowest_on_sale(channel, seller, stocked):
    product = stocked(price="29.90", title="面膜").product
    VariantFactory(product=product, retail_price="19.90", spec_label="小")
    VariantFactory(product=product, retail_price="9.90", spec_label="旧", is_active=False)
    post = post_with([product], body="{价格}")
    assert shown(post, channel("qq"), seller).text == "¥19.90"


def test_unknown_placeholders_and_literal_braces(channel, seller, cream, english):
    post = post_with([cream], body="{优惠码} 送 {} 和 {a b} 以及 {:)}")
    rendered = shown(post, channel("qq"), seller)
    assert rendered.text == "{优惠码} 送 {} 和 {a b} 以及 {:)}"
    assert rendered.problems == ["{优惠码} is not a placeholder we know; it is left as written."]


def test_product_placeholders_without_a_product_are_reported(channel, seller, english):
    post = post_with(body="{商品名} {价格} {商品名}")
    rendered = shown(post, channel("qq"), seller)
    assert rendered.text == "{商品名} {价格} {商品名}"
    assert rendered.problems == [
        "{商品名} needs a product with a price on sale; it is left as written.",
        "{价格} needs a product with a price on sale; it is left as written.",
    ]


def test_title_placeholders_are_filled(channel, seller, cream):
    post = post_with([cream], title="{商品名}上新")
    assert shown(post, channel("xiaohongshu"), seller).title == "玫瑰面霜上新"


# -- Topics in each channel's style ------------------------------------------------------------

def test_weibo_wraps_topics(channel, seller):
    post = post_with(body="今天的好物", hashtags=["护肤", "好物分享"])
    assert shown(post, channel("weibo"), seller).text == "今天的好物\n\n#护肤# #好物分享#"


def test_xiaohongshu_prefixes_topics(channel, seller):
    post = post_with(body="今天的好物", hashtags=["护肤", "好物分享"])
    assert shown(post, channel("xiaohongshu"), seller).text == "今天的好物\n\n#护肤 #好物分享"


def test_moments_has_no_topics(channel, seller):
    post = post_with(body="今天的好物", hashtags=["护肤"])
    assert shown(post, channel("wechat_moments"), seller).text == "今天的好物"


# -- Counting as the channel counts ------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("你好", 2),
    ("hello", 5),
    ("面霜 cream!", 9),
    ("👍", 1),
    ("👍🏻", 1),
    ("👨‍👩‍👧‍👦", 1),
    ("🇨🇳🇭🇰", 2),
    ("1️⃣", 1),
    ("e\u0301", 1),
    ("好物👨‍👩‍👧 abc", 7),
    ("第一行\r\n第二行", 7),
], ids=["chinese", "latin", "mixed", "emoji", "skin-tone", "zwj-family", "flags", "keycap",
        "combining-accent", "mixed-emoji", "crlf"])
def test_a_character_is_what_a_reader_sees(text, count):
    assert count_characters(text) == count


@pytest.mark.parametrize(("text", "count"), [
    ("微博", 2),
    ("abcd", 2),
    ("abc", 2),
    ("微博abc", 4),
    ("微博 abc", 4),
    ("👍a", 2),
    ("#话题#", 3),
], ids=["chinese", "four-latin", "three-latin", "mixed", "mixed-space", "emoji-latin",
        "topic"])
def test_weibo_counts_two_latin_characters_as_one(text, count):
    assert count_characters(text, half_width=True) == count


def test_length_and_limit_of_a_long_weibo(channel, seller, english):
    weibo = channel("weibo")
    post = post_with(body="好" * 1990 + "abcdefghijklmnopqrstuvwxyz")
    rendered = shown(post, weibo, seller)
    assert rendered.length == 1990 + 13
    assert rendered.over_limit
    assert rendered.problems == ["The text has 2003 characters; 微博 takes at most 2000."]


def test_weibo_folds_after_140_characters(channel, seller):
    post = post_with(body="好" * 139 + "👨‍👩‍👧" + "后面的字")
    rendered = shown(post, channel("weibo"), seller)
    assert rendered.fold_at == len("好" * 139 + "👨‍👩‍👧")
    assert rendered.shown_text.endswith("👨‍👩‍👧")
    assert rendered.folded_text == "后面的字"


def test_a_short_text_does_not_fold(channel, seller):
    rendered = shown(post_with(body="短"), channel("weibo"), seller)
    assert rendered.fold_at is None
    assert rendered.folded_text == ""


def test_xiaohongshu_title_limit(channel, seller, english):
    post = post_with(title="这是一个非常非常长的小红书标题一定会超过二十个字", body="正文")
    rendered = shown(post, channel("xiaohongshu"), seller)
    assert rendered.title_length == 24
    assert rendered.over_limit
    assert rendered.problems == ["The title has 24 characters; 小红书 takes at most 20."]


@given(st.text(max_size=60), st.integers(min_value=1, max_value=30), st.booleans())
def test_the_fold_never_splits_a_character(text, fold_after, half_width):
    index = fold_index(text, fold_after, half_width=half_width)
    if index is None:
        assert count_characters(text, half_width=half_width) <= fold_after
    else:
        head, tail = text[:index], text[index:]
        assert count_characters(head, half_width=half_width) <= fold_after
        assert count_characters(head, half_width=half_width) + count_characters(
            tail, half_width=half_width) >= count_characters(text, half_width=half_width)
        assert count_characters(head) + count_characters(tail) == count_characters(text)


# -- Images ------------------------------------------------------------------------------------

def test_images_are_trimmed_in_order(channel, seller, with_images, english):
    post = with_images(PostFactory(body="图多"), 12)
    post = queries.post_detail(post.public_id)
    order = list(post.images.all())
    moments = shown(post, channel("wechat_moments"), seller)
    assert moments.images == order[:9]
    assert moments.trimmed_images == 3
    assert moments.problems == ["Only the first 9 of 12 images go to 朋友圈."]
    weibo = shown(post, channel("weibo"), seller)
    assert weibo.images == order and weibo.trimmed_images == 0
    douyin = shown(post, channel("douyin"), seller)
    assert douyin.images == order[:1]


# -- Traditional Chinese -----------------------------------------------------------------------

def test_traditional_for_taiwan_and_hong_kong(channel, seller, cream):
    post = post_with([cream], title="软件{商品名}", body="这里有{商品名}的视频信息",
                     hashtags=["护肤"])
    taiwan = shown(post, channel("weibo"), seller, "tw")
    assert taiwan.title == "軟體玫瑰面霜"
    assert taiwan.text == "這裡有玫瑰面霜的影片資訊\n\n#護膚#"
    hong_kong = shown(post, channel("weibo"), seller, "hk")
    assert hong_kong.title == "軟件玫瑰面霜"
    assert hong_kong.text == "這裏有玫瑰面霜的視頻信息\n\n#護膚#"


def test_an_unknown_variant_is_refused(channel, seller):
    with pytest.raises(ValueError):
        shown(post_with(), channel("qq"), seller, "cn")


def test_rendering_a_prefetched_post_runs_no_query(channel, seller, cream, with_images,
                                                   django_assert_num_queries):
    post = post_with([cream], hashtags=["护肤"])
    with_images(post, 3)
    post = queries.post_for_share(post.public_id)
    weibo = channel("weibo")
    with django_assert_num_queries(0):
        shown(post, weibo, seller)


def test_the_seller_is_whoever_shares(channel, cream):
    agent = UserFactory(role="agent", display_name="阿强")
    post = post_with([cream], body="{昵称}")
    assert shown(post, channel("qq"), agent).text == "阿强"


def test_a_product_off_shelf_is_reported(channel, seller, english):
    hidden = ProductFactory(title="旧款", is_on_shelf=False)
    rendered = shown(post_with([hidden], body="看看"), channel("qq"), seller)
    assert rendered.problems == ["“旧款” is off shelf: buyers following the link cannot order it."]


def renderpost(*args, **options) -> tuple[str, str]:
    output, errors = StringIO(), StringIO()
    call_command("renderpost", *args, stdout=output, stderr=errors, **options)
    return output.getvalue(), errors.getvalue()


def test_the_renderpost_command_fills_the_link_on_the_sites_address(settings, shop, cream):
    settings.SITE_URL = "https://shop.example.com"
    post = post_with([cream], body="{商品名} {店铺链接}", hashtags=["护肤"])
    output, errors = renderpost(post.public_id, channel="weibo", variant="tw")
    assert output.startswith(f"玫瑰面霜 https://shop.example.com/s/{shop.code}/\n\n#護膚#\n")
    assert errors == ""
    assert "weibo\t微博" in renderpost(list_channels=True)[0]
    with pytest.raises(CommandError):
        renderpost(post.public_id, channel="myspace")
    with pytest.raises(CommandError):
        renderpost("0" * 32)


def test_without_a_site_address_renderpost_says_the_link_is_only_a_path(settings, shop, cream):
    settings.SITE_URL = ""
    output, errors = renderpost(post_with([cream], body="{店铺链接}").public_id)
    assert output.startswith(f"/s/{shop.code}/\n")
    assert "SITE_URL" in errors


@pytest.mark.parametrize("language, summary", [
    ("zh-hans", r"\d+/2000 字，0 张图片"), ("zh-hant", r"\d+/2000 字，0 張圖片"),
    ("en", r"\d+/2000 characters, 0 pictures")])
def test_renderpost_sums_up_in_the_active_language(shop, cream, language, summary):
    """Chinese by default, as every page: the summary was English whatever the language."""
    post = post_with([cream], body="{商品名}")
    with translation.override(language):
        output, _ = renderpost(post.public_id, channel="weibo", link="https://x.example/s/1/")
    assert re.fullmatch(summary, output.strip().splitlines()[-1])

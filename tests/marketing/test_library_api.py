"""The API of channels, posts, their pictures and the per-channel preview."""

import pytest

from tests.api_clients import english_client
from tests.factories import PostFactory, ProductFactory, UserFactory
from tests.marketing.conftest import picture
from weishang.marketing.models import Channel, Post

pytestmark = pytest.mark.django_db
CHANNELS = "/api/v1/channels/"
POSTS = "/api/v1/posts/"


def post_url(post, suffix=""):
    return f"{POSTS}{post.public_id}/{suffix}"


@pytest.fixture
def api(owner):
    return english_client(owner)


@pytest.fixture
def staff_api():
    return english_client(UserFactory(role="staff", areas=["marketing"]))


def test_the_marketing_area_is_needed():
    assert english_client().get(POSTS).status_code in (401, 403)
    outsider = english_client(UserFactory(role="staff", areas=["orders"]))
    assert outsider.get(POSTS).status_code == 403
    assert outsider.get(CHANNELS).status_code == 403


def test_channels_are_listed_and_the_owner_changes_them(api, staff_api):
    body = staff_api.get(CHANNELS).json()
    assert [channel["code"] for channel in body][:3] == ["wechat_moments", "wechat_group",
                                                         "wechat_oa"]
    weibo = next(channel for channel in body if channel["code"] == "weibo")
    assert weibo["hashtag_style"] == "wrapped" and weibo["can_autopost"] is False
    changed = api.patch(f"{CHANNELS}weibo/", {"daily_cap": 4, "text_limit": None},
                        format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["daily_cap"] == 4 and changed.json()["text_limit"] is None
    refused = staff_api.patch(f"{CHANNELS}weibo/", {"daily_cap": 8}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only the owner can change this."
    bad = api.patch(f"{CHANNELS}weibo/", {"max_images": 30}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "max_images" in bad.json()["fields"]
    assert Channel.objects.get(code="weibo").daily_cap == 4


def test_create_update_publish_and_delete_a_post(api):
    cream = ProductFactory(title="面霜")
    created = api.post(POSTS, {"title": "上新", "body": "{商品名}到货", "kind": "product",
                               "hashtags": ["#护肤", "好物"], "products": [cream.public_id]},
                       format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["hashtags"] == ["护肤", "好物"]
    assert [product["title"] for product in body["products"]] == ["面霜"]
    assert body["is_published"] is False
    post = Post.objects.get(public_id=body["id"])
    patched = api.patch(post_url(post), {"kind": "knowledge"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["kind"] == "knowledge"
    assert [product["id"] for product in patched.json()["products"]] == [cream.public_id]
    published = api.post(post_url(post, "publish/"), {"published": True}, format="json")
    assert published.json()["is_published"] is True
    assert api.delete(post_url(post)).status_code == 204
    assert not Post.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": "", "body": "x"}, "title"),
    ({"title": "x", "body": "x", "kind": "advert"}, "kind"),
    ({"title": "x", "body": "x", "hashtags": ["好物 分享"]}, "hashtags"),
    ({"title": "x", "body": "x", "products": ["nope"]}, "products"),
    ({"title": "x", "body": "x", "hashtags": "护肤"}, "hashtags"),
], ids=["blank-title", "unknown-kind", "topic-with-space", "unknown-product", "topics-not-list"])
def test_bad_posts_answer_400_and_write_nothing(api, payload, field):
    response = api.post(POSTS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Post.objects.exists()


def test_the_post_list_filters_and_runs_the_same_queries_for_3_or_30(
        api, stocked, with_images, django_assert_max_num_queries):
    product = stocked().product

    def make(count, **fields):
        for _number in range(count):
            post = PostFactory(**fields)
            post.products.set([product])
            with_images(post, 2)

    make(3, kind="life", hashtags=["日常"])
    api.get(POSTS)
    with django_assert_max_num_queries(10) as few:
        body = api.get(POSTS).json()
    assert body["count"] == 3
    make(27, kind="product")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get(POSTS).json()
    assert body["count"] == 30 and len(body["results"]) == 20
    assert api.get(POSTS, {"kind": "life"}).json()["count"] == 3
    assert api.get(POSTS, {"tag": "日常"}).json()["count"] == 3
    assert api.get(POSTS, {"product": product.public_id}).json()["count"] == 30
    assert api.get(POSTS, {"product": "unknown"}).json()["count"] == 0


def test_pictures_through_the_api(api):
    post = PostFactory()
    added = api.post(post_url(post, "images/"),
                     {"images": [picture("a.png"), picture("b.png"), picture("c.png")]},
                     format="multipart")
    assert added.status_code == 201, added.json()
    ids = [image["id"] for image in added.json()]
    assert len(ids) == 3 and added.json()[0]["url"].startswith("http://testserver/")
    reordered = api.post(post_url(post, "images/order/"), {"order": ids[::-1]}, format="json")
    assert [image["id"] for image in reordered.json()] == ids[::-1]
    assert api.delete(post_url(post, f"images/{ids[0]}/")).status_code == 204
    listed = api.get(post_url(post, "images/")).json()
    assert [image["id"] for image in listed] == [ids[2], ids[1]]
    bad = api.post(post_url(post, "images/order/"), {"order": ids}, format="json")
    assert bad.status_code == 400
    fake = api.post(post_url(post, "images/"), {"images": [
        picture("x.png").__class__("x.png", b"text", content_type="image/png")]},
        format="multipart")
    assert fake.status_code == 400 and fake.json()["code"] == "invalid_image"
    assert post.images.count() == 2


def test_the_render_preview(api, owner, stocked):
    owner.display_name = "小美"
    owner.save()
    product = stocked(title="玫瑰面霜", price="88.00").product
    post = PostFactory(title="软件", body="{昵称}：{商品名} {价格} {coupon}", hashtags=["护肤"])
    post.products.set([product])
    body = api.get(post_url(post, "render/"), {"channel": "weibo", "variant": "tw"}).json()
    assert body["channel"] == "weibo" and body["variant"] == "tw"
    assert body["title"] == "軟體"
    assert body["text"] == "小美：玫瑰面霜 ¥88.00 {coupon}\n\n#護膚#"
    assert body["text_limit"] == 2000 and body["fold_at"] is None and body["over_limit"] is False
    assert body["problems"] == ["{coupon} is not a placeholder we know; it is left as written."]
    assert body["length"] == 20
    bad = api.get(post_url(post, "render/"), {"channel": "myspace", "variant": "cn"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"channel", "variant"}


def test_the_api_schema_describes_the_library(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/posts/{id}/render/" in schema["paths"]
    assert "/api/v1/channels/{code}/" in schema["paths"]

"""The library console pages at /console/marketing/: list, write, preview, publish, pictures."""

import pytest

from tests.factories import PostFactory, UserFactory
from tests.marketing.conftest import picture
from weishang.marketing.models import Post

pytestmark = pytest.mark.django_db
LIBRARY = "/console/marketing/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def detail_url(post, suffix=""):
    return f"{LIBRARY}{post.public_id}/{suffix}"


@pytest.fixture
def marketing_staff(client, owner):
    """Staff share on the owner's behalf: there is always an owner when there is staff."""
    client.force_login(UserFactory(role="staff", areas=["marketing"]))
    return client


def test_who_may_open_the_library(client, marketing_staff):
    assert marketing_staff.get(LIBRARY).status_code == 200
    client.logout()
    assert client.get(LIBRARY).status_code == 302
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(LIBRARY).status_code == 403


def test_the_library_lists_and_filters_posts(owner_client, with_images):
    with_images(PostFactory(title="面霜上新", kind="product", hashtags=["护肤"]), 2)
    PostFactory(title="买家秀", kind="feedback", is_published=False)
    page = owner_client.get(LIBRARY, **EN).content.decode()
    assert "面霜上新" in page and "买家秀" in page
    assert "2 posts" in page and "Draft" in page
    # In English, so that no label of the page says 买家秀.
    filtered = owner_client.get(LIBRARY, {"kind": "feedback"}, **EN).content.decode()
    assert "买家秀" in filtered and "面霜上新" not in filtered
    tagged = owner_client.get(LIBRARY, {"tag": "护肤"}, **EN).content.decode()
    assert "面霜上新" in tagged and "买家秀" not in tagged


def test_the_kind_mix_hint_warns_about_too_many_product_posts(owner_client):
    PostFactory.create_batch(3, kind="product")
    PostFactory(kind="life")
    page = owner_client.get(LIBRARY, **EN).content.decode()
    assert "Product posts make 75% of the published library; keep them at most 60%" in page
    assert "kind-mix-over" in page


def test_the_library_runs_the_same_queries_for_3_or_30_posts(owner_client, stocked, with_images,
                                                               django_assert_max_num_queries):
    product = stocked().product

    def make(count):
        for _number in range(count):
            post = PostFactory(hashtags=["好物"])
            post.products.set([product])
            with_images(post, 1)

    make(3)
    owner_client.get(LIBRARY)
    with django_assert_max_num_queries(14) as few:
        assert owner_client.get(LIBRARY).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get(LIBRARY).status_code == 200


def test_write_a_post_with_pictures(owner_client, stocked):
    product = stocked(title="玫瑰面霜").product
    form = owner_client.get(f"{LIBRARY}new/").content.decode()
    assert 'data-insert="{商品名}"' in form and 'data-insert="{店铺链接}"' in form
    response = owner_client.post(f"{LIBRARY}new/", {
        "title": "春季上新", "body": "{商品名} 到货", "kind": "product",
        "hashtags": "#护肤 好物", "products": [product.public_id],
        "images": [picture("a.png"), picture("b.png")],
    })
    post = Post.objects.get()
    assert response.status_code == 302 and response.url == detail_url(post)
    assert post.hashtags == ["护肤", "好物"]
    assert list(post.products.all()) == [product]
    assert post.images.count() == 2
    assert not post.is_published


def test_a_refused_post_shows_why_and_writes_nothing(owner_client):
    response = owner_client.post(f"{LIBRARY}new/", {
        "title": "标题", "body": "正文", "kind": "product", "hashtags": "好" * 21}, **EN)
    assert response.status_code == 400
    assert "A topic can have at most 20 characters" in response.content.decode()
    response = owner_client.post(f"{LIBRARY}new/", {"title": "", "body": "", "kind": "x"}, **EN)
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_edit_a_post(owner_client):
    post = PostFactory(title="旧标题", hashtags=["旧"])
    form = owner_client.get(detail_url(post, "edit/")).content.decode()
    assert "旧标题" in form and 'value="旧"' in form
    response = owner_client.post(detail_url(post, "edit/"), {
        "title": "新标题", "body": "新文案", "kind": "life", "hashtags": "日常"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.kind, post.hashtags) == ("新标题", "life", ["日常"])


def test_the_detail_previews_each_channel(owner, owner_client, stocked, with_images):
    owner.display_name = "小美"
    owner.save()
    product = stocked(title="玫瑰面霜", price="88.00").product
    post = PostFactory(title="软件上新", body="{昵称}推荐{商品名}，只要{价格}：{店铺链接}",
                       hashtags=["护肤"])
    post.products.set([product])
    with_images(post, 12)
    first = owner_client.get(detail_url(post), **EN).content.decode()
    assert 'data-channel="wechat_moments"' in first
    assert "小美推荐玫瑰面霜，只要¥88.00：http://testserver/t/xxxxxxxx" in first
    assert "9 pictures posted" in first and "Only the first 9 of 12 images go to 朋友圈." in first
    weibo = owner_client.get(detail_url(post), {"channel": "weibo"}, **EN).content.decode()
    assert "#护肤#" in weibo and "/2000 characters" in weibo
    assert "This channel counts two Latin letters or digits as one character." in weibo
    red = owner_client.get(detail_url(post), {"channel": "xiaohongshu", "variant": "tw"},
                           **EN).content.decode()
    assert "軟體上新" in red and "#護膚" in red and "Title: 4/20 characters" in red


def test_the_preview_shows_where_the_text_folds(owner_client):
    post = PostFactory(body="好" * 150, hashtags=[])
    page = owner_client.get(detail_url(post), {"channel": "weibo"}, **EN).content.decode()
    assert "150/2000 characters" in page
    assert f'<span class="folded">{"好" * 10}</span>' in page
    assert "folds after 140" in page


def test_an_unknown_preview_channel_falls_back_to_the_first(owner_client):
    post = PostFactory()
    page = owner_client.get(detail_url(post), {"channel": "myspace", "variant": "xx"})
    assert page.status_code == 200
    assert 'data-channel="wechat_moments"' in page.content.decode()


def test_the_detail_keeps_the_hooks_for_results_and_share_kits(owner_client):
    page = owner_client.get(detail_url(PostFactory()))
    names = [template.name for template in page.templates]
    assert "marketing/_post_results.html" in names and "marketing/_share_buttons.html" in names


def test_publish_and_unpublish_from_the_detail(owner_client):
    post = PostFactory(is_published=False)
    owner_client.post(detail_url(post, "publish/"), {"published": "1"})
    post.refresh_from_db()
    assert post.is_published
    owner_client.post(detail_url(post, "publish/"), {"published": "0"})
    post.refresh_from_db()
    assert not post.is_published
    assert owner_client.get(detail_url(post, "publish/")).status_code == 405


def test_delete_a_post_after_confirming(owner_client):
    post = PostFactory()
    assert owner_client.get(detail_url(post, "delete/")).status_code == 200
    assert Post.objects.exists()
    response = owner_client.post(detail_url(post, "delete/"))
    assert response.status_code == 302 and response.url == LIBRARY
    assert not Post.objects.exists()


def test_pictures_on_the_detail_page(owner_client, with_images):
    post = with_images(PostFactory(), 2)
    first, second = post.images.all()
    response = owner_client.post(detail_url(post, "images/"), {"images": [picture("c.png")]})
    assert response.status_code == 302
    assert post.images.count() == 3
    owner_client.post(detail_url(post, f"images/{second.public_id}/move/"), {"direction": "up"})
    assert list(post.images.all())[:2] == [second, first]
    owner_client.post(detail_url(post, f"images/{first.public_id}/delete/"))
    assert post.images.count() == 2
    bad = owner_client.post(detail_url(post, "images/"), {"images": [
        picture("d.txt").__class__("d.png", b"text", content_type="image/png")]}, **EN)
    assert bad.status_code == 400
    assert "This file is not a picture we accept" in bad.content.decode()
    assert post.images.count() == 2


def test_missing_posts_are_404(owner_client):
    assert owner_client.get(f"{LIBRARY}{'0' * 32}/").status_code == 404
    assert owner_client.post(f"{LIBRARY}{'0' * 32}/publish/", {"published": "1"}).status_code == 404

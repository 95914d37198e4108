"""Share kits: a published post ready to paste on one channel with the seller's own link and
name, the channel's pictures, a poster, a Traditional switch; the console pages at 375 px."""

import io
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from tests.factories import ChannelFactory, PostFactory, UserFactory
from weishang.core.errors import InvalidInput, NotFound
from weishang.marketing.kits import services as kits
from weishang.marketing.models import TrackedLink

BODY = "这里的软件好用 {商品名} 只要 {价格}，戳 {店铺链接} ——{昵称}"


@pytest.fixture
def post(stocked, with_images):
    """A published post about one product, with 8 pictures."""
    post = PostFactory(title="{商品名}上新", body=BODY, hashtags=["好物", "纯棉"])
    post.products.set([stocked(price="59.90").product])
    return with_images(post, 8)


def kit_url(post, code="wechat_moments", **query):
    url = reverse("marketing:kit", args=[post.public_id, code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def open_kit(user, post, code="wechat_moments", variant=""):
    return kits.kit_for(user, post.public_id, code, request=RequestFactory().get("/"),
                        variant=variant)


# -- The service ------------------------------------------------------------------------------

def test_a_kit_carries_the_sellers_link_and_name_in_the_text(owner, post):
    owner.display_name = "小美"
    owner.save()
    kit = open_kit(owner, post)
    link = TrackedLink.objects.get()
    assert (link.post, link.channel.code, link.seller) == (post, "wechat_moments", owner)
    assert kit.link_url == f"http://testserver/t/{link.code}"
    assert kit.text == f"这里的软件好用 纯棉T恤 只要 ¥59.90，戳 {kit.link_url} ——小美"
    assert kit.rendered.title == "纯棉T恤上新"
    assert kit.poster_url == (
        f"http://testserver/console/marketing/kits/{post.public_id}/wechat_moments/poster.png")


def test_the_kit_link_is_on_the_sites_address_whatever_host_the_page_was_opened_at(
        settings, owner, post):
    """Behind a proxy, or opened at 127.0.0.1, the page's host is not the one to share."""
    settings.SITE_URL = "https://shop.example.com"
    kit = open_kit(owner, post)
    link = TrackedLink.objects.get()
    assert kit.link_url == f"https://shop.example.com/t/{link.code}"
    assert kit.link_url in kit.text
    # The poster is fetched by this very page: from where the page came.
    assert kit.poster_url.startswith("http://testserver/")


def test_opening_a_kit_again_keeps_the_same_link(owner, post):
    first, again = open_kit(owner, post), open_kit(owner, post)
    assert first.link == again.link and TrackedLink.objects.count() == 1


def test_each_channel_has_its_own_link_and_hashtag_style(owner, post):
    weibo, xiaohongshu = open_kit(owner, post, "weibo"), open_kit(owner, post, "xiaohongshu")
    assert weibo.link != xiaohongshu.link
    assert weibo.text.endswith("#好物# #纯棉#")
    assert xiaohongshu.text.endswith("#好物 #纯棉")


def test_the_pictures_are_the_channels_number_in_order(owner, post):
    momo = open_kit(owner, post, "momo")
    assert momo.images == list(post.images.all())[:6]
    assert momo.rendered.trimmed_images == 2
    assert open_kit(owner, post, "weibo").images == list(post.images.all())


@pytest.mark.parametrize("variant, text", [("tw", "這裡的軟體好用"), ("hk", "這裏的軟件好用")],
                         ids=["tw", "hk"])
def test_a_traditional_kit_uses_the_regions_wording(owner, post, variant, text):
    kit = open_kit(owner, post, variant=variant)
    assert kit.text.startswith(text) and kit.variant == variant
    assert kit.poster_url.endswith(f"poster.png?variant={variant}")


def test_an_unknown_script_is_refused(owner, post, english):
    with pytest.raises(InvalidInput, match="Choose Simplified Chinese"):
        open_kit(owner, post, variant="jp")
    assert not TrackedLink.objects.exists()


def test_staff_share_as_the_owner(owner, post):
    staff = UserFactory(role="staff", areas=["marketing"])
    kit = open_kit(staff, post)
    assert kit.seller == owner and kit.link.seller == owner


@pytest.mark.parametrize("case", ["draft", "unknown post", "channel not in use",
                                  "unknown channel"])
def test_only_published_posts_on_channels_in_use_have_kits(owner, post, case, english):
    code = "wechat_moments"
    if case == "draft":
        post.is_published = False
        post.save()
    elif case == "unknown post":
        post.public_id = "0" * 32
    elif case == "channel not in use":
        ChannelFactory(code="retired", is_active=False)
        code = "retired"
    else:
        code = "fax"
    with pytest.raises(NotFound):
        open_kit(owner, post, code)
    assert not TrackedLink.objects.exists()


def test_a_kit_image_is_one_the_channel_takes(owner, post):
    kit = open_kit(owner, post, "momo")
    assert kits.kit_image(kit, post.images.all()[5].public_id) == kit.images[5]
    with pytest.raises(NotFound):
        kits.kit_image(kit, post.images.all()[6].public_id)


# -- The pages --------------------------------------------------------------------------------

def test_the_kit_page_has_the_text_to_copy_pictures_poster_and_link(owner_client, post):
    response = owner_client.get(kit_url(post), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    kit = response.context["kit"]
    page = response.content.decode()
    textarea = re.search(r'<textarea id="kit-text-area"[^>]*readonly[^>]*>(.*?)</textarea>',
                         page, re.S)
    assert textarea and kit.link_url in textarea.group(1)
    assert 'data-copy="#kit-text-area"' in page and 'data-copied="Copied"' in page
    assert f'value="{kit.link_url}"' in page and 'data-copy="#kit-link-url"' in page
    # Moments takes 9 pictures, the post has 8: each with its download.
    assert page.count("data-picture") == 8
    assert reverse("marketing:kit_image", args=[post.public_id, "wechat_moments",
                                                post.images.all()[0].public_id]) in page
    assert page.count(f'src="{kit.poster_url}"') == 1 and "data-poster" in page
    for value in ("", "tw", "hk"):
        assert f'href="?variant={value}"' in page
    assert "marketing/kit.js" in page


def test_the_kit_page_shows_the_count_and_trimmed_pictures(owner_client, post):
    post.body = "好" * 150
    post.save()
    response = owner_client.get(kit_url(post, "momo"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "150 characters" in page  # Momo takes no topics and has no limit
    assert page.count("data-picture") == 6
    assert "Only the first 6 of 8 images go to 陌陌." in page


def test_the_kit_page_shows_where_weibo_folds(owner_client, post):
    post.body = "好" * 150
    post.hashtags = []
    post.save()
    page = owner_client.get(kit_url(post, "weibo"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "150/2000 characters" in page
    assert "folds after 140" in page
    assert "好" * 140 + '<span class="fold-marker">' in page


def test_the_traditional_switch(owner_client, post):
    page = owner_client.get(kit_url(post, variant="hk"),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "這裏的軟件好用" in page
    assert 'class="tab active" aria-current="page" data-variant="hk"' in page


def test_an_unknown_script_shows_why_and_the_simplified_kit(owner_client, post):
    response = owner_client.get(kit_url(post, variant="jp"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose Simplified Chinese" in page and "这里的软件好用" in page


def test_a_title_limited_channel_shows_the_title_to_copy(owner_client, post):
    page = owner_client.get(kit_url(post, "xiaohongshu"),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="kit-title" readonly value="纯棉T恤上新"' in page
    assert "Title: 6/20 characters" in page


def test_the_kit_page_reads_a_fixed_number_of_queries(owner_client, post, with_images,
                                                      django_assert_max_num_queries):
    owner_client.get(kit_url(post, "weibo"))
    with django_assert_max_num_queries(13):
        owner_client.get(kit_url(post, "weibo"))
    with_images(post, 10)
    with django_assert_max_num_queries(13):
        assert owner_client.get(kit_url(post, "weibo")).status_code == 200


@pytest.mark.parametrize("case", ["draft", "unknown channel"])
def test_no_kit_page_for_a_draft_or_unknown_channel(owner_client, post, case):
    if case == "draft":
        post.is_published = False
        post.save()
    code = "fax" if case == "unknown channel" else "wechat_moments"
    assert owner_client.get(kit_url(post, code)).status_code == 404
    assert not TrackedLink.objects.exists()


def test_staff_need_the_marketing_area(client, owner, post):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(kit_url(post)).status_code == 403
    client.force_login(UserFactory(role="staff", areas=["marketing"]))
    response = client.get(kit_url(post))
    assert response.status_code == 200 and response.context["kit"].seller == owner


def test_visitors_log_in_first(client, post):
    response = client.get(kit_url(post))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_poster_downloads_as_a_png(owner_client, post):
    response = owner_client.get(reverse("marketing:kit_poster",
                                        args=[post.public_id, "wechat_moments"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="wechat_moments-')
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (picture.format, picture.size) == ("PNG", (750, 1334))


def test_a_poster_in_an_unknown_script_is_refused(owner_client, post):
    url = reverse("marketing:kit_poster", args=[post.public_id, "wechat_moments"])
    assert owner_client.get(url + "?variant=jp").status_code == 400


def test_a_picture_downloads_and_a_trimmed_one_does_not(owner_client, post):
    images = post.images.all()
    response = owner_client.get(reverse("marketing:kit_image",
                                        args=[post.public_id, "momo", images[1].public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="momo-2.png"'
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "PNG"
    trimmed = reverse("marketing:kit_image", args=[post.public_id, "momo", images[7].public_id])
    assert owner_client.get(trimmed).status_code == 404


def test_the_post_page_has_a_kit_button_per_channel_in_use(owner_client, post):
    ChannelFactory(code="retired", is_active=False)
    page = owner_client.get(reverse("marketing:post_detail",
                                    args=[post.public_id])).content.decode()
    codes = re.findall(r'data-kit="([a-z_]+)"', page)
    assert codes == ["wechat_moments", "wechat_group", "wechat_oa", "qq", "qzone", "weibo",
                     "momo", "xiaohongshu", "douyin"]
    assert kit_url(post, "weibo") in page


def test_a_draft_has_no_kit_buttons(owner_client, post, english):
    post.is_published = False
    post.save()
    page = owner_client.get(reverse("marketing:post_detail", args=[post.public_id]),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-kit=" not in page and "Publish the post to share it" in page


def test_the_channel_chooser(owner_client, post):
    response = owner_client.get(reverse("marketing:kit_channels", args=[post.public_id]))
    assert response.status_code == 200
    assert len(re.findall(r'data-kit="', response.content.decode())) == 9

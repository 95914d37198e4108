"""Share kits through the API: the kit as JSON and its poster."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from tests.api_clients import english_client
from tests.factories import PostFactory, UserFactory
from weishang.marketing.models import TrackedLink


@pytest.fixture
def post(stocked, with_images):
    post = PostFactory(title="{商品名}上新", body="这里的软件好用，{价格} 戳 {店铺链接}",
                       hashtags=["好物"])
    post.products.set([stocked(price="59.90").product])
    return with_images(post, 8)


def kit_url(post, code="weibo"):
    return reverse("api:kit", args=[post.public_id, code])


def test_a_kit_as_json(owner, post):
    response = english_client(owner).get(kit_url(post, "momo"))
    assert response.status_code == 200
    body = response.json()
    link = TrackedLink.objects.get()
    assert body["link"] == link.code
    assert body["link_url"] == f"http://testserver/t/{link.code}"
    assert body["text"] == f"这里的软件好用，¥59.90 戳 {body['link_url']}"
    assert (body["post"], body["channel"], body["channel_name"], body["seller"],
            body["variant"]) == (post.public_id, "momo", "陌陌", str(owner), "")
    assert body["title"] == "纯棉T恤上新" and body["length"] == len(body["text"])
    assert body["fold_at"] is None and body["over_limit"] is False
    assert body["problems"] == ["Only the first 6 of 8 images go to 陌陌."]
    assert body["trimmed_images"] == 2
    images = list(post.images.all())
    assert [image["id"] for image in body["images"]] == [image.public_id for image in images[:6]]
    assert body["images"][0]["url"] == f"http://testserver{images[0].image.url}"
    assert body["poster_url"] == (
        f"http://testserver/api/v1/kits/{post.public_id}/momo/poster.png")


def test_weibo_topics_and_the_hong_kong_script(owner, post):
    body = english_client(owner).get(kit_url(post), {"variant": "hk"}).json()
    assert body["text"].startswith("這裏的軟件好用") and body["text"].endswith("#好物#")
    assert body["variant"] == "hk" and body["poster_url"].endswith("poster.png?variant=hk")


def test_an_unknown_script_is_refused(owner, post):
    response = english_client(owner).get(kit_url(post), {"variant": "jp"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "variant" in response.json()["fields"]
    assert not TrackedLink.objects.exists()


@pytest.mark.parametrize("case, code", [("draft", "post_not_found"),
                                        ("unknown channel", "channel_not_found")],
                         ids=["draft", "unknown-channel"])
def test_no_kit_for_a_draft_or_an_unknown_channel(owner, post, case, code):
    if case == "draft":
        post.is_published = False
        post.save()
    url = kit_url(post, "fax" if case == "unknown channel" else "weibo")
    response = english_client(owner).get(url)
    assert response.status_code == 404 and response.json()["code"] == code
    assert not TrackedLink.objects.exists()


def test_staff_need_the_marketing_area_and_share_as_the_owner(owner, post):
    assert english_client(UserFactory(role="staff")).get(kit_url(post)).status_code == 403
    response = english_client(UserFactory(role="staff", areas=["marketing"])).get(kit_url(post))
    assert response.status_code == 200 and response.json()["seller"] == str(owner)
    assert TrackedLink.objects.get().seller == owner


def test_anonymous_clients_get_nothing(post):
    assert english_client().get(kit_url(post)).status_code in (401, 403)
    assert not TrackedLink.objects.exists()


def test_the_poster(owner, post):
    client = english_client(owner)
    body = client.get(kit_url(post)).json()
    response = client.get(body["poster_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="weibo-')
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (picture.format, picture.size) == ("PNG", (750, 1334))
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [body["link_url"]]


def test_a_poster_in_an_unknown_script_is_refused(owner, post):
    url = reverse("api:kit_poster", args=[post.public_id, "weibo"])
    response = english_client(owner).get(url, {"variant": "jp"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_kit_reads_a_fixed_number_of_queries(owner, post, with_images,
                                               django_assert_max_num_queries):
    client = english_client(owner)
    client.get(kit_url(post))
    with django_assert_max_num_queries(8):
        client.get(kit_url(post))
    with_images(post, 10)
    with django_assert_max_num_queries(8):
        assert client.get(kit_url(post)).status_code == 200


def test_the_schema_documents_the_kit_endpoints(owner):
    schema = english_client(owner).get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/v1/kits/{post}/{channel}/" in schema["paths"]
    poster = schema["paths"]["/api/v1/kits/{post}/{channel}/poster.png"]["get"]
    assert "image/png" in poster["responses"]["200"]["content"]

"""Agents read and share the content library of their level (issue 4, item 10): the library and a
post's page open to them read-only, the share kit carries their own shop, the API gives the same
set, and everything that manages the library stays the owner's and staff's."""

import io

import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.api_clients import english_client
from tests.factories import AgentFactory, AgentLevelFactory, PostFactory
from weishang.marketing import queries
from weishang.marketing.models import Channel, TrackedLink

pytestmark = pytest.mark.django_db
LIBRARY = reverse("marketing:post_list")


@pytest.fixture
def agent(owner):
    return AgentFactory(name="小美", level=AgentLevelFactory(rank=1, name="特约"))


@pytest.fixture
def posts(owner, stocked, with_images):
    """A post for every agent, about a product, with a picture; one for 总代 and up only."""
    everyone = PostFactory(title="人人可发", body="{商品名} 只要 {价格}，戳 {店铺链接} ——{昵称}",
                           hashtags=["好物"])
    everyone.products.set([stocked(price="59.90").product])
    with_images(everyone, 1)
    senior = PostFactory(title="总代专享", hashtags=["代理培训"],
                         min_level=AgentLevelFactory(rank=3, name="总代"))
    return {"everyone": everyone, "senior": senior}


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def kit_urls(post, channel="wechat_moments"):
    """The post's page and its share-kit pages (the picture needs one the channel takes)."""
    urls = [reverse("marketing:post_detail", args=[post.public_id]),
            reverse("marketing:kit_channels", args=[post.public_id]),
            reverse("marketing:kit", args=[post.public_id, channel]),
            reverse("marketing:kit_poster", args=[post.public_id, channel])]
    image = post.images.first()
    if image is not None:
        urls.append(reverse("marketing:kit_image", args=[post.public_id, channel,
                                                        image.public_id]))
    return urls


def landing(client, url) -> str:
    """Where a shared link takes a customer."""
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


# -- The console pages ------------------------------------------------------------------------

def test_an_agent_lists_only_the_posts_of_their_level(agent, posts):
    page = page_of(login(agent.user).get(LIBRARY))
    assert "人人可发" in page and "总代专享" not in page
    assert "1 post" in page
    assert reverse("marketing:kit_channels", args=[posts["everyone"].public_id]) in page
    # Nothing that manages the library: no new post, no plan, results, channels or drafts.
    for name in ("marketing:post_create", "marketing:plan", "marketing:results",
                 "marketing:channel_list"):
        assert reverse(name) not in page, name
    assert "Draft" not in page and 'name="published"' not in page


def test_the_agents_filters_offer_only_the_topics_of_their_library(agent, posts):
    client = login(agent.user)
    page = page_of(client.get(LIBRARY))
    assert "#好物" in page and "#代理培训" not in page
    assert "人人可发" in page_of(client.get(LIBRARY, {"tag": "好物"}))
    assert "人人可发" not in page_of(client.get(LIBRARY, {"kind": "feedback"}))
    # A topic of a post above their level finds nothing (the filter ignores it).
    assert "总代专享" not in page_of(client.get(LIBRARY, {"tag": "代理培训"}))


def test_a_post_above_the_agents_level_is_not_there(agent, posts):
    client = login(agent.user)
    for url in kit_urls(posts["senior"]):
        assert client.get(url).status_code == 404, url


def test_an_upgrade_opens_the_higher_posts(agent, posts):
    agent.level = posts["senior"].min_level
    agent.save()
    client = login(agent.user)
    assert "总代专享" in page_of(client.get(LIBRARY))
    for url in kit_urls(posts["senior"]):
        assert client.get(url).status_code == 200, url


def test_an_agent_reads_a_post_without_managing_it(agent, posts):
    post = posts["everyone"]
    page = page_of(login(agent.user).get(reverse("marketing:post_detail",
                                                 args=[post.public_id])))
    assert "人人可发" in page and 'data-kit="wechat_moments"' in page
    for name in ("marketing:post_edit", "marketing:post_publish", "marketing:post_delete",
                 "marketing:image_upload"):
        assert reverse(name, args=[post.public_id]) not in page, name
    assert 'id="post-results"' not in page and reverse("marketing:results") not in page
    assert "Published" not in page  # every post an agent sees is
    # The product opens in the agent's own shop, not on the owner's console.
    product = post.products.get()
    assert reverse("storefront:product", args=[agent.user.shop.code, product.public_id]) in page
    assert reverse("catalog:product_detail", args=[product.public_id]) not in page


def test_the_agents_share_kit_carries_their_own_shop(agent, posts, client):
    post = posts["everyone"]
    page = page_of(login(agent.user).get(
        reverse("marketing:kit", args=[post.public_id, "wechat_moments"])))
    link = TrackedLink.objects.get()
    assert link.seller == agent.user
    link_url = f"http://testserver/t/{link.code}"
    assert f"纯棉T恤 只要 ¥59.90，戳 {link_url} ——{agent.user}" in page
    assert f'value="{link_url}"' in page
    # No posting plan for agents.
    assert "data-plan-it" not in page and "data-plan-posted" not in page
    product = post.products.get()
    assert landing(client, link_url) == reverse(
        "storefront:product", args=[agent.user.shop.code, product.public_id])


def test_the_agents_poster_qr_code_leads_to_their_shop(agent, posts, client):
    post = posts["everyone"]
    response = login(agent.user).get(
        reverse("marketing:kit_poster", args=[post.public_id, "wechat_moments"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    poster = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    [found] = [code.text for code in zxingcpp.read_barcodes(poster)]
    assert found == f"http://testserver/t/{TrackedLink.objects.get(seller=agent.user).code}"
    assert landing(client, found).startswith(reverse("storefront:shop",
                                                     args=[agent.user.shop.code]))


def test_a_suspended_agent_has_nothing_to_share(agent, posts):
    agent.state = "suspended"
    agent.save()
    client = login(agent.user)
    post = posts["everyone"]
    response = client.get(reverse("marketing:kit", args=[post.public_id, "wechat_moments"]),
                          follow=True)
    assert "Your shop is closed while you are not an active agent" in page_of(response)
    assert not TrackedLink.objects.exists()
    poster = client.get(reverse("marketing:kit_poster", args=[post.public_id, "weibo"]))
    assert poster.status_code == 400


def test_the_owners_marketing_pages_refuse_agents(agent, posts):
    client = login(agent.user)
    post = posts["everyone"]
    image = post.images.get()
    refused = [
        ("get", reverse("marketing:post_create")),
        ("get", reverse("marketing:post_edit", args=[post.public_id])),
        ("post", reverse("marketing:post_publish", args=[post.public_id])),
        ("post", reverse("marketing:post_delete", args=[post.public_id])),
        ("post", reverse("marketing:image_upload", args=[post.public_id])),
        ("post", reverse("marketing:image_move", args=[post.public_id, image.public_id])),
        ("post", reverse("marketing:image_delete", args=[post.public_id, image.public_id])),
        ("get", reverse("marketing:channel_list")),
        ("get", reverse("marketing:channel_edit", args=["weibo"])),
        ("get", reverse("marketing:settings")),
        ("get", reverse("marketing:plan")),
        ("get", reverse("marketing:plan_add")),
        ("get", reverse("marketing:results")),
    ]
    wrong = [f"{method} {url}" for method, url in refused
             if getattr(client, method)(url).status_code != 403]
    assert not wrong, wrong


def test_the_agents_library_reads_a_fixed_number_of_queries(agent, posts, stocked,
                                                           django_assert_max_num_queries):
    client = login(agent.user)
    client.get(LIBRARY)
    for number in range(5):
        PostFactory(title=f"更多{number}").products.set([stocked().product])
    with django_assert_max_num_queries(9):
        page = page_of(client.get(LIBRARY))
    assert "更多4" in page


def test_the_agents_console_offers_the_library(agent):
    page = page_of(login(agent.user).get(reverse("console:home")))
    assert f'href="{LIBRARY}" data-library' in page
    nav = page[page.index('data-nav="agent"'):]
    assert f'href="{LIBRARY}"' in nav


# -- The API ----------------------------------------------------------------------------------

def test_the_api_gives_an_agent_the_same_library(agent, posts):
    api = english_client(agent.user)
    body = api.get("/api/v1/posts/").json()
    assert [post["id"] for post in body["results"]] == [
        post.public_id for post in queries.library_for(agent.user)] == [
        posts["everyone"].public_id]
    # Filters narrow the agent's library; "published" cannot widen it to drafts.
    PostFactory(title="草稿", is_published=False)
    assert api.get("/api/v1/posts/", {"published": "false"}).json()["count"] == 1
    assert api.get("/api/v1/posts/", {"tag": "代理培训"}).json()["count"] == 0
    assert api.get(f"/api/v1/posts/{posts['everyone'].public_id}/").status_code == 200
    assert api.get(f"/api/v1/posts/{posts['senior'].public_id}/").status_code == 404


def test_the_api_lets_agents_read_only(agent, posts):
    api = english_client(agent.user)
    post = posts["everyone"]
    refused = [
        api.post("/api/v1/posts/", {"title": "t", "body": "b"}, format="json"),
        api.patch(f"/api/v1/posts/{post.public_id}/", {"title": "t"}, format="json"),
        api.delete(f"/api/v1/posts/{post.public_id}/"),
        api.post(f"/api/v1/posts/{post.public_id}/publish/", {"published": False},
                 format="json"),
        api.get(f"/api/v1/posts/{post.public_id}/images/"),
        api.get(f"/api/v1/posts/{post.public_id}/render/", {"channel": "weibo"}),
        api.get("/api/v1/channels/"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)


def test_the_kit_api_shares_as_the_agent(agent, posts, client):
    api = english_client(agent.user)
    senior = posts["senior"]
    assert api.get(reverse("api:kit", args=[senior.public_id, "weibo"])).status_code == 404
    body = api.get(reverse("api:kit", args=[posts["everyone"].public_id, "weibo"])).json()
    assert body["seller"] == str(agent.user)
    assert body["link_url"] in body["text"]
    assert landing(client, body["link_url"]).startswith(
        reverse("storefront:shop", args=[agent.user.shop.code]))
    assert Channel.objects.get(code="weibo") == TrackedLink.objects.get().channel


def test_the_kit_api_refuses_a_suspended_agent(agent, posts):
    agent.state = "suspended"
    agent.save()
    response = english_client(agent.user).get(
        reverse("api:kit", args=[posts["everyone"].public_id, "weibo"]))
    assert response.status_code == 400 and response.json()["code"] == "agent_not_active"

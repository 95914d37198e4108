"""REST API of tracked links and results: the current seller's links with their figures, one
link, getting a link made, and the results per post, channel, seller or link."""

import pytest

from tests.api_clients import english_client
from tests.factories import PostFactory, UserFactory
from tests.marketing.sharing import (
    follow,
    link_targets_checked_at_once,  # noqa: F401 (autouse)
    shared_post,
)
from weishang.accounts.models import Shop
from weishang.marketing.links import services as links
from weishang.marketing.models import TrackedLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner, shop):
    return english_client(owner)


def test_asking_for_a_link_makes_it_once(api, owner, channel):
    post = PostFactory(title="新茶上市")

    made = api.post("/api/v1/links/", {"post": post.public_id, "channel": "weibo"},
                    format="json")
    again = api.post("/api/v1/links/", {"post": post.public_id, "channel": "weibo"},
                     format="json")

    assert (made.status_code, again.status_code) == (201, 200)
    body = made.json()
    link = TrackedLink.objects.get()
    assert body["code"] == link.code == again.json()["code"]
    assert body["url"] == f"http://testserver/t/{link.code}"
    assert (body["channel"], body["channel_name"], body["post"], body["post_title"]) == (
        "weibo", "微博", post.public_id, "新茶上市")
    assert body["seller"] == str(owner)
    assert body["figures"] == {"clicks": 0, "orders": 0, "paid_orders": 0, "revenue": "0.00",
                               "conversion": None}


def test_a_shop_link_has_no_post(api):
    body = api.post("/api/v1/links/", {"channel": "qq"}, format="json").json()
    assert body["post"] is None and body["product"] == ""


def test_staff_get_the_owners_links(owner, shop):
    marketer = UserFactory(role="staff", areas=["marketing"])
    body = english_client(marketer).post("/api/v1/links/", {"channel": "qq"},
                                         format="json").json()
    assert TrackedLink.objects.get(code=body["code"]).seller == owner


@pytest.mark.parametrize("given, field, message", [
    ({"channel": "myspace"}, "channel", "There is no channel in use with this code."),
    ({"channel": "qq", "post": "nope"}, "post", "There is no published post with this id."),
    ({"channel": "qq", "post": "draft"}, "post", "There is no published post with this id."),
    ({}, "channel", "channel: This field is required."),
], ids=["unknown-channel", "unknown-post", "draft-post", "no-channel"])
def test_bad_requests_are_refused_and_make_nothing(api, given, field, message):
    if given.get("post") == "draft":
        given["post"] = PostFactory(is_published=False).public_id

    response = api.post("/api/v1/links/", given, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == message and field in response.json()["fields"]
    assert not TrackedLink.objects.exists()


def test_the_list_has_the_sellers_links_with_figures_in_fixed_queries(
        api, client, owner, channel, django_assert_max_num_queries):
    for number in range(6):
        link = shared_post(owner, channel("weibo"), title=f"帖子{number}")
        for _ in range(number):
            follow(client, link)
    links.link_for(post=PostFactory(), channel=channel("qq"), seller=owner)  # not on Weibo
    agent = UserFactory(role="agent")
    Shop.objects.create(seller=agent, name="小王的店")
    links.link_for(post=PostFactory(), channel=channel("weibo"), seller=agent)  # not theirs

    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/links/", {"channel": "weibo"})

    body = response.json()
    assert body["count"] == 6
    assert [row["figures"]["clicks"] for row in body["results"]] == [5, 4, 3, 2, 1, 0]


def test_one_link_with_its_counts(api, client, owner, channel, stocked):
    link = shared_post(owner, channel("weibo"), stocked().product)
    follow(client, link)

    body = api.get(f"/api/v1/links/{link.code}/").json()

    assert body["code"] == link.code and body["figures"]["clicks"] == 1
    assert api.get("/api/v1/links/XXXXXXXX/").json() == {
        "code": "not_found", "message": "There is no tracked link with this code."}


def test_results_by_each_breakdown(api, client, owner, channel):
    link = shared_post(owner, channel("weibo"), title="新茶上市")
    follow(client, link)
    follow(client, link)

    for by, key, label in [("post", link.post.public_id, "新茶上市"), ("channel", "weibo", "微博"),
                           ("seller", str(owner.pk), str(owner)),
                           ("link", link.code, "新茶上市 · 微博")]:
        body = api.get("/api/v1/results/", {"by": by}).json()
        assert body["by"] == by
        assert body["total"]["clicks"] == 2
        assert [(row["key"], row["label"], row["clicks"]) for row in body["rows"]] == [
            (key, label, 2)], by


@pytest.mark.parametrize("query, message", [
    ({"by": "colour"}, 'by: "colour" is not a valid choice.'),
    ({"date_from": "2026-02-30"}, "date_from: Date has wrong format. Use one of these formats "
                                  "instead: YYYY-MM-DD."),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"},
     "date_from: The start date is after the end date."),
], ids=["by", "date", "order"])
def test_bad_result_filters_are_refused(api, query, message):
    response = api.get("/api/v1/results/", query)
    assert response.status_code == 400 and response.json()["message"] == message


def test_links_and_results_need_the_marketing_area(owner, shop, staff):
    assert english_client().get("/api/v1/links/").status_code in (401, 403)
    for url in ("/api/v1/links/", "/api/v1/results/"):
        assert english_client(staff).get(url).status_code == 403
    assert english_client(staff).post("/api/v1/links/", {"channel": "qq"},
                                      format="json").status_code == 403

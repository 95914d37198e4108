"""A click on a tracked link goes with the order placed in the same browser within the window:
the order keeps the channel, post, link and seller, and the results count them."""

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_clients import english_client
from tests.marketing.sharing import (
    buy,
    follow,
    link_targets_checked_at_once,  # noqa: F401 (autouse)
    shared_post,
)
from weishang.marketing import services
from weishang.marketing.links import attribution
from weishang.marketing.links import services as links
from weishang.orders import services as orders

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    """A second browser (the owner's phone) beside the customer's ``client``."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def tea(stocked):
    return stocked(10, price="88.00", title="乌龙茶")


def test_an_order_after_a_click_carries_channel_post_and_seller_into_the_results(
        client, owner, shop, channel, tea):
    link = shared_post(owner, channel("weibo"), tea.product, title="新茶上市")

    landing = follow(client, link)
    assert client.get(landing["Location"]).status_code == 200
    order = buy(client, tea, 2)

    assert (order.source_channel, order.source_post, order.source_link, order.source_seller) == (
        "weibo", link.post.public_id, link.code, owner)
    orders.confirm_payment(order, actor=owner)

    page = client_as(owner).get(reverse("marketing:results"), {"by": "channel"},
                                HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-key="weibo"' in page and 'data-figure="revenue">¥176.00' in page
    api = english_client(owner).get("/api/v1/results/", {"by": "post"}).json()
    assert api["rows"] == [{
        "key": link.post.public_id, "label": "新茶上市", "clicks": 1, "orders": 1,
        "paid_orders": 1, "revenue": "176.00", "conversion": "1.0000",
    }]


def test_without_a_click_the_order_has_no_source(client, owner, shop, tea):
    order = buy(client, tea)
    assert (order.source_channel, order.source_post, order.source_link, order.source_seller) == (
        "", "", "", None)


def test_the_last_click_wins(client, owner, shop, channel, tea):
    first = shared_post(owner, channel("weibo"), tea.product)
    last = links.shop_link_for(channel=channel("xiaohongshu"), seller=owner)

    follow(client, first)
    follow(client, last)
    order = buy(client, tea)

    assert (order.source_channel, order.source_post, order.source_link) == (
        "xiaohongshu", "", last.code)


@pytest.mark.parametrize("days_ago, attributed", [(2, True), (4, False)], ids=["inside",
                                                                               "outside"])
def test_a_click_counts_within_the_attribution_window(client, owner, shop, channel, tea,
                                                      days_ago, attributed):
    services.update_marketing_settings(owner, attribution_days=3)
    link = shared_post(owner, channel("qq"), tea.product)

    clicked = time.time() - days_ago * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=clicked):
        follow(client, link)
    order = buy(client, tea)

    assert order.source_link == (link.code if attributed else "")


def test_a_forged_or_stale_cookie_is_ignored(client, owner, shop, channel, tea):
    link = links.shop_link_for(channel=channel("qq"), seller=owner)
    client.cookies[attribution.ATTRIBUTION_COOKIE] = link.code  # not signed
    assert buy(client, tea, key="forged").source_link == ""

    follow(client, link)
    link.delete()
    assert buy(client, tea, key="deleted").source_link == ""


def test_the_order_keeps_its_source_when_the_click_is_gone(client, owner, shop, channel, tea):
    link = shared_post(owner, channel("momo"), tea.product)
    follow(client, link)
    order = buy(client, tea)

    link.clicks.all().delete()
    order.refresh_from_db()

    assert order.source_link == link.code and order.source_channel == "momo"

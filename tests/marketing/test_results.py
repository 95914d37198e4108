"""Results: clicks, orders, revenue and conversion per post, channel and seller, ranked, over a
date range; on the console page, in a post's detail and for one seller only when asked."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PostFactory, UserFactory
from tests.marketing.sharing import (
    link_targets_checked_at_once,  # noqa: F401 (autouse)
    shared_post,
)
from weishang.accounts.models import Shop
from weishang.marketing.links import services as links
from weishang.marketing.models import Click
from weishang.marketing.results import queries as results
from weishang.marketing.results.queries import By, Period
from weishang.orders import services as orders
from weishang.orders.services import Attribution

pytestmark = pytest.mark.django_db


def clicks(link, count, *, days_ago=0):
    at = timezone.now() - timedelta(days=days_ago)
    Click.objects.bulk_create(Click(link=link, at=at, visitor=f"v{n}") for n in range(count))


@pytest.fixture
def sale(place, stocked, owner):
    """sale(link, price, state="paid"): an order of one item placed through ``link``."""

    def make(link, price, state="paid"):
        order = place(stocked(5, price=price), attribution=Attribution(
            channel=link.channel.code, post=link.post.public_id if link.post_id else "",
            link=link.code, seller=link.seller))
        if state in ("paid", "shipped", "refunded"):
            orders.confirm_payment(order, actor=owner)
        if state == "shipped":
            orders.ship_order(order, actor=owner, carrier="SF", tracking_number="SF1234567890123")
        if state == "refunded":
            orders.request_refund(order, actor=owner)
            orders.refund_order(order, actor=owner)
        if state == "cancelled":
            orders.cancel_order(order, actor=owner)
        return order

    return make


@pytest.fixture
def shared(owner, shop, channel, sale):
    """Two posts on two channels: the tea post sells on Weibo, the cup post only gets clicks."""
    tea_weibo = shared_post(owner, channel("weibo"), title="新茶上市")
    tea_moments = links.link_for(post=tea_weibo.post, channel=channel("wechat_moments"),
                                 seller=owner)
    cups = shared_post(owner, channel("wechat_moments"), title="茶杯")
    clicks(tea_weibo, 8)
    clicks(tea_moments, 2)
    clicks(cups, 30)
    sale(tea_weibo, "100.00")
    sale(tea_weibo, "50.00", state="shipped")
    sale(tea_weibo, "70.00", state="pending")
    sale(tea_moments, "40.00", state="cancelled")
    sale(tea_moments, "60.00", state="refunded")
    return {"tea": tea_weibo.post, "cups": cups.post}


def figures(row):
    return (row.label, row.clicks, row.orders, row.paid_orders, row.revenue, row.conversion)


def test_per_post_revenue_counts_paid_orders_and_conversion_is_orders_per_click(shared):
    rows = results.breakdown(By.POST)

    assert [figures(row) for row in rows] == [
        ("新茶上市", 10, 5, 2, Decimal("150.00"), Decimal("0.5000")),
        ("茶杯", 30, 0, 0, Decimal("0.00"), Decimal("0.0000")),
    ]
    assert rows[0].item == shared["tea"] and rows[0].conversion_percent == Decimal("50.0")


def test_per_channel_and_per_seller(shared, owner):
    by_channel = {row.key: figures(row) for row in results.breakdown(By.CHANNEL)}
    assert by_channel == {
        "weibo": ("微博", 8, 3, 2, Decimal("150.00"), Decimal("0.3750")),
        "wechat_moments": ("朋友圈", 32, 2, 0, Decimal("0.00"), Decimal("0.0625")),
    }
    [seller] = results.breakdown(By.SELLER)
    assert figures(seller) == (str(owner), 40, 5, 2, Decimal("150.00"), Decimal("0.1250"))


def test_the_ranking_puts_revenue_first_then_orders_then_clicks(owner, shop, channel, sale):
    quiet, busy, selling = (shared_post(owner, channel("qq"), title=title)
                            for title in ("少", "多", "卖"))
    clicks(quiet, 1)
    clicks(busy, 50)
    clicks(selling, 5)
    sale(selling, "10.00")

    assert [row.label for row in results.breakdown(By.POST)] == ["卖", "多", "少"]


def test_a_period_counts_clicks_and_orders_of_those_days(owner, shop, channel, sale):
    link = shared_post(owner, channel("qq"), title="老帖")
    clicks(link, 3, days_ago=40)
    clicks(link, 2)
    sale(link, "20.00")
    today = timezone.localdate()

    [recent] = results.breakdown(By.POST, period=Period.last_days(30))
    assert (recent.clicks, recent.orders) == (2, 1)
    [old] = results.breakdown(By.POST, period=Period(today - timedelta(days=45),
                                                     today - timedelta(days=35)))
    assert (old.clicks, old.orders, old.conversion) == (3, 0, Decimal("0.0000"))
    assert results.breakdown(By.POST, period=Period(today + timedelta(days=1))) == []


def test_shop_links_without_a_post_have_their_own_row(owner, shop, channel, sale):
    link = links.shop_link_for(channel=channel("qq"), seller=owner)
    clicks(link, 4)
    sale(link, "30.00")

    [row] = results.breakdown(By.POST)
    assert (row.key, row.clicks, row.orders, row.revenue) == ("", 4, 1, Decimal("30.00"))


def test_an_agent_sees_only_their_own_links(owner, shop, channel, sale):
    agent = UserFactory(role="agent", display_name="小王")
    Shop.objects.create(seller=agent, name="小王的店")
    post = PostFactory()
    mine = links.link_for(post=post, channel=channel("qq"), seller=agent)
    theirs = links.link_for(post=post, channel=channel("qq"), seller=owner)
    clicks(mine, 3)
    clicks(theirs, 7)
    sale(theirs, "10.00")

    assert results.seller_scope(agent) == agent and results.seller_scope(owner) is None
    [own] = results.breakdown(By.POST, seller=results.seller_scope(agent))
    assert (own.clicks, own.orders) == (3, 0)
    [everyone] = results.breakdown(By.POST, seller=results.seller_scope(owner))
    assert (everyone.clicks, everyone.orders) == (10, 1)


def test_no_clicks_no_conversion():
    assert results.ResultRow("x", orders=1).conversion is None


# -- pages ------------------------------------------------------------------------------------

def test_the_ranking_page_shows_tabs_totals_and_rows(owner_client, shared):
    page = owner_client.get(reverse("marketing:results"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    assert page.status_code == 200
    assert html.index("新茶上市") < html.index("茶杯")
    assert 'data-figure="revenue">¥150.00' in html and 'data-figure="conversion">12.5%' in html
    assert 'data-tab="channel"' in html and 'data-tab="seller"' in html
    assert reverse("marketing:post_detail", args=[shared["tea"].public_id]) in html

    sellers = owner_client.get(reverse("marketing:results"), {"by": "seller"},
                               HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="tab active" href="?by=seller" data-tab="seller"' in sellers


def test_the_ranking_page_runs_a_fixed_number_of_queries(owner_client, owner, shop, channel,
                                                         sale, django_assert_max_num_queries):
    for number in range(12):
        link = shared_post(owner, channel("weibo"), title=f"帖子{number}")
        clicks(link, number + 1)
        sale(link, "10.00")

    with django_assert_max_num_queries(8):
        page = owner_client.get(reverse("marketing:results"))

    assert page.content.decode().count('class="row result-row"') == 12


def test_bad_dates_fall_back_to_the_last_30_days_with_a_message(owner_client, owner, shop,
                                                                channel):
    clicks(shared_post(owner, channel("qq"), title="近期"), 2)

    page = owner_client.get(reverse("marketing:results"),
                            {"by": "channel", "date_from": "2026-05-01",
                             "date_to": "2026-04-01"},
                            HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert page.status_code == 200
    assert "The start date is after the end date." in html
    assert 'class="tab active" href="?by=channel' in html and 'data-key="qq"' in html


def test_results_need_the_marketing_area(client, staff):
    assert client.get(reverse("marketing:results"))["Location"].startswith("/accounts/login/")
    client.force_login(staff)
    assert client.get(reverse("marketing:results")).status_code == 403


def test_a_post_shows_its_results_per_channel(owner_client, shared):
    html = owner_client.get(reverse("marketing:post_detail", args=[shared["tea"].public_id]),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()

    section = html[html.index('id="post-results"'):]
    assert 'data-key="weibo"' in section and 'data-key="wechat_moments"' in section
    assert 'data-figure="clicks">10<' in section and 'data-figure="revenue">¥150.00' in section


def test_a_post_never_shared_says_so(owner_client, owner, shop):
    post = PostFactory()
    html = owner_client.get(reverse("marketing:post_detail", args=[post.public_id]),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No clicks yet." in html

"""Purchase pages: the agent buys and sees only their own; the owner sees everyone's."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.orders.purchasing import buy, buy_into_cloud, cloud, new_agent, rule, set_state
from tests.selling import payment_deadline_on
from weishang.orders.models import BuyBack, Order

pytestmark = pytest.mark.usefixtures("english")


def logged_in(client, user):
    client.force_login(user)
    return client


def test_an_agent_buys_into_cloud_stock_from_the_page(client, owner, stocked):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    page = logged_in(client, agent.user).get(reverse("purchases:new"))
    assert page.status_code == 200 and "¥70.00" in page.content.decode()
    placed = client.post(reverse("purchases:new"), {
        f"qty-{variant.public_id}": "3", "delivery": "cloud", "idempotency_key": "k1"})
    order = Order.objects.get(kind="purchase")
    assert placed.status_code == 302 and placed.url == reverse("purchases:detail",
                                                               args=[order.number])
    page = client.get(placed.url)
    assert page.status_code == 200
    assert payment_deadline_on(page.content.decode(), order) > 0


def test_a_refused_purchase_says_why_and_writes_nothing(client, owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    rule(agent.level, variant, max_per_order=2)
    answer = logged_in(client, agent.user).post(reverse("purchases:new"), {
        f"qty-{variant.public_id}": "3", "delivery": "cloud"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "at most 2 per order" in answer.content.decode()
    assert not Order.objects.exists()


def test_agent_a_never_sees_agent_bs_purchases_or_stock(client, owner, stocked):
    a, b = new_agent(), new_agent("小丽")
    variant = stocked(20, title="玫瑰精华")
    theirs = buy_into_cloud(b, variant, 2, owner)
    logged_in(client, a.user)
    assert client.get(reverse("purchases:detail", args=[theirs.number])).status_code == 404
    assert theirs.number not in client.get(reverse("purchases:list")).content.decode()
    assert "玫瑰精华" not in client.get(reverse("purchases:cloud")).content.decode()
    assert client.get(reverse("purchases:cloud_overview")).status_code == 403


def test_lists_run_a_fixed_number_of_queries(client, owner, stocked,
                                             django_assert_max_num_queries):
    agent = new_agent()
    for title in ("面膜", "精华", "乳液"):
        buy_into_cloud(agent, stocked(20, title=title), 2, owner)
        buy_into_cloud(new_agent(f"代理{title}"), stocked(20, title=title), 1, owner)
    logged_in(client, agent.user)
    for name in ("purchases:list", "purchases:cloud"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    logged_in(client, owner)
    for name in ("purchases:list", "purchases:cloud_overview", "purchases:buybacks"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_an_exited_agent_asks_for_a_buy_back_and_the_owner_pays_it(client, owner, stocked):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    buy_into_cloud(agent, variant, 3, owner)
    set_state(agent, "exited")
    asked = logged_in(client, agent.user).post(reverse("purchases:buyback_new"),
                                               {f"qty-{variant.public_id}": "2"})
    assert asked.status_code == 302 and cloud(agent, variant) == 1
    buyback = BuyBack.objects.get()
    other = new_agent("小丽")
    logged_in(client, other.user)
    assert buyback.public_id not in client.get(reverse("purchases:buybacks")).content.decode()
    assert client.post(reverse("purchases:buyback_pay", args=[buyback.public_id]),
                       {"reference": "x"}).status_code == 403
    logged_in(client, owner).post(reverse("purchases:buyback_pay", args=[buyback.public_id]),
                                  {"reference": "微信 42"})
    buyback.refresh_from_db()
    assert buyback.state == "paid"


def test_an_active_agent_is_told_to_sell_instead(client, owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    answer = logged_in(client, agent.user).post(reverse("purchases:buyback_new"),
                                                {f"qty-{variant.public_id}": "1"})
    assert answer.status_code == 409 and cloud(agent, variant) == 3


def test_staff_without_the_agents_area_and_visitors_are_kept_out(client, owner, stocked):
    buy(new_agent(), stocked(5), 1)
    assert client.get(reverse("purchases:list")).status_code == 302
    logged_in(client, UserFactory(role="staff"))
    for name in ("purchases:list", "purchases:cloud_overview", "purchases:buybacks",
                 "purchases:new"):
        assert client.get(reverse(name)).status_code == 403

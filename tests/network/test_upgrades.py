"""Automatic upgrades: measured on real retail selling — final orders (completed, past the
after-sales window), net of refunds, bought by customers, never by the agent or any other
agent as checkout recorded the buyer — and months active;
to the highest level met, recorded and signalled, idempotent. When refunds later leave the
selling short of a level it earned, the owner's setting decides: flag it for the owner (the
default) or recompute, never below the level held before the upgrades; the owner's hand
stands."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api_clients import english_client
from tests.factories import AgentFactory
from tests.migrating import back_to_latest, migrate
from weishang.accounts.models import Shop
from weishang.core.errors import Conflict
from weishang.network import services
from weishang.network.models import Agent, AgentEvent, Combination, NetworkSettings
from weishang.network.services import LevelData
from weishang.network.signals import agent_level_changed
from weishang.network.upgrades.services import full_months, metrics, run_upgrades
from weishang.orders import services as orders
from weishang.orders.buyers import identify_buyer
from weishang.orders.models import Order, OrderKind, OrderState
from weishang.orders.services import CartLine, Recipient

pytestmark = pytest.mark.django_db

CUSTOMER = "13812345678"


def _conditions(level, combination=Combination.ALL, **conditions):
    services.save_level(None, LevelData(rank=level.rank, name=level.name,
                                        discount_percent=level.discount_percent,
                                        combination=combination, conditions=conditions), level)


def _policy(upgrade_review):
    NetworkSettings.objects.update_or_create(singleton=True,
                                             defaults={"upgrade_review": upgrade_review})


@pytest.fixture
def seller(entry_level, owner):
    return AgentFactory(level=entry_level, joined_at=timezone.now() - timedelta(days=10))


@pytest.fixture
def sell(stocked, owner):
    """sell(agent, amount, phone, state="completed", completed_days_ago=10): a retail order in
    the agent's shop, final by default (the after-sales window is 7 days). The buyer's mobile,
    and the buyer checkout would name for it, are written afterwards: checkout refuses an
    agent's order in their own shop now, but one from before may be there."""
    variants = {}

    def make(agent, amount, phone=CUSTOMER, state=OrderState.COMPLETED, completed_days_ago=10):
        variant = variants.setdefault(amount, stocked(100, price=str(amount)))
        order = orders.place_order(
            shop=Shop.objects.get(seller=agent.user), lines=[CartLine(variant.public_id, 1)],
            recipient=Recipient(name="客户", phone=CUSTOMER, province="广东省", city="深圳市",
                                district="南山区", street="科技园1号"))
        completed = timezone.now() - timedelta(days=completed_days_ago)
        Order.objects.filter(pk=order.pk).update(
            state=state, recipient_phone=phone, completed_at=completed,
            after_sales_until=completed + timedelta(days=7),
            **identify_buyer(agent, phone).order_fields)
        return order

    return make


def _refund(order):
    Order.objects.filter(pk=order.pk).update(state=OrderState.REFUNDED)


def _measured(agent):
    return metrics([agent], timezone.now())[agent.pk]


# -- What is measured ------------------------------------------------------------------------

def test_only_final_retail_sales_count(seller, sell):
    sell(seller, 100, "13800000001")
    sell(seller, 50, "13800000001")
    sell(seller, 70, "13800000002", completed_days_ago=3)  # a refund may still be asked for
    for number, state in enumerate([OrderState.PAID, OrderState.SHIPPED,
                                    OrderState.REFUND_REQUESTED, OrderState.REFUNDED,
                                    OrderState.CANCELLED, OrderState.PENDING_PAYMENT]):
        sell(seller, 999, f"1380000001{number}", state=state)
    assert _measured(seller) == {"retail_sales": 150, "retail_customers": 1,
                                 "months_active": 0}


def test_a_sale_refunded_after_the_window_no_longer_counts(seller, sell):
    kept, refunded = sell(seller, 100, "13800000001"), sell(seller, 40, "13800000002")
    assert _measured(seller)["retail_sales"] == 140
    _refund(refunded)
    assert _measured(seller)["retail_sales"] == kept.goods_total
    assert _measured(seller)["retail_customers"] == 1


def test_orders_bought_by_any_agent_never_count(seller, sell, entry_level):
    team = AgentFactory(level=entry_level, upline=seller)
    below_team = AgentFactory(level=entry_level, upline=team)
    other_agent = AgentFactory(level=entry_level)
    sell(seller, 500, seller.user.phone)
    sell(seller, 400, team.user.phone)
    sell(seller, 300, below_team.user.phone)
    sell(seller, 80, other_agent.user.phone)
    sell(seller, 20, "13800000009")
    sell(team, 60, seller.user.phone)  # her upline buying
    measured = metrics([seller, team], timezone.now())
    assert (measured[seller.pk]["retail_sales"], measured[seller.pk]["retail_customers"]) == (
        20, 1)
    assert (measured[team.pk]["retail_sales"], measured[team.pk]["retail_customers"]) == (0, 0)


def test_agents_buying_in_each_others_shops_upgrade_neither(seller, entry_level, senior_level,
                                                            owner, stocked):
    """Cross-buying: two unrelated agents buy at retail in each other's shops (before: each
    order was a retail sale for the seller, who was also paid the margin back)."""
    _conditions(senior_level, retail_sales=100)
    other = AgentFactory(level=entry_level, joined_at=seller.joined_at)
    variant = stocked(20, price="100.00")
    owner_api = english_client(owner)
    for shop_of, buyer in ((seller, other), (other, seller)):
        _paid_shipped_completed(owner_api, _checkout(shop_of.user.shop, variant,
                                                     buyer.user.phone))
    assert run_upgrades(now=timezone.now() + timedelta(days=8)) == 0
    assert {agent.level for agent in Agent.objects.filter(pk__in=[seller.pk, other.pk])} == {
        entry_level}


def test_who_bought_is_what_checkout_recorded(seller, entry_level, owner, stocked):
    """One definition of the buyer (Order.buyer_relation): an agent of the team buying logged
    in, with a friend's number, is no customer (before: counted by the number alone); a
    customer who joins the team later bought as a customer."""
    variant, cheaper = stocked(20, price="100.00"), stocked(20, price="60.00")
    team = AgentFactory(level=entry_level, upline=seller)
    customer = "13800000123"
    owner_api = english_client(owner)
    by_team = english_client(team.user).post("/api/v1/checkout/", {
        "shop_code": seller.user.shop.code,
        "lines": [{"variant": variant.public_id, "quantity": 1}],
        "recipient": {"name": "朋友", "phone": "13800000456", "province": "广东省",
                      "city": "深圳市", "district": "南山区", "street": "科技园1号"}},
        format="json").json()["number"]
    by_customer = _checkout(seller.user.shop, cheaper, customer)
    for number in (by_team, by_customer):
        _paid_shipped_completed(owner_api, number)
    AgentFactory(level=entry_level, upline=seller, user__phone=customer)
    measured = metrics([seller], timezone.now() + timedelta(days=8))[seller.pk]
    assert (measured["retail_sales"], measured["retail_customers"]) == (60, 1)


def test_own_stock_purchases_never_count(seller, sell):
    purchase = sell(seller, 5000, "13800000009")
    Order.objects.filter(pk=purchase.pk).update(kind=OrderKind.PURCHASE, purchaser=seller.user,
                                                delivery="cloud")
    assert _measured(seller)["retail_sales"] == 0


def test_full_months():
    joined = timezone.now().replace(year=2025, month=1, day=31, hour=12)
    assert full_months(joined, joined.replace(month=3, day=30)) == 1
    assert full_months(joined, joined.replace(month=3, day=31)) == 2
    assert full_months(None, joined) == 0


@pytest.mark.parametrize("count", [1, 20])
def test_metrics_take_one_query_for_any_number_of_agents(
        entry_level, count, django_assert_num_queries):
    agents = AgentFactory.create_batch(count, level=entry_level)
    with django_assert_num_queries(1):  # the orders, with their buyers as checkout recorded
        metrics(agents, timezone.now())


# -- Upgrades --------------------------------------------------------------------------------

def test_run_upgrades_moves_to_the_highest_level_met_once(seller, sell, entry_level,
                                                          senior_level, top_level):
    _conditions(senior_level, retail_sales=100)
    _conditions(top_level, retail_sales=200, retail_customers=2)
    received = []
    agent_level_changed.connect(lambda sender, **kw: received.append(kw["to_level"].name),
                                weak=False, dispatch_uid="test-upgrades")
    try:
        sell(seller, 150, "13800000001")
        sell(seller, 60, "13800000002")
        assert run_upgrades() == 1
        assert run_upgrades() == 0
    finally:
        agent_level_changed.disconnect(dispatch_uid="test-upgrades")
    seller.refresh_from_db()
    assert (seller.level, seller.upgraded_from) == (top_level, entry_level)
    assert received == ["总代"]
    event = AgentEvent.objects.get(agent=seller, kind="level")
    assert (event.from_value, event.to_value) == ("特约", "总代")


def test_selling_not_yet_final_upgrades_nobody(seller, sell, senior_level):
    _conditions(senior_level, retail_sales=100)
    order = sell(seller, 150, state=OrderState.PAID)
    assert run_upgrades() == 0
    Order.objects.filter(pk=order.pk).update(state=OrderState.COMPLETED,
                                             completed_at=timezone.now(),
                                             after_sales_until=timezone.now() + timedelta(days=7))
    assert run_upgrades() == 0
    assert run_upgrades(now=timezone.now() + timedelta(days=8)) == 1


def test_or_combination_and_the_owners_hand_stands(seller, sell, senior_level, top_level,
                                                  owner):
    _conditions(senior_level, Combination.ANY, retail_sales=1000, retail_customers=1)
    sell(seller, 10)
    assert run_upgrades() == 1
    seller.refresh_from_db()
    assert seller.level == senior_level
    services.set_level(owner, seller, top_level, note="表现好")
    assert run_upgrades() == 0
    seller.refresh_from_db()
    assert (seller.level, seller.upgraded_from) == (top_level, None)


def test_months_active_alone_can_upgrade(entry_level, senior_level):
    veteran = AgentFactory(level=entry_level, joined_at=timezone.now() - timedelta(days=70))
    _conditions(senior_level, months_active=2)
    assert run_upgrades() == 1
    veteran.refresh_from_db()
    assert veteran.level == senior_level


def test_a_level_without_conditions_is_reached_by_hand_only(seller, sell, senior_level):
    sell(seller, 10000)
    assert run_upgrades() == 0


def test_the_owner_sets_any_level_up_or_down_with_a_note(seller, entry_level, senior_level,
                                                         owner, english):
    services.set_level(owner, seller, senior_level, note="活动奖励")
    services.set_level(owner, seller, entry_level)
    events = list(AgentEvent.objects.filter(agent=seller, kind="level").values_list(
        "from_value", "to_value", "note", "actor"))
    assert events == [("特约", "一级", "活动奖励", owner.pk), ("一级", "特约", "", owner.pk)]
    with pytest.raises(Conflict, match="already"):
        services.set_level(owner, seller, entry_level)


def test_the_command_runs_upgrades(seller, sell, senior_level):
    from django.core.management import call_command

    _conditions(senior_level, retail_sales=1)
    sell(seller, 10)
    call_command("upgrades")
    seller.refresh_from_db()
    assert seller.level == senior_level


# -- Refunds after an upgrade ----------------------------------------------------------------

@pytest.fixture
def upgraded(seller, sell, senior_level):
    """The seller reached 一级 (¥1000 from 3 customers) on four final sales of ¥250."""
    _conditions(senior_level, retail_sales=1000, retail_customers=3)
    sold = [sell(seller, 250, f"1380000000{number}") for number in range(4)]
    assert run_upgrades() == 1
    return sold


def test_by_default_refunds_flag_the_level_and_keep_it(seller, upgraded, entry_level,
                                                       senior_level):
    _refund(upgraded[0])
    assert run_upgrades() == 1, "newly flagged"
    flagged = Agent.objects.get(pk=seller.pk)
    assert run_upgrades() == 0, "flagged once"
    seller.refresh_from_db()
    assert (seller.level, seller.level_review_to) == (senior_level, entry_level)
    assert seller.level_review_since == flagged.level_review_since is not None


def test_the_flag_goes_when_the_selling_reaches_the_level_again(seller, upgraded, sell):
    _refund(upgraded[0])
    run_upgrades()
    sell(seller, 300, "13800000099")
    assert run_upgrades() == 0
    seller.refresh_from_db()
    assert seller.level_review_since is None and seller.level_review_to is None


def test_recompute_moves_down_and_up_again(seller, upgraded, sell, entry_level, senior_level):
    _policy("recompute")
    _refund(upgraded[0])
    assert run_upgrades() == 1
    seller.refresh_from_db()
    assert (seller.level, seller.upgraded_from, seller.level_review_since) == (
        entry_level, None, None)
    event = AgentEvent.objects.filter(agent=seller, kind="level").last()
    assert (event.from_value, event.to_value, event.actor) == ("一级", "特约", None)
    sell(seller, 300, "13800000099")
    assert run_upgrades() == 1
    seller.refresh_from_db()
    assert seller.level == senior_level


def test_refunds_never_change_a_level_the_owner_set(seller, senior_level, owner):
    _policy("recompute")
    _conditions(senior_level, retail_sales=1000)
    services.set_level(owner, seller, senior_level)
    assert run_upgrades() == 0
    seller.refresh_from_db()
    assert seller.level == senior_level


def test_recompute_never_goes_below_the_level_held_before_the_upgrades(
        seller, sell, senior_level, top_level, owner):
    _policy("recompute")
    _conditions(top_level, retail_sales=500)
    services.set_level(owner, seller, senior_level)
    order = sell(seller, 500)
    assert run_upgrades() == 1
    _refund(order)
    assert run_upgrades() == 1
    seller.refresh_from_db()
    assert (seller.level, seller.upgraded_from) == (senior_level, None)


# -- Through the API and the console, as the owner works -------------------------------------

def _checkout(shop, variant, phone) -> str:
    response = english_client().post("/api/v1/checkout/", {
        "shop_code": shop.code, "lines": [{"variant": variant.public_id, "quantity": 1}],
        "recipient": {"name": "顾客", "phone": phone, "province": "广东省", "city": "深圳市",
                      "district": "南山区", "street": "科技园1号"}}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["number"]


def _move(api, number, move, data=None):
    response = api.post(f"/api/v1/orders/{number}/{move}/", data or {}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def _paid_shipped_completed(api, number):
    _move(api, number, "confirm-payment")
    _move(api, number, "ship", {"carrier": "SF", "tracking_number": "SF1234567890123"})
    _move(api, number, "complete")


def test_ten_paid_then_refunded_orders_upgrade_nobody(seller, senior_level, owner, stocked):
    _conditions(senior_level, retail_sales=900, retail_customers=10)
    owner_api = english_client(owner)
    variant = stocked(20, price="100.00")
    numbers = [_checkout(seller.user.shop, variant, f"1370000{number:04d}")
               for number in range(10)]
    for number in numbers:
        _move(owner_api, number, "confirm-payment", {"reference": "微信"})
    run_upgrades()
    for number in numbers:
        _move(owner_api, number, "request-refund", {"note": "不要了"})
        _move(owner_api, number, "refund", {"note": "已退款"})
    run_upgrades(now=timezone.now() + timedelta(days=30))
    agent = owner_api.get(f"/api/v1/agents/{seller.public_id}/").json()
    assert (agent["level"], agent["level_review"]) == ("特约", None)


def test_the_owner_sees_the_flag_and_moves_the_agent_down_through_the_api(
        seller, upgraded, owner, entry_level, senior_level):
    owner_api = english_client(owner)
    _move(owner_api, upgraded[0].number, "request-refund", {"note": "质量问题"})
    _move(owner_api, upgraded[0].number, "refund")
    run_upgrades()
    url = f"/api/v1/agents/{seller.public_id}/"
    agent = owner_api.get(url).json()
    assert agent["level"] == "一级"
    assert agent["level_review"]["supported_level"] == "特约"
    assert agent["level_review"]["supported_level_id"] == entry_level.pk
    listed = owner_api.get("/api/v1/agents/").json()["results"]
    assert [row["level_review"]["supported_level"] for row in listed
            if row["id"] == seller.public_id] == ["特约"]
    moved = owner_api.post(f"{url}level-review/", {"decision": "move_down"}, format="json")
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["level"], moved.json()["level_review"]) == ("特约", None)
    again = owner_api.post(f"{url}level-review/", {"decision": "keep"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "no_level_review")


def test_the_owner_keeps_a_flagged_level_on_the_agents_page(seller, upgraded, owner,
                                                            senior_level):
    _refund(upgraded[0])
    run_upgrades()
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(owner)
    listing = page.get(reverse("network:list")).text
    assert "data-level-review" in listing
    detail = page.get(reverse("network:detail", args=[seller.public_id])).text
    assert "data-level-review" in detail and "Move down to 特约" in detail
    response = page.post(reverse("network:level_review", args=[seller.public_id]),
                         {"decision": "keep", "note": "老代理，保留"})
    assert response.status_code == 302
    seller.refresh_from_db()
    assert (seller.level, seller.upgraded_from, seller.level_review_since) == (
        senior_level, None, None)
    event = AgentEvent.objects.filter(agent=seller, kind="level").last()
    assert (event.from_value, event.to_value, event.note, event.actor) == (
        "一级", "一级", "老代理，保留", owner)
    assert "data-level-review" not in page.get(
        reverse("network:detail", args=[seller.public_id])).text
    _policy("recompute")
    assert run_upgrades() == 0, "kept by the owner: the owner's level now"


def test_staff_without_the_agents_area_cannot_decide(seller, upgraded, catalog_staff):
    _refund(upgraded[0])
    run_upgrades()
    response = english_client(catalog_staff).post(
        f"/api/v1/agents/{seller.public_id}/level-review/", {"decision": "keep"}, format="json")
    assert response.status_code == 403
    assert Agent.objects.get(pk=seller.pk).level_review_since is not None


BEFORE = [("network", "0001_initial")]
AFTER = [("network", "0002_upgrades_reviewed_after_refunds")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_remembers_levels_reached_automatically(entry_level, senior_level,
                                                              top_level, owner):
    by_upgrades, by_hand = AgentFactory(level=top_level), AgentFactory(level=top_level)
    with back_to_latest():
        events = migrate(BEFORE).get_model("network", "AgentEvent")
        for agent, actor_id in ((by_upgrades, None), (by_hand, owner.pk)):
            events.objects.create(agent_id=agent.pk, kind="level", from_value="特约",
                                  to_value="一级", actor_id=actor_id)
            events.objects.create(agent_id=agent.pk, kind="level", from_value="一级",
                                  to_value="总代")
        migrate(AFTER)
        assert Agent.objects.get(pk=by_upgrades.pk).upgraded_from == entry_level
        assert Agent.objects.get(pk=by_hand.pk).upgraded_from == senior_level

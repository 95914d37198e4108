"""Declining a refund request (驳回售后): the seller says why, the order goes back to the state
it was asked from, the customer reads the reason and may ask again; through the service, the
console, the customer's page and the API. Earnings stay as they were."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.api_clients import english_client
from tests.commissions.earning import agent, complete, sell, the_owner, upline_commission
from tests.conftest import is_postgres
from tests.factories import AgentFactory, UserFactory
from weishang.commissions.models import AgentBalance, LedgerEntry
from weishang.core.errors import Conflict, InvalidInput
from weishang.inventory.models import StockLevel, StockMovement
from weishang.orders import services
from weishang.orders.models import Order, OrderEvent, OrderState

pytestmark = pytest.mark.django_db

SF_NUMBER = "SF1234567890123"
REASON = "商品已签收且无质量问题"


def paid(order, owner):
    return services.confirm_payment(order, actor=owner)


def shipped(order, owner):
    return services.ship_order(paid(order, owner), actor=owner, carrier="SF",
                               tracking_number=SF_NUMBER)


def completed(order, owner):
    return services.complete_order(shipped(order, owner), actor=owner)


ADVANCE = {OrderState.PAID: paid, OrderState.SHIPPED: shipped,
           OrderState.COMPLETED: completed}


@pytest.fixture
def asked(place, stocked, owner):
    """asked(state): an order in ``state`` whose customer asked for a refund."""

    def make(state=OrderState.PAID):
        order = ADVANCE[state](place(stocked(5, price="25.00"), quantity=2), owner)
        return services.request_refund(order, by_customer=True, note="不想要了")

    return make


def fresh(order) -> Order:
    return Order.objects.get(pk=order.pk)


# --- the service ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(ADVANCE))
def test_declining_takes_the_order_back_to_the_state_it_was_asked_from(asked, owner, state):
    order = asked(state)
    before = fresh(order)
    movements = StockMovement.objects.count()
    assert services.allowed_moves(order) == {OrderState.REFUNDED, state}

    declined = services.decline_refund(order, actor=owner, reason=f"  {REASON} ")

    assert declined.state == state
    assert (declined.paid_at, declined.shipped_at, declined.completed_at, declined.closed_at) == (
        before.paid_at, before.shipped_at, before.completed_at, None)
    assert StockMovement.objects.count() == movements, "no stock moves either way"
    event = declined.events.last()
    assert (event.from_state, event.to_state, event.actor, event.actor_kind, event.note) == (
        OrderState.REFUND_REQUESTED, state, owner, "user", REASON)
    assert event.declines_refund
    assert services.declined_refund(fresh(order)) == event


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("reason", ["", "   ", None, "长" * 201])
def test_a_reason_of_1_to_200_characters_is_required(asked, owner, reason):
    order = asked()
    events = order.events.count()
    with pytest.raises(InvalidInput) as refused:
        services.decline_refund(order, actor=owner, reason=reason)
    assert refused.value.field == "reason"
    assert fresh(order).state == OrderState.REFUND_REQUESTED
    assert order.events.count() == events
    assert services.decline_refund(order, actor=owner, reason="长" * 200).state == OrderState.PAID


@pytest.mark.usefixtures("english")
def test_only_an_open_refund_request_is_declined(asked, owner):
    order = services.decline_refund(asked(), actor=owner, reason=REASON)
    with pytest.raises(Conflict) as refused:
        services.decline_refund(order, actor=owner, reason=REASON)
    assert refused.value.code == "invalid_transition"
    assert "no refund request to decline" in refused.value.message
    refunded = services.refund_order(services.request_refund(order, actor=owner), actor=owner)
    with pytest.raises(Conflict):
        services.decline_refund(refunded, actor=owner, reason=REASON)
    assert fresh(refunded).state == OrderState.REFUNDED


@pytest.mark.parametrize(("state", "again"), [
    (OrderState.PAID, lambda order, owner: services.confirm_payment(order, actor=owner)),
    (OrderState.SHIPPED, lambda order, owner: services.ship_order(
        order, actor=owner, carrier="YTO", tracking_number="YT1234567890123")),
    (OrderState.COMPLETED, lambda order, owner: services.complete_order(order, actor=owner)),
])
def test_paying_shipping_or_completing_again_cannot_leave_a_refund_request(
        asked, owner, state, again):
    """The way back is declining, with its reason: not a second payment, a new tracking
    number or a new completion time."""
    order = asked(state)
    with pytest.raises(Conflict) as refused:
        again(order, owner)
    assert refused.value.code == "invalid_transition"
    assert fresh(order).state == OrderState.REFUND_REQUESTED
    assert fresh(order).tracking_number in ("", SF_NUMBER)


@pytest.mark.parametrize("state", list(ADVANCE))
def test_the_customer_may_ask_again_after_a_decline(asked, owner, state):
    declined = services.decline_refund(asked(state), actor=owner, reason=REASON)
    again = services.request_refund(declined, by_customer=True, note="还是想退")
    assert again.state == OrderState.REFUND_REQUESTED
    assert services.declined_refund(again) is None, "the new request is open"
    refunded = services.refund_order(again, actor=owner)
    assert services.declined_refund(refunded) is None


def test_the_owner_ships_a_paid_order_after_declining_its_request(asked, owner):
    order = services.decline_refund(asked(OrderState.PAID), actor=owner, reason="已安排发货")
    assert services.allowed_moves(order) == {OrderState.SHIPPED, OrderState.REFUND_REQUESTED}
    order = services.ship_order(order, actor=owner, carrier="SF", tracking_number=SF_NUMBER)
    assert order.state == OrderState.SHIPPED
    assert services.declined_refund(order).note == "已安排发货", "still the latest answer"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")
def test_a_refund_and_a_decline_at_once_one_wins(place, stocked, owner):
    variant = stocked(5)
    order = services.request_refund(paid(place(variant, quantity=2), owner), actor=owner)
    barrier, outcomes = threading.Barrier(2), []

    def work(move):
        try:
            barrier.wait(timeout=30)
            outcomes.append(move().state)
        except Conflict as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(move,)) for move in (
        lambda: services.refund_order(order, actor=owner),
        lambda: services.decline_refund(order, actor=owner, reason=REASON))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    final = fresh(order).state
    assert sorted(outcomes) == sorted([final, "invalid_transition"])
    assert StockLevel.objects.get(variant=variant).quantity == (
        5 if final == OrderState.REFUNDED else 3)
    assert order.events.filter(from_state=OrderState.REFUND_REQUESTED).count() == 1


# --- earnings -------------------------------------------------------------------------------


def ledger():
    return sorted(LedgerEntry.objects.values_list("agent_id", "kind", "bucket", "amount",
                                                  "key", "available_at"))


def balances():
    return sorted(AgentBalance.objects.values_list("agent_id", "pending", "frozen",
                                                   "available"))


@pytest.mark.parametrize("finish", [lambda order: order, complete],
                         ids=["paid", "completed"])
def test_request_and_decline_leave_an_agents_earnings_as_they_were(owner, finish):
    seller = agent(upline=agent())
    upline_commission("5")
    order = finish(sell(seller))
    rows, sums = ledger(), balances()
    assert rows, "the sale earned"
    asked = services.request_refund(order, by_customer=True)
    services.decline_refund(asked, actor=the_owner(), reason=REASON)
    assert ledger() == rows and balances() == sums


def test_a_decline_earns_nothing_that_the_payment_did_not(owner):
    seller = agent(upline=agent())
    order = sell(seller)
    rows = ledger()
    upline_commission("5")
    services.decline_refund(services.request_refund(order, by_customer=True),
                            actor=the_owner(), reason=REASON)
    assert ledger() == rows


# --- the console ----------------------------------------------------------------------------


@pytest.fixture
def desk():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    return client


def decline_on_the_desk(client, order, reason):
    return client.post(reverse("orders:action", args=[order.number, "decline_refund"]),
                       {"reason": reason})


def test_the_desk_offers_decline_next_to_refund_and_declines(desk, asked):
    order = asked(OrderState.SHIPPED)
    page = desk.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'data-action="refund"' in page and 'data-action="decline_refund"' in page
    assert 'data-action="ship"' not in page
    response = decline_on_the_desk(desk, order, REASON)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The refund request of order {order.number} was declined."]
    assert fresh(order).state == OrderState.SHIPPED
    page = desk.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "Refund request declined, back to “Shipped”" in page and REASON in page


def test_the_desk_needs_a_reason(desk, asked):
    order = asked()
    response = decline_on_the_desk(desk, order, "  ")
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert fresh(order).state == OrderState.REFUND_REQUESTED


def test_the_desk_cannot_decline_without_a_request(desk, place, stocked, owner):
    order = paid(place(stocked()), owner)
    response = decline_on_the_desk(desk, order, REASON)
    assert response.status_code == 409
    assert "no refund request to decline" in response.content.decode()
    assert not OrderEvent.objects.filter(order=order, from_state="refund_requested").exists()


def test_an_agent_declines_nothing_as_they_refund_nothing(asked, owner):
    """Agents read their shop's orders and move none (the owner refunds, so the owner
    declines)."""
    seller = AgentFactory()
    order = asked()
    Order.objects.filter(pk=order.pk).update(shop=seller.user.shop)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(seller.user)
    page = client.get(reverse("orders:detail", args=[order.number]))
    assert page.status_code == 200 and 'data-action="decline_refund"' not in page.content.decode()
    assert decline_on_the_desk(client, order, REASON).status_code == 403
    api = english_client(seller.user).post(f"/api/v1/orders/{order.number}/decline-refund/",
                                           {"reason": REASON}, format="json")
    assert api.status_code == 403
    assert fresh(order).state == OrderState.REFUND_REQUESTED


# --- the customer's order page --------------------------------------------------------------


def customer_page(client, order):
    return client.get(reverse("storefront:order", args=[order.access_token]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_customer_reads_the_reason_and_asks_again_on_their_page(client, asked, owner):
    order = asked(OrderState.COMPLETED)
    assert "data-refund-declined" not in customer_page(client, order)
    services.decline_refund(order, actor=owner, reason="<b>已超过</b>质保范围")
    page = customer_page(client, order)
    assert ("The seller declined your refund request: &lt;b&gt;已超过&lt;/b&gt;质保范围"
            in page)
    assert "Refund request declined" in page, "the timeline says what happened"
    assert reverse("storefront:request_refund", args=[order.access_token]) in page
    response = client.post(reverse("storefront:request_refund", args=[order.access_token]),
                           {"note": "还是有问题"})
    assert response.status_code == 302
    assert fresh(order).state == OrderState.REFUND_REQUESTED
    assert "data-refund-declined" not in customer_page(client, order)


# --- the API --------------------------------------------------------------------------------


def decline_by_api(api, order, **body):
    return api.post(f"/api/v1/orders/{order.number}/decline-refund/", body, format="json")


def test_the_owner_declines_through_the_api(asked, owner):
    order = asked(OrderState.SHIPPED)
    response = decline_by_api(english_client(owner), order, reason=REASON)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "shipped"
    assert body["events"][-1] | {"created_at": None} == {
        "from_state": "refund_requested", "state": "shipped", "state_label": "Shipped",
        "created_at": None, "actor": owner.username, "actor_kind": "user", "note": REASON}


def test_the_api_refuses_a_missing_reason_and_a_closed_request(asked, owner):
    api, order = english_client(owner), asked()
    for body in ({}, {"reason": ""}, {"reason": "长" * 201}):
        response = decline_by_api(api, order, **body)
        assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert fresh(order).state == OrderState.REFUND_REQUESTED
    assert decline_by_api(api, order, reason=REASON).status_code == 200
    refused = decline_by_api(api, order, reason=REASON)
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"


def test_the_api_declines_only_for_the_orders_area(asked):
    order = asked()
    catalog_staff = english_client(UserFactory(role="staff", areas=["catalog"]))
    assert decline_by_api(catalog_staff, order, reason=REASON).status_code == 403
    assert decline_by_api(english_client(), order, reason=REASON).status_code in (401, 403)
    assert fresh(order).state == OrderState.REFUND_REQUESTED


def test_the_customer_reads_the_reason_through_the_api(asked, owner):
    order = asked()
    lookup = {"phone": "13812345678", "number": order.number}
    assert english_client().post("/api/v1/orders/lookup/", lookup, format="json").json()[
        "refund_declined_reason"] is None
    services.decline_refund(order, actor=owner, reason=REASON)
    body = english_client().post("/api/v1/orders/lookup/", lookup, format="json").json()
    assert (body["state"], body["refund_declined_reason"]) == ("paid", REASON)
    again = english_client().post("/api/v1/orders/refund-request/", lookup, format="json")
    assert again.status_code == 200 and again.json()["refund_declined_reason"] is None

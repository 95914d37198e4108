"""Order states move only along TRANSITIONS, each move recorded; stock follows the rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.inventory.models import StockLevel, StockMovement
from weishang.inventory.services import verify_ledger
from weishang.orders import services
from weishang.orders.models import TRANSITIONS, Order, OrderEvent, OrderState, is_refund_decline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SF_NUMBER = "SF1234567890123"


def move(order, target, actor):
    """Ask the service for the move to ``target``."""
    moves = {
        OrderState.PAID: lambda: services.confirm_payment(order, actor=actor, reference="wx"),
        OrderState.SHIPPED: lambda: services.ship_order(order, actor=actor, carrier="SF",
                                                        tracking_number=SF_NUMBER),
        OrderState.COMPLETED: lambda: services.complete_order(order, actor=actor),
        OrderState.CANCELLED: lambda: services.cancel_order(order, actor=actor),
        OrderState.REFUND_REQUESTED: lambda: services.request_refund(order, actor=actor),
        OrderState.REFUNDED: lambda: services.refund_order(order, actor=actor),
    }
    return moves[target]()


#: A path from a new order to each state, through allowed moves.
PATHS = {
    OrderState.PENDING_PAYMENT: [],
    OrderState.PAID: [OrderState.PAID],
    OrderState.SHIPPED: [OrderState.PAID, OrderState.SHIPPED],
    OrderState.COMPLETED: [OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED],
    OrderState.CANCELLED: [OrderState.CANCELLED],
    OrderState.REFUND_REQUESTED: [OrderState.PAID, OrderState.REFUND_REQUESTED],
    OrderState.REFUNDED: [OrderState.PAID, OrderState.REFUND_REQUESTED, OrderState.REFUNDED],
}


def order_in(state, place, variant, actor):
    order = place(variant)
    for target in PATHS[state]:
        order = move(order, target, actor)
    assert order.state == state
    return order


def stock_of(variant) -> int:
    return StockLevel.objects.get(variant=variant).quantity


@pytest.mark.parametrize("source", list(OrderState))
def test_every_move_is_allowed_exactly_when_transitions_say_so(place, stocked, owner, source):
    variant = stocked(10)
    for target in [state for state in OrderState if state != OrderState.PENDING_PAYMENT]:
        order = order_in(source, place, variant, owner)
        events, movements = order.events.count(), StockMovement.objects.count()
        # Back from a refund request only by declining it (test_refund_decline.py): paying,
        # shipping or completing it again is refused.
        if target in TRANSITIONS[source] and not is_refund_decline(source, target):
            moved = move(order, target, owner)
            assert moved.state == target
            event = moved.events.last()
            assert (event.from_state, event.to_state, event.actor, event.actor_kind) == (
                source, target, owner, "user")
        else:
            with pytest.raises(Conflict) as refused:
                move(order, target, owner)
            assert refused.value.code == "invalid_transition"
            assert str(OrderState(source).label) in refused.value.message
            assert Order.objects.get(pk=order.pk).state == source
            assert order.events.count() == events
            assert StockMovement.objects.count() == movements
        assert verify_ledger() == []


def test_a_stale_order_object_cannot_repeat_a_move(place, stocked, owner):
    order = place(stocked())
    services.confirm_payment(order, actor=owner)
    with pytest.raises(Conflict):
        services.confirm_payment(order, actor=owner)  # ``order`` still says pending_payment
    assert order.events.filter(to_state=OrderState.PAID).count() == 1


def test_payment_records_time_and_reference(place, stocked, owner):
    paid = services.confirm_payment(place(stocked()), actor=owner, reference=" 微信 尾号1234 ")
    assert paid.paid_at is not None and paid.payment_reference == "微信 尾号1234"
    with pytest.raises(InvalidInput):
        services.confirm_payment(place(stocked()), actor=owner, reference="x" * 101)


def test_shipping_validates_carrier_and_tracking_number(place, stocked, owner):
    order = services.confirm_payment(place(stocked()), actor=owner)
    for carrier, number in [("XX", SF_NUMBER), ("SF", "ABC"), ("SF", "")]:
        with pytest.raises(InvalidInput):
            services.ship_order(order, actor=owner, carrier=carrier, tracking_number=number)
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID
    shipped = services.ship_order(order, actor=owner, carrier="sf",
                                  tracking_number="sf 1234 5678 90123")
    assert (shipped.carrier, shipped.tracking_number) == ("SF", SF_NUMBER)
    assert shipped.shipped_at is not None
    assert shipped.events.last().note == "顺丰速运 SF1234567890123"


def test_cancelling_returns_the_stock(place, stocked):
    variant = stocked(5)
    order = place(variant, 3)
    cancelled = services.cancel_order(order, by_customer=True, note="拍错了")
    assert stock_of(variant) == 5 and cancelled.closed_at is not None
    event = cancelled.events.last()
    assert (event.actor, event.actor_kind, event.note) == (None, "customer", "拍错了")
    release = StockMovement.objects.get(reason="release")
    assert (release.delta, release.related) == (3, order)
    assert verify_ledger() == []


def test_a_refund_before_shipping_returns_the_stock(place, stocked, owner):
    variant = stocked(5)
    order = services.confirm_payment(place(variant, 2), actor=owner)
    services.request_refund(order, by_customer=True, note="不想要了")
    refunded = services.refund_order(order, actor=owner)
    assert refunded.state == OrderState.REFUNDED and refunded.closed_at is not None
    assert stock_of(variant) == 5
    assert StockMovement.objects.get(reason="return").delta == 2
    assert verify_ledger() == []


def test_a_refund_after_shipping_leaves_the_stock_out(place, stocked, owner):
    variant = stocked(5)
    order = services.confirm_payment(place(variant, 2), actor=owner)
    order = services.ship_order(order, actor=owner, carrier="SF", tracking_number=SF_NUMBER)
    services.request_refund(order, by_customer=True)
    services.refund_order(order, actor=owner)
    assert stock_of(variant) == 3
    assert not StockMovement.objects.filter(reason__in=["return", "release"]).exists()
    assert verify_ledger() == []


def test_an_overlong_note_is_refused(place, stocked):
    order = place(stocked())
    with pytest.raises(InvalidInput):
        services.cancel_order(order, note="x" * 201)
    assert Order.objects.get(pk=order.pk).state == OrderState.PENDING_PAYMENT


# ---------------------------------------------------------------------------------------------
# Jobs with the time controlled


def test_expiry_cancels_unpaid_orders_past_their_time_and_returns_stock(place, stocked, owner):
    variant = stocked(10)
    due, not_yet, paid = place(variant, 2), place(variant, 3), place(variant, 1)
    services.confirm_payment(paid, actor=owner)
    Order.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.expire_unpaid_orders() == 1
    assert Order.objects.get(pk=due.pk).state == OrderState.CANCELLED
    assert Order.objects.get(pk=not_yet.pk).state == OrderState.PENDING_PAYMENT
    assert stock_of(variant) == 6
    event = OrderEvent.objects.filter(order=due).last()
    assert (event.actor, event.actor_kind, event.note) == (None, "system", "Not paid in time")

    later = timezone.now() + timedelta(minutes=31)
    assert services.expire_unpaid_orders(now=later) == 1
    assert stock_of(variant) == 9 and verify_ledger() == []
    assert services.expire_unpaid_orders(now=later) == 0


def test_expiry_skips_an_order_paid_meanwhile(place, stocked, owner, monkeypatch):
    order = place(stocked())
    real_cancel = services.cancel_order

    def paid_just_before(order, **kwargs):
        services.confirm_payment(order, actor=owner)
        return real_cancel(order, **kwargs)

    monkeypatch.setattr(services.jobs, "cancel_order", paid_just_before)
    assert services.expire_unpaid_orders(now=timezone.now() + timedelta(days=1)) == 0
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID


def test_shipped_orders_complete_after_the_configured_days(place, stocked, owner):
    services.update_shop_settings(owner, auto_complete_days=7)
    order = services.confirm_payment(place(stocked()), actor=owner)
    order = services.ship_order(order, actor=owner, carrier="SF", tracking_number=SF_NUMBER)

    assert services.complete_shipped_orders(now=order.shipped_at + timedelta(days=6)) == 0
    assert services.complete_shipped_orders(now=order.shipped_at + timedelta(days=7)) == 1
    completed = Order.objects.get(pk=order.pk)
    assert completed.state == OrderState.COMPLETED and completed.completed_at is not None
    assert completed.events.last().actor_kind == "system"


def test_only_order_managers_move_orders(place, stocked, owner):
    """The services refuse by themselves, not only the console's and the API's guards: an
    agent or staff without orders moves nothing; no actor is the system (jobs, callbacks)."""
    variant = stocked(10)
    order = place(variant)
    for person in (UserFactory(role="agent"), UserFactory(role="staff", areas=["catalog"])):
        for target in (OrderState.PAID, OrderState.CANCELLED, OrderState.REFUND_REQUESTED):
            with pytest.raises(NotPermitted):
                move(order, target, person)
        with pytest.raises(NotPermitted):
            services.cancel_order(order, actor=person, by_customer=True)
    assert Order.objects.get(pk=order.pk).state == OrderState.PENDING_PAYMENT
    staff = UserFactory(role="staff", areas=["orders"])
    assert move(order, OrderState.PAID, staff).state == OrderState.PAID
    assert services.request_refund(order, by_customer=True).state == OrderState.REFUND_REQUESTED

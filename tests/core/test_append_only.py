"""Append-only means append-only: every ledger and log refuses changes and deletions, one row or
a queryset at a time; the one way out is a customer's erasure, logged; deleting a login keeps
the rows (who acted is emptied), deleting an order or customer they name is refused, and the
test database's flush still empties them."""

import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from tests.factories import AgentFactory, CustomerFactory, UserFactory, VariantFactory
from weishang.commissions.models import FrozenRelease, LedgerEntry
from weishang.core.models import AppendOnlyError
from weishang.customers import services as customers
from weishang.customers.models import AccessLog, Customer, CustomerNote
from weishang.inventory import services as inventory
from weishang.inventory.models import StockMovement
from weishang.network.models import AgentEvent, UplineChange
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


def _movement(actor):
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=3, reason="restock", actor=actor)
    return StockMovement.objects.get(level__variant=variant), "note"


def _order_event(actor, place, stocked):
    order = place(stocked(5))
    return OrderEvent.objects.create(order=order, from_state="", to_state="paid",
                                     actor=actor, note="已付款"), "note"


def _ledger_entry(actor):
    return LedgerEntry.objects.create(agent=AgentFactory(), kind="sale", bucket="pending",
                                      amount=Decimal("9.90"), key=f"sale:{actor.pk}"), "amount"


def _frozen_release(actor):
    return FrozenRelease.objects.create(entry_id=_ledger_entry(actor)[0].pk), "run_id"


def _agent_event(actor):
    return AgentEvent.objects.create(agent=AgentFactory(), kind="level", from_value="特约",
                                     to_value="一级", actor=actor), "to_value"


def _upline_change(actor):
    return UplineChange.objects.create(agent=AgentFactory(), to_upline=AgentFactory(),
                                       reason="owner_move", actor=actor), "reason"


def _customer():
    return CustomerFactory(seller=AgentFactory().user)


def _customer_note(actor):
    return CustomerNote.objects.create(customer=_customer(), author=actor,
                                       text="喜欢绿茶"), "text"


def _access_log(actor):
    return AccessLog.objects.create(actor=actor, customer=_customer(),
                                    action="reveal_phone"), "detail"


LEDGERS = (StockMovement, OrderEvent, LedgerEntry, FrozenRelease, AgentEvent, UplineChange,
           CustomerNote, AccessLog)
ROWS = {"stock movement": _movement, "order event": _order_event, "ledger entry": _ledger_entry,
        "frozen release": _frozen_release, "agent event": _agent_event,
        "upline change": _upline_change, "customer note": _customer_note,
        "access log": _access_log}
WITH_ACTOR = {"stock movement": "actor", "order event": "actor", "agent event": "actor",
              "upline change": "actor", "customer note": "author", "access log": "actor"}


@pytest.fixture
def make_row(place, stocked):
    def make(kind, actor=None):
        actor = actor or UserFactory()
        if kind == "order event":
            return _order_event(actor, place, stocked)
        return ROWS[kind](actor)

    return make


def _as_written(row):
    return type(row)._base_manager.filter(pk=row.pk).values().get()


@pytest.mark.parametrize("kind", ROWS)
def test_rows_refuse_every_change_and_deletion(make_row, kind):
    row, field = make_row(kind)
    written = _as_written(row)
    model = type(row)
    for attempt in (lambda: model.objects.update(**{field: written[field]}),
                    lambda: model.objects.filter(pk=row.pk).update(**{field: written[field]}),
                    lambda: model.objects.all().delete(),
                    lambda: model.objects.filter(pk=row.pk).delete(),
                    row.save, row.delete):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert _as_written(row) == written


def test_related_managers_refuse_bulk_changes_too(place, stocked):
    order = place(stocked(5))
    with pytest.raises(AppendOnlyError):
        order.events.all().delete()
    with pytest.raises(AppendOnlyError):
        order.events.update(note="改过")
    assert order.events.get().note == ""


@pytest.mark.parametrize("kind", [kind for kind in ROWS if kind != "customer note"])
def test_only_a_customers_notes_can_be_erased(make_row, kind):
    row, _field = make_row(kind)
    with pytest.raises(AppendOnlyError):
        type(row).objects.all().erase_personal_data(reason="test")
    assert type(row).objects.filter(pk=row.pk).exists()


def test_erasing_a_customer_removes_their_notes_through_the_one_logged_way(owner, caplog):
    customer = CustomerFactory(seller=owner)
    customers.add_note(owner, customer, "她老公姓王")
    other = CustomerFactory(seller=owner)
    kept = customers.add_note(owner, other, "另一位")
    with caplog.at_level(logging.WARNING, logger="weishang.erasure"):
        customers.erase_customer(owner, customer)
    assert not CustomerNote.objects.filter(customer=customer).exists()
    assert list(CustomerNote.objects.all()) == [kept]
    assert [record.getMessage() for record in caplog.records] == [
        f"erased 1 CustomerNote rows: customer {customer.public_id} erased on request by "
        f"user {owner.pk}"]


@pytest.mark.parametrize("kind", WITH_ACTOR)
def test_deleting_a_login_keeps_the_rows_it_acted_in(make_row, kind):
    clerk = UserFactory()
    row, _field = make_row(kind, actor=clerk)
    clerk.delete()
    assert getattr(type(row).objects.get(pk=row.pk), WITH_ACTOR[kind]) is None


def test_an_order_with_a_timeline_cannot_be_deleted(place, stocked):
    order = place(stocked(5))
    with pytest.raises(ProtectedError):
        Order.objects.filter(pk=order.pk).delete()
    assert order.events.count() == 1


@pytest.mark.parametrize("handled", [
    lambda owner, customer: customers.add_note(owner, customer, "老客户"),
    lambda owner, customer: customers.reveal_phone(owner, customer)])
def test_a_customer_with_notes_or_in_the_access_log_cannot_be_deleted(owner, handled):
    customer = CustomerFactory(seller=owner)
    handled(owner, customer)
    with pytest.raises(ProtectedError):
        customer.delete()
    assert CustomerNote.objects.count() + AccessLog.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_empties_the_ledgers(make_row):
    for kind in ROWS:
        make_row(kind)
    call_command("flush", interactive=False, verbosity=0)
    assert not any(model._base_manager.exists() for model in LEDGERS)


def test_erasing_a_customer_empties_the_notes_of_their_orders_timeline(owner, stocked, place,
                                                                       caplog):
    """The tracking number and the customer's own words were written on the timeline; the
    steps stay, their text goes, through the one logged way."""
    order = orders.confirm_payment(place(stocked(5)), actor=owner, reference="张三转账")
    order = orders.ship_order(order, actor=owner, carrier="SF",
                              tracking_number="SF1234567890123")
    orders.complete_order(order, actor=owner)
    customer = Customer.objects.get(order_links__order=order)
    steps = list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True))
    with caplog.at_level(logging.WARNING, logger="weishang.erasure"):
        customers.erase_customer(owner, customer)
    events = OrderEvent.objects.filter(order=order)
    assert list(events.values_list("to_state", flat=True)) == steps
    assert set(events.values_list("note", flat=True)) == {""}
    reason = f"customer {customer.public_id} erased on request by user {owner.pk}"
    assert [record.getMessage() for record in caplog.records] == [
        f"emptied note of 2 OrderEvent rows: {reason}", f"erased 0 CustomerNote rows: {reason}"]
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().erase_personal_text(reason="no")

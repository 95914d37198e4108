"""Checkouts at the same moment on PostgreSQL: never oversold, one order per checkout key.

Each thread has its own database connection (closed at the end), so these tests need real
transactions; SQLite's test database cannot hold concurrent writers, so they run on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from tests.conftest import is_postgres
from tests.factories import VariantFactory
from weishang.core.errors import InsufficientStock
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason, StockLevel, StockMovement
from weishang.orders import services
from weishang.orders.models import Order
from weishang.orders.services import CartLine

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL"),
]


def checkout_together(count, checkout):
    """Run ``checkout(i)`` in ``count`` threads released at once; return (orders, refusals,
    other errors)."""
    barrier = threading.Barrier(count)
    lock = threading.Lock()
    orders, refusals, errors = [], [], []

    def work(i):
        try:
            barrier.wait(timeout=30)
            order = checkout(i)
        except InsufficientStock as refusal:
            with lock:
                refusals.append(refusal)
        except BaseException as exc:  # anything else fails the test, shown in the assert
            with lock:
                errors.append(exc)
        else:
            with lock:
                orders.append(order)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung"
    return orders, refusals, errors


def test_fifty_checkouts_of_ten_units_make_exactly_ten_orders(shop, recipient):
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=10, reason=MovementReason.INITIAL)

    orders, refusals, errors = checkout_together(50, lambda i: services.place_order(
        shop=shop, lines=[CartLine(variant.public_id, 1)], recipient=recipient))

    assert errors == []
    assert (len(orders), len(refusals)) == (10, 40)
    assert all(str(variant) in refusal.message for refusal in refusals)
    assert Order.objects.count() == 10
    level = StockLevel.objects.get(variant=variant)
    assert level.quantity == 0
    assert sum(StockMovement.objects.filter(level=level).values_list("delta", flat=True)) == 0
    assert inventory.verify_ledger() == []


def test_five_submissions_with_one_key_make_one_order(shop, recipient):
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=10, reason=MovementReason.INITIAL)

    orders, refusals, errors = checkout_together(5, lambda i: services.place_order(
        shop=shop, lines=[CartLine(variant.public_id, 2)], recipient=recipient,
        idempotency_key="double-tap"))

    assert (errors, refusals) == ([], [])
    assert len({order.pk for order in orders}) == 1 and len(orders) == 5
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(variant=variant).quantity == 8
    assert inventory.verify_ledger() == []


def test_two_confirmations_at_once_confirm_once(place, stocked, owner):
    order = place(stocked())

    paid, _refused, errors = checkout_together(2, lambda i: services.confirm_payment(
        order, actor=owner))

    assert len(paid) == 1 and len(errors) == 1
    assert getattr(errors[0], "code", "") == "invalid_transition"
    assert order.events.filter(to_state="paid").count() == 1

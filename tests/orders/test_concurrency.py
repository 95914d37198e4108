"""Checkouts at the same moment on PostgreSQL: never oversold, one order per checkout key.

Each thread has its own database connection (closed at the end), so these tests need real
transactions; SQLite's test database cannot hold concurrent writers, so they run on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from tests.api_clients import english_client
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


# --- checkout keys, unpaid orders and rate limits under concurrency ----------------------------


@pytest.fixture
def limits(settings):
    settings.CHECKOUT_LIMIT_PER_ADDRESS = 100
    settings.CHECKOUT_LIMIT_PER_MOBILE = 100
    settings.CHECKOUT_LIMIT_MINUTES = 10
    return settings


def api_checkout(shop, variant, key, **recipient):
    """POST /api/v1/checkout/ as an anonymous client without cookies (one per thread)."""
    body = {"shop_code": shop.code, "idempotency_key": key,
            "lines": [{"variant": variant.public_id, "quantity": 2}],
            "recipient": {"name": "张三", "phone": "13812345678", "province": "广东省",
                          "city": "深圳市", "district": "南山区", "street": "科技园南区8栋",
                          **recipient}}
    return english_client().post("/api/v1/checkout/", body, format="json")


def test_replays_at_the_same_moment_answer_200_with_the_one_order(shop, limits):
    """Concurrent replays of one checkout said 201, as if each had placed an order."""
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=20, reason=MovementReason.INITIAL)

    responses, _refused, errors = checkout_together(
        8, lambda i: api_checkout(shop, variant, "double-tap"))

    assert errors == []
    assert sorted(response.status_code for response in responses) == [200] * 7 + [201]
    assert len({response.json()["url"] for response in responses}) == 1
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(variant=variant).quantity == 18


def test_one_key_sent_with_other_bodies_at_once_places_one_order_and_shows_it_to_no_one_else(
        shop, limits):
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=20, reason=MovementReason.INITIAL)

    responses, _refused, errors = checkout_together(
        6, lambda i: api_checkout(shop, variant, "shared-key", phone=f"139000000{i:02d}"))

    assert errors == []
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 5
    placed = next(response for response in responses if response.status_code == 201)
    refused = [response for response in responses if response.status_code == 409]
    assert all(response.json()["code"] == "idempotency_key_reused" for response in refused)
    assert all(placed.json()["url"] not in response.content.decode() for response in refused)
    assert Order.objects.count() == 1


def test_checkouts_of_one_mobile_number_at_once_hold_at_most_its_unpaid_orders(shop, limits):
    services.update_shop_settings(None, max_unpaid_orders=3)
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=50, reason=MovementReason.INITIAL)

    responses, _refused, errors = checkout_together(
        10, lambda i: api_checkout(shop, variant, f"key-{i}"))

    assert errors == []
    assert sorted(response.status_code for response in responses) == [201] * 3 + [409] * 7
    assert {response.json()["code"] for response in responses
            if response.status_code == 409} == {"too_many_unpaid_orders"}
    assert Order.objects.count() == 3
    assert StockLevel.objects.get(variant=variant).quantity == 50 - 3 * 2


def test_checkouts_from_one_address_at_once_are_counted_exactly(shop, limits):
    limits.CHECKOUT_LIMIT_PER_ADDRESS = 4
    variant = VariantFactory()
    inventory.adjust_stock(variant=variant, delta=50, reason=MovementReason.INITIAL)

    responses, _refused, errors = checkout_together(
        10, lambda i: api_checkout(shop, variant, f"key-{i}", phone=f"139000000{i:02d}"))

    assert errors == []
    assert sorted(response.status_code for response in responses) == [201] * 4 + [429] * 6
    assert Order.objects.count() == 4

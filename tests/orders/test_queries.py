from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from weishang.orders import queries, services
from weishang.orders.models import Order, OrderState
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db


def place_some(place, stocked, recipient, count):
    variants = [stocked(100), stocked(100)]
    return [
        place([CartLine(v.public_id, 1) for v in variants],
              recipient=replace(recipient, name=f"顾客{n}", phone=f"1391234{n:04d}"))
        for n in range(count)
    ]


def test_the_console_list_runs_the_same_queries_for_3_or_30_orders(
        place, stocked, recipient, django_assert_max_num_queries):
    def list_lines():
        return [(order.number, order.shop.name, [line.product_title for line in order.lines.all()])
                for order in queries.console_orders()]

    place_some(place, stocked, recipient, 3)
    with django_assert_max_num_queries(2):
        assert len(list_lines()) == 3
    place_some(place, stocked, recipient, 27)
    with django_assert_max_num_queries(2):
        assert len(list_lines()) == 30


def test_search_by_number_phone_last_four_and_name(place, stocked, recipient):
    first, second, _third = place_some(place, stocked, recipient, 3)

    def found(search):
        return {order.pk for order in queries.console_orders(search=search)}

    assert found(first.number) == {first.pk}
    assert found(first.number[:12]) >= {first.pk}
    assert found("13912340001") == {second.pk}
    assert found("+86 139-1234-0001") == {second.pk}
    assert found("0001") == {second.pk}
    assert found("顾客0") == {first.pk}
    assert found("nobody") == set()
    assert len(found("")) == 3


def test_filter_by_state_and_local_dates(place, stocked, recipient, owner):
    old, new = place_some(place, stocked, recipient, 2)
    services.confirm_payment(new, actor=owner)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate()

    assert [o.pk for o in queries.console_orders(state=OrderState.PAID)] == [new.pk]
    assert len(queries.console_orders(state="bogus")) == 2
    assert [o.pk for o in queries.console_orders(date_from=today)] == [new.pk]
    assert [o.pk for o in queries.console_orders(date_to=today - timedelta(days=1))] == [old.pk]
    assert [o.pk for o in queries.console_orders(date_from=today - timedelta(days=3),
                                                 date_to=today - timedelta(days=3))] == [old.pk]


def test_order_detail_prefetches_lines_and_timeline(place, stocked, owner,
                                                    django_assert_num_queries):
    order = services.confirm_payment(place(stocked()), actor=owner)
    with django_assert_num_queries(3):
        detail = queries.order_detail(order.number)
        assert [line.variant.product.title for line in detail.lines.all()]
        assert [(event.to_state, event.actor) for event in detail.events.all()] == [
            ("pending_payment", None), ("paid", owner)]
    with pytest.raises(Order.DoesNotExist):
        queries.order_detail("nope")


def test_waiting_counts(place, stocked, recipient, owner):
    orders = place_some(place, stocked, recipient, 4)
    services.confirm_payment(orders[0], actor=owner)
    services.request_refund(services.confirm_payment(orders[1], actor=owner), by_customer=True)
    services.cancel_order(orders[2])
    assert queries.waiting_counts() == {"pending_payment": 1, "paid": 1, "refund_requested": 1,
                                        "total_waiting": 3}


def test_a_customer_finds_an_order_only_with_its_phone_and_number(place, stocked, recipient):
    order = place(stocked())
    assert queries.find_for_customer("138 1234 5678", f" {order.number} ").pk == order.pk
    assert queries.find_for_customer("13900000000", order.number) is None
    assert queries.find_for_customer("13812345678", order.number[:-1]) is None
    assert queries.find_for_customer("", "") is None

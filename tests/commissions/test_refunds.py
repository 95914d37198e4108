"""A refund takes back exactly what was credited, from whichever bucket it is in."""

from decimal import Decimal

import pytest

from tests.commissions.earning import (
    after_window,
    agent,
    balance,
    complete,
    ledger_sums,
    money,
    refund,
    refunded_after_completion,
    sell,
    upline_commission,
)
from weishang.commissions import services
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.commissions.settlement import settle

pytestmark = pytest.mark.django_db


def test_a_refund_before_shipping_cancels_the_pending_earnings_of_both():
    upline_commission("10")
    upline = agent()
    seller = agent(upline=upline)
    refund(sell(seller, price="100.00"))
    cancels = LedgerEntry.objects.filter(kind=EntryKind.CANCEL, bucket="pending")
    assert sorted(cancels.values_list("amount", flat=True)) == [money(-30), money(-10)]
    assert balance(seller) == balance(upline) == {}
    assert verify_earnings() == []


def test_a_refund_after_shipping_cancels_too():
    from weishang.orders import services as orders

    seller = agent()
    order = orders.ship_order(sell(seller), actor=None, carrier="sf",
                              tracking_number="SF1234567890123")
    refund(order)
    assert balance(seller) == {} and ledger_sums(seller) == {}


def test_a_refund_in_the_after_sales_window_cancels_the_frozen_earnings():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    refunded_after_completion(order)
    assert LedgerEntry.objects.get(kind=EntryKind.CANCEL).bucket == "frozen"
    assert balance(seller) == {}
    assert settle(now=after_window(order)).earnings == 0, "nothing left to settle"


def test_a_refund_after_settlement_reverses_from_available():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    settle(now=after_window(order))
    refunded_after_completion(order)
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert (reversal.bucket, reversal.amount) == ("available", money(-30))
    assert balance(seller) == {} and verify_earnings() == []


def test_a_negative_balance_is_carried_and_later_earnings_offset_it():
    seller = agent()
    first = complete(sell(seller, price="100.00"))
    settle(now=after_window(first))
    # What was available left with a withdrawal before the refund came.
    LedgerEntry.objects.bulk_create([
        LedgerEntry(agent=seller, kind=EntryKind.WITHDRAWAL, bucket="available",
                    amount=Decimal("-30"), key="test-withdraw:-"),
        LedgerEntry(agent=seller, kind=EntryKind.WITHDRAWAL, bucket="withdrawn",
                    amount=Decimal("30"), key="test-withdraw:+")])
    services.AgentBalance.objects.filter(agent=seller).update(available=0, withdrawn=30)
    refunded_after_completion(first)
    assert balance(seller) == {"available": money(-30), "withdrawn": money(30)}
    second = complete(sell(seller, price="200.00"))
    settle(now=after_window(second))
    assert balance(seller) == {"available": money(30), "withdrawn": money(30)}
    assert verify_earnings() == []


def test_a_refund_repeated_takes_back_nothing_more():
    seller = agent()
    order = refund(sell(seller))
    assert services.take_back_for_order(order) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.CANCEL).count() == 1
    assert balance(seller) == {}


def test_each_earning_is_taken_back_exactly_as_credited():
    upline_commission("7.5")
    upline = agent()
    seller = agent(upline=upline)
    order = complete(sell(seller, price="33.33", quantity=3))
    refunded_after_completion(order)
    for earning in LedgerEntry.objects.filter(kind__in=services.EARNING_KINDS):
        taken = LedgerEntry.objects.get(key=f"{earning.key}|frozen-")
        assert taken.amount == -earning.amount and taken.agent_id == earning.agent_id
    assert ledger_sums(seller) == ledger_sums(upline) == {}

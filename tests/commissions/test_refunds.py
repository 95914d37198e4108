"""A refund takes back exactly what was credited, from whichever bucket it is in, whether it
comes before shipping or as after-sales on a completed order (the customer's request within
the window, the owner's at any time)."""


import pytest

from tests.commissions.earning import (
    after_window,
    agent,
    balance,
    complete,
    ledger_sums,
    money,
    refund,
    sell,
    the_owner,
    upline_commission,
)
from weishang.commissions import services
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.commissions.services import withdrawals
from weishang.commissions.services.settlement import settle
from weishang.core.errors import Conflict
from weishang.orders import services as orders

pytestmark = pytest.mark.django_db


def withdraw(seller, amount, key):
    """Requested by the agent, approved and paid by the owner."""
    owner = the_owner()
    asked = withdrawals.request_withdrawal(seller, amount=amount, method="alipay",
                                           account="agent@example.com", account_name="李四",
                                           request_key=key)
    return withdrawals.mark_paid(withdrawals.approve(asked, actor=owner), actor=owner,
                                 reference="2024A1")


def test_a_refund_before_shipping_cancels_the_pending_earnings_of_both():
    upline_commission("10")
    upline = agent()
    seller = agent(upline=upline)
    refund(sell(seller, price="100.00"))
    cancels = LedgerEntry.objects.filter(kind=EntryKind.CANCEL, bucket="pending")
    assert sorted(cancels.values_list("amount", flat=True)) == [money(-30), money(-3)]
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
    refund(order)
    assert LedgerEntry.objects.get(kind=EntryKind.CANCEL).bucket == "frozen"
    assert balance(seller) == {}
    assert settle(now=after_window(order)).earnings == 0, "nothing left to settle"


def test_a_refund_after_settlement_reverses_from_available():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    settle(now=after_window(order))
    refund(order)
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert (reversal.bucket, reversal.amount) == ("available", money(-30))
    assert balance(seller) == {} and verify_earnings() == []


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
    refund(order)
    for earning in LedgerEntry.objects.filter(kind__in=services.EARNING_KINDS):
        taken = LedgerEntry.objects.get(key=f"{earning.key}|frozen-")
        assert taken.amount == -earning.amount and taken.agent_id == earning.agent_id
    assert ledger_sums(seller) == ledger_sums(upline) == {}


def test_the_customers_request_in_the_window_cancels_the_frozen_earnings():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    asked = orders.request_refund(order, by_customer=True, note="有破损")
    assert balance(seller) == {"frozen": money(30)}, "asking takes nothing back yet"
    orders.refund_order(asked, actor=the_owner())
    cancel = LedgerEntry.objects.get(kind=EntryKind.CANCEL)
    assert (cancel.bucket, cancel.amount) == ("frozen", money(-30))
    assert balance(seller) == {} and verify_earnings() == []


def test_after_settlement_the_customer_is_refused_but_the_owner_refunds_a_reversal():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    later = after_window(order)
    settle(now=later)
    with pytest.raises(Conflict):
        orders.request_refund(order, by_customer=True, now=later)
    assert balance(seller) == {"available": money(30)}
    refund(order)
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert (reversal.bucket, reversal.amount, reversal.agent) == ("available", money(-30),
                                                                 seller)
    assert balance(seller) == {} and verify_earnings() == []


@pytest.mark.usefixtures("english")
def test_a_refund_after_a_withdrawal_is_carried_blocks_withdrawals_until_offset():
    seller = agent()
    first = complete(sell(seller, price="100.00"))
    settle(now=after_window(first))
    withdraw(seller, "30.00", key="first")
    refund(first)
    assert balance(seller) == {"available": money(-30), "withdrawn": money(30)}
    with pytest.raises(withdrawals.InsufficientBalance) as refused:
        withdraw(seller, "10.00", key="while-negative")
    assert refused.value.code == "negative_balance"
    assert "repaid from your next earnings" in str(refused.value.message)

    second = complete(sell(seller, price="200.00"))
    assert balance(seller)["available"] == money(-30), "frozen earnings do not repay yet"
    settle(now=after_window(second))
    assert balance(seller) == {"available": money(30), "withdrawn": money(30)}
    withdraw(seller, "30.00", key="after-repaid")
    assert balance(seller) == {"withdrawn": money(60)}
    assert verify_earnings() == []


def test_a_completed_order_refunded_twice_is_reversed_once():
    seller = agent()
    order = complete(sell(seller, price="100.00"))
    settle(now=after_window(order))
    refunded = refund(order)
    with pytest.raises(Conflict):
        orders.refund_order(refunded, actor=the_owner())
    with pytest.raises(Conflict):
        refund(refunded)
    assert services.take_back_for_order(refunded) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert balance(seller) == {} and verify_earnings() == []


def test_an_upline_commission_is_reversed_with_the_sale():
    upline_commission("10")
    upline = agent()
    seller = agent(upline=upline)
    order = complete(sell(seller, price="100.00"))
    settle(now=after_window(order))
    refund(order)
    reversals = LedgerEntry.objects.filter(kind=EntryKind.REVERSAL)
    assert sorted(reversals.values_list("agent_id", "amount")) == sorted(
        [(seller.pk, money(-30)), (upline.pk, money(-3))])
    assert balance(seller) == balance(upline) == {}

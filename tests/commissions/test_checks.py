"""``weishang check`` proves the earnings ledger: balances equal their entries; no line pays out
more than the customer paid for it, nor its upline more than its seller, nor leaves the owner
below cost; nobody keeps an earning on their own order; releases and holds name frozen
money."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.commissions.earning import agent, refund, sell, upline_commission
from weishang.commissions.checks import (
    BalanceProblem,
    LineProblem,
    UplineProblem,
    verify_earnings,
)
from weishang.commissions.models import (
    AgentBalance,
    EntryKind,
    FrozenRelease,
    LedgerEntry,
    SettlementHold,
)
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db


def run_check():
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_consistent_ledger_passes_the_check():
    upline_commission("10")
    sell(agent(upline=agent()))
    assert verify_earnings() == []
    out, _err = run_check()
    assert "Stock ledger:" in out
    assert ("Earnings ledger: 2 balances, all equal to their entries; no line pays out more "
            "than it took, nor an upline more than the seller; nobody earns on their own "
            "order.") in out


def test_a_balance_changed_behind_the_ledger_fails_the_check():
    seller = agent()
    sell(seller)
    AgentBalance.objects.filter(agent=seller).update(pending=Decimal("31.00"), available=5)
    assert set(verify_earnings()) == {
        BalanceProblem(seller.pk, "pending", Decimal("31.00"), Decimal("30.00")),
        BalanceProblem(seller.pk, "available", Decimal("5.00"), Decimal("0.00"))}
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 problems"):
        call_command("check", stdout=StringIO(), stderr=err)
    assert "pending: balance 31.00, sum of entries 30.00" in err.getvalue().replace("Pending",
                                                                                    "pending")


def test_a_line_that_pays_out_more_than_it_took_fails_the_check():
    seller, other = agent(), agent()
    order = sell(seller, price="100.00")
    line = order.lines.get()
    LedgerEntry.objects.create(agent=other, kind=EntryKind.UPLINE, bucket="pending",
                               amount=Decimal("70.01"), order=order, order_line=line,
                               key=f"upline:{line.pk}")
    AgentBalance.objects.create(agent=other, pending=Decimal("70.01"))
    assert verify_earnings() == [
        LineProblem(line.pk, Decimal("100.00"), Decimal("100.01")),
        UplineProblem(line.pk, seller=Decimal("30.00"), upline=Decimal("70.01"))]


def test_entries_without_a_balance_row_are_a_problem_too():
    seller = agent()
    sell(seller)
    AgentBalance.objects.filter(agent=seller).delete()
    assert verify_earnings() == [BalanceProblem(seller.pk, "pending", Decimal("0.00"),
                                                Decimal("30.00"))]


def test_a_release_naming_no_frozen_money_is_reported():
    FrozenRelease.objects.create(entry_id=987654)
    with translation.override("en"):
        problems = [str(problem) for problem in verify_earnings()]
    assert problems == [
        "Release of frozen money 987654: no ledger entry froze that money"]


def test_an_earning_kept_on_ones_own_order_is_reported_until_taken_back():
    seller = agent()
    order = sell(seller, price="100.00")
    # An order from before checkout refused them, named as hers by the migration.
    Order.objects.filter(pk=order.pk).update(buyer_agent=seller, buyer_relation="self")
    with translation.override("en"):
        assert [str(problem) for problem in verify_earnings()] == [
            f"Agent {seller.pk} kept 30.00 earned on order {order.pk}, which they bought "
            f"themselves"]
    refund(order)
    assert verify_earnings() == []


def test_a_hold_naming_no_frozen_money_is_reported():
    SettlementHold.objects.create(entry_id=123456)
    with translation.override("en"):
        assert [str(problem) for problem in verify_earnings()] == [
            "Held earning 123456: no ledger entry froze that money"]

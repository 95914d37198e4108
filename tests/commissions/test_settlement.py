"""Settlement: frozen earnings become available when their window has passed, once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone, translation

from tests.commissions.earning import (
    after_window,
    agent,
    balance,
    complete,
    money,
    sell,
    upline_commission,
)
from tests.factories import ProductFactory, VariantFactory
from weishang.commissions import services
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import AgentBalance, FrozenRelease, LedgerEntry, SettlementRun
from weishang.commissions.services.settlement import settle
from weishang.core import jobs
from weishang.orders.models import Order, OrderLine
from weishang.orders.services import update_shop_settings

pytestmark = pytest.mark.django_db


def test_nothing_settles_before_the_window_has_passed():
    seller = agent()
    order = complete(sell(seller))
    assert settle(now=order.completed_at + timedelta(days=6, hours=23)).earnings == 0
    assert balance(seller) == {"frozen": money(30)}


def test_due_earnings_become_available_once_however_often_it_runs():
    upline_commission("10")
    upline = agent()
    seller = agent(upline=upline)
    order = complete(sell(seller, price="100.00"))
    pending = sell(seller, price="50.00")
    settled = settle(now=after_window(order))
    assert (settled.earnings, settled.agents, settled.amount) == (2, 2, money(33))
    assert balance(seller) == {"available": money(30), "pending": money(15)}
    assert balance(upline) == {"available": money(3), "pending": money("1.50")}
    entries = LedgerEntry.objects.count()
    assert settle(now=after_window(order)).earnings == 0
    assert settle(now=after_window(order, days=30)).earnings == 0
    assert LedgerEntry.objects.count() == entries and verify_earnings() == []
    assert pending.state == "paid"


def test_the_window_is_the_shops_after_sales_window():
    update_shop_settings(None, after_sales_days=0)
    seller = agent()
    order = complete(sell(seller))
    assert settle(now=order.completed_at + timedelta(seconds=1)).earnings == 1


def test_weishang_settle_prints_what_moved():
    seller = agent()
    complete(sell(seller), at=timezone.now() - timedelta(days=8))
    out = StringIO()
    with translation.override("en"):
        call_command("settle", stdout=out)
        call_command("settle", stdout=out)
    assert "Settled 1 earning of 1 agent(s): ¥30.00 now available." in out.getvalue()
    assert out.getvalue().endswith("Nothing to settle.\n")


def test_the_periodic_jobs_settle():
    seller = agent()
    complete(sell(seller), at=timezone.now() - timedelta(days=8))
    assert jobs.run_all()["settle_earnings"] == 1
    assert balance(seller) == {"available": money(30)}


def completed_order(seller, *, price, quantity, source="warehouse", level_price=None,
                    days_ago=8):
    """An order completed ``days_ago``, written directly (as an import or the benchmark
    would), without the receivers."""
    variant = VariantFactory(product=ProductFactory(), retail_price=price)
    total = money(Decimal(price) * quantity)
    completed = timezone.now() - timedelta(days=days_ago)
    order = Order.objects.create(
        shop=seller.user.shop, number=f"T{Order.objects.count():020d}", state="completed",
        recipient_name="张三", recipient_phone="13812345678", province="广东省", city="深圳市",
        street="科技园", goods_total=total, shipping_fee=0, payable=total,
        completed_at=completed, after_sales_until=completed + timedelta(days=7))
    OrderLine.objects.create(order=order, variant=variant, product_title="T", unit_price=price,
                             quantity=quantity, line_total=total, stock_source=source,
                             level_price=level_price)
    return order


def _earned_and_frozen():
    """Each earning (kind, amount) with when it falls due, and what each agent holds per
    bucket: the same whether the money arrived in one entry or as an earning and its moves."""
    entries = LedgerEntry.objects.all()
    earnings = {(e.kind, e.amount) for e in entries if e.kind != "settle"}
    due = sorted(e.available_at for e in entries if e.available_at)
    held = {(row["agent_id"], row["bucket"], row["total"]) for row in entries.values(
        "agent_id", "bucket").annotate(total=Sum("amount")).order_by() if row["total"]}
    return earnings, due, held


def test_earning_in_bulk_writes_what_the_receivers_would_have():
    upline_commission("12.5")
    upline = agent()
    seller = agent(upline=upline)
    live = [complete(sell(seller, price="19.90", quantity=3)),
            complete(sell(seller, price="88.00", source="cloud"))]
    expected = _earned_and_frozen()
    LedgerEntry._base_manager.all().delete()  # the ledger refuses it: start over as a test
    AgentBalance.objects.all().delete()
    Order.objects.filter(pk__in=[o.pk for o in live]).update(state="completed")
    assert services.earn_completed_lines_in_bulk() == 3, "one entry an earning, straight frozen"
    assert _earned_and_frozen() == expected
    assert services.earn_completed_lines_in_bulk() == 0, "lines already earned stay as they are"
    completed_order(seller, price="10.00", quantity=1, level_price=Decimal("4.00"))
    assert services.earn_completed_lines_in_bulk() == 2
    assert settle(now=timezone.now() + timedelta(days=8)).earnings == 5
    assert verify_earnings() == []


def released_by(order) -> int | None:
    """The settlement run that released the order's earning (None: not released)."""
    earning = LedgerEntry.objects.get(order=order, kind="sale")
    return FrozenRelease.objects.filter(entry_id=earning.pk).values_list(
        "run_id", flat=True).first()


def test_a_run_settles_what_fell_due_since_the_last_and_what_was_written_since():
    seller = agent()
    fresh = completed_order(seller, price="30.00", quantity=1, level_price=Decimal("20.00"),
                            days_ago=0)
    services.earn_completed_lines_in_bulk()
    assert settle().earnings == 0, "not due for a week"
    old = completed_order(seller, price="50.00", quantity=1, level_price=Decimal("40.00"),
                          days_ago=30)
    services.earn_completed_lines_in_bulk()
    assert settle().amount == Decimal("10.00"), "written after the last run, due long ago"
    first = SettlementRun.objects.get()
    assert (released_by(old), released_by(fresh)) == (first.pk, None)
    assert settle(now=timezone.now() + timedelta(days=8)).amount == Decimal("10.00"), (
        "frozen before the last run, due since")
    assert released_by(fresh) == SettlementRun.objects.first().pk
    assert settle(now=timezone.now() + timedelta(days=9)).earnings == 0
    assert SettlementRun.objects.count() == 2, "a run that moved nothing leaves no record"
    assert list(LedgerEntry.objects.filter(kind="settle", bucket="available").values_list(
        "agent_id", "amount")) == [(seller.pk, Decimal("10.00"))] * 2, "one move per agent"
    assert verify_earnings() == []

"""The migrations that give orders their after-sales deadline and their buyer fill them in for
the orders already there: the deadline from the shop's window, or the due date their earnings
were frozen until; the buyer from agents' login phones and the tree as it stands."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.commissions.earning import agent
from weishang.accounts.services import owner_shop
from weishang.commissions.models import LedgerEntry
from weishang.orders.models import Order
from weishang.orders.services import update_shop_settings

BEFORE = [("orders", "0010_checkout_limits_and_keys_per_client"),
          ("commissions", "0004_settle_by_releases")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _order(shop, phone, *, completed=None, **fields):
    return Order.objects.create(
        shop=shop, number=f"M{Order.objects.count():020d}", recipient_name="张三",
        recipient_phone=phone, province="广东省", city="深圳市", street="科技园",
        goods_total=Decimal("10.00"), shipping_fee=0, payable=Decimal("10.00"),
        completed_at=completed, after_sales_until=completed and completed + timedelta(days=1),
        state="completed" if completed else "paid", **fields)


@pytest.mark.django_db(transaction=True)
def test_deadlines_and_buyers_are_filled_in_for_existing_orders(owner):
    try:
        update_shop_settings(None, after_sales_days=10)
        top = agent()
        seller = agent(upline=top)
        downline = agent(upline=seller)
        elsewhere, applicant = agent(), agent(state="applied", joined_at=None)
        shop, now = seller.user.shop, timezone.now()
        plain = _order(shop, "13812345678", completed=now - timedelta(days=3))
        frozen = _order(shop, "13812345678", completed=now - timedelta(days=3))
        LedgerEntry.objects.create(agent=seller, kind="sale", bucket="frozen",
                                   amount=Decimal("3.00"), order=frozen,
                                   available_at=frozen.completed_at + timedelta(days=7),
                                   key="sale:old")
        cloud = _order(owner_shop(), "", completed=now, kind="purchase",
                       purchaser=seller.user, delivery="cloud")
        Order.objects.filter(pk=cloud.pk).update(after_sales_until=None)
        buyers = {name: _order(shop_of, who.user.phone) for name, shop_of, who in (
            ("self", shop, seller), ("team", shop, downline), ("upline", shop, top),
            ("agent", shop, elsewhere), ("customer", shop, applicant),
            ("agent in the owner's shop", owner_shop(), seller))}

        _migrate(BEFORE)
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        def reloaded(order):
            return Order.objects.get(pk=order.pk)

        assert reloaded(plain).after_sales_until == plain.completed_at + timedelta(days=10)
        assert abs(reloaded(frozen).after_sales_until
                   - (frozen.completed_at + timedelta(days=7))) < timedelta(milliseconds=1)
        assert reloaded(cloud).after_sales_until is None
        assert reloaded(buyers["self"]).after_sales_until is None, "not completed"
        assert {name: (reloaded(order).buyer_relation, reloaded(order).buyer_agent_id)
                for name, order in buyers.items()} == {
            "self": ("self", seller.pk), "team": ("team", downline.pk),
            "upline": ("upline", top.pk), "agent": ("agent", elsewhere.pk),
            "customer": ("customer", None), "agent in the owner's shop": ("agent", seller.pk)}
        assert reloaded(plain).buyer_relation == "customer"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

"""What an agent (and their direct upline) earns when a customer pays in their shop."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.commissions.earning import (
    after_window,
    agent,
    balance,
    complete,
    earned,
    money,
    sell,
    upline_commission,
)
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.core.errors import Conflict
from weishang.network.models import LevelVariantRule
from weishang.orders import services as orders
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_sale_from_the_owners_stock_earns_retail_paid_less_the_level_price():
    seller = agent()
    order = sell(seller, price="100.00", quantity=2)
    entry = LedgerEntry.objects.get(agent=seller)
    line = order.lines.get()
    assert (entry.kind, entry.bucket, entry.amount) == (EntryKind.SALE, "pending", money(60))
    assert (entry.order_id, entry.order_line_id, entry.key) == (order.pk, line.pk,
                                                                f"sale:{line.pk}")
    assert balance(seller) == {"pending": money(60)}


def test_a_sale_from_cloud_stock_earns_all_the_customer_paid():
    seller = agent()
    sell(seller, price="100.00", quantity=3, source="cloud")
    assert earned(seller, EntryKind.CLOUD_SALE) == money(300)


def test_the_level_price_recorded_on_the_line_wins_over_todays():
    seller = agent()
    sell(seller, price="100.00", level_price=Decimal("80.00"))
    assert earned(seller) == money(20)


def test_the_levels_own_price_for_a_variant_counts_when_the_line_recorded_none():
    seller = agent()
    order = sell(seller, price="100.00", pay=False)
    LevelVariantRule.objects.create(level=seller.level, variant=order.lines.get().variant,
                                    price=Decimal("55.50"))
    orders.confirm_payment(order, actor=None)
    assert earned(seller) == money("44.50")


def test_the_discount_is_rounded_half_up_like_every_amount():
    seller = agent()  # 30% off 0.05 is 0.035: the level price is 0.04, the sale earns 0.01
    sell(seller, price="0.05")
    assert earned(seller) == money("0.01")


def test_a_level_price_above_what_was_paid_earns_nothing_never_less():
    seller = agent()
    sell(seller, price="100.00", level_price=Decimal("120.00"))
    assert not LedgerEntry.objects.exists() and balance(seller) == {}


def test_the_owners_own_shop_and_an_unpaid_order_earn_nothing():
    seller = agent()
    sell(None)
    sell(seller, pay=False)
    assert not LedgerEntry.objects.exists()


def test_a_stock_purchase_earns_nothing(owner):
    buyer = agent()
    order = sell(buyer, pay=False)
    Order.objects.filter(pk=order.pk).update(kind="purchase", purchaser=buyer.user,
                                             delivery="cloud")
    orders.confirm_payment(order, actor=owner)
    assert not LedgerEntry.objects.exists()


def test_the_shipping_fee_is_not_goods_and_earns_nothing(owner):
    orders.update_shop_settings(owner, shipping_fee="12.00")
    seller = agent()
    order = sell(seller, price="100.00")
    assert order.payable == money(112) and earned(seller) == money(30)


def test_the_direct_upline_earns_nothing_unless_the_owner_switched_it_on():
    upline = agent()
    sell(agent(upline=upline))
    assert earned(upline) == 0


def test_the_direct_upline_earns_a_share_of_what_the_seller_earned():
    upline_commission("10")
    grand = agent()
    upline = agent(upline=grand)
    seller = agent(upline=upline)
    sell(seller, price="100.00", quantity=2)
    assert earned(seller) == money(60), "the seller's earning is not cut"
    assert earned(upline, EntryKind.UPLINE) == money(6)
    assert earned(grand) == 0, "the direct upline only: depth 1"


def test_the_upline_share_is_capped_at_what_the_seller_left_of_the_line():
    upline_commission("10")
    upline = agent()
    seller = agent(upline=upline)
    sell(seller, price="100.00", level_price=Decimal("5.00"))
    sell(seller, price="100.00", source="cloud")
    assert earned(seller) == money(195)
    assert earned(upline) == money(5), "5 of the first line, nothing of the cloud line"


def test_a_suspended_upline_or_an_expired_binding_earns_nothing():
    upline_commission("10")
    suspended = agent(state="suspended")
    sell(agent(upline=suspended))
    expired = agent()
    sell(agent(upline=expired, upline_until=timezone.now() - timedelta(days=1)))
    current = agent()
    sell(agent(upline=current, upline_until=timezone.now() + timedelta(days=1)))
    assert earned(suspended) == earned(expired) == 0
    assert earned(current) == money(3)


def test_completion_freezes_what_was_earned_for_the_after_sales_window():
    upline_commission("5")
    upline = agent()
    seller = agent(upline=upline)
    order = complete(sell(seller, price="100.00"))
    assert balance(seller) == {"frozen": money(30)}
    assert balance(upline) == {"frozen": money("1.50")}
    frozen = LedgerEntry.objects.get(agent=seller, bucket="frozen")
    assert frozen.available_at.replace(microsecond=0) == (
        order.completed_at + timedelta(days=7)).replace(microsecond=0)
    assert after_window(order) > frozen.available_at


def test_paying_twice_is_refused_and_earns_once(owner):
    seller = agent()
    order = sell(seller)
    with pytest.raises(Conflict):
        orders.confirm_payment(order, actor=owner)
    assert LedgerEntry.objects.count() == 1 and balance(seller) == {"pending": money(30)}

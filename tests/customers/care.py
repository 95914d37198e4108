"""Helpers of the customer-care tests (c3): orders bought on a chosen day, customers with a
known order history."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from weishang.customers import services
from weishang.customers.models import Customer
from weishang.orders import services as orders
from weishang.orders.models import Order
from weishang.orders.services import Recipient

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(day: date, hour: int = 10) -> datetime:
    """A time on ``day`` in Beijing time."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def recipient(name="张三", phone="13812345678") -> Recipient:
    return Recipient(name=name, phone=phone, province="广东省", city="深圳市",
                     district="南山区", street="粤海街道科技园南区8栋")


def buy(place, owner, variant, *, on: date, quantity: int = 1, paid_on: date | None = None,
        name="张三", phone="13812345678", pay: bool = True) -> Order:
    """An order of ``variant`` placed on ``on`` (and paid on ``paid_on``, default the same day)
    by the customer with this number; the customer's statistics follow."""
    order = place(variant, quantity, recipient=recipient(name, phone))
    if pay:
        orders.confirm_payment(order, actor=owner)
    Order.objects.filter(pk=order.pk).update(
        created_at=moment(on), paid_at=moment(paid_on or on) if pay else None)
    services.refresh_order_stats(Customer.objects.get(phone=phone))
    order.refresh_from_db()
    return order

"""Real retail: the selling an agent's upgrade may count (network/upgrades/services.py).

Fewer orders than the sales counted elsewhere (models.SALE_STATES): a retail order of the
agent's shop counts once it is final — completed and past its after-sales window, so no
refund request can come any more — and only while it stays so: an order refunded later (the
owner may refund at any time) drops out again. It counts only when a customer bought it: the
buyer checkout recorded (Order.buyer_relation, buyers.py) is no agent at all — not the agent
themselves, nor anyone of their team, their upline or any other agent: buying from one another
is not selling to customers. Distinct customers are the distinct mobile numbers of those
orders.

Who bought is what checkout recorded, the one definition (orders from before it were marked
by migration 0012 from the same mobile numbers), not worked out again here from the tree as it
stands today: a customer who joins later bought as a customer, an agent stays an agent.

Network comes before orders, so it does not read orders itself: apps.py hands it
``retail_selling`` when the apps are ready.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import BuyerRelation, Order, OrderKind, OrderState


@dataclass(frozen=True)
class RetailSelling:
    sales: Decimal = Decimal(0)
    customers: int = 0


def final(now: datetime) -> Q:
    """Orders no customer can ask to refund any more: completed, their own after-sales window
    (fixed when they completed) over."""
    return Q(state=OrderState.COMPLETED, after_sales_until__lte=now)


def real_retail(now: datetime) -> Q:
    """Final retail orders bought by customers: what upgrades may count."""
    return final(now) & Q(kind=OrderKind.RETAIL, buyer_relation=BuyerRelation.CUSTOMER)


def retail_selling(seller_user_ids: list[int], now: datetime) -> dict[int, RetailSelling]:
    """{seller's user id: their real retail sales (goods, ¥) and distinct customers} for the
    shops of ``seller_user_ids``, final by ``now``. One query, however many sellers."""
    per_seller = (Order.objects.filter(real_retail(now), shop__seller_id__in=seller_user_ids)
                  .values_list("shop__seller_id")
                  .annotate(goods=Sum("goods_total"),
                            customers=Count("recipient_phone", distinct=True))
                  .order_by())
    return {seller_id: RetailSelling(goods, customers)
            for seller_id, goods, customers in per_seller}

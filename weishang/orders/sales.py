"""Real retail: the selling an agent's upgrade may count (network/upgrades.py).

Fewer orders than the sales counted elsewhere (models.SALE_STATES): a retail order of the
agent's shop counts once it is final — completed and past its after-sales window, so no
refund request can come any more — and only while it stays so: an order refunded later (the
owner may refund at any time) drops out again. It never counts when the buyer is the agent
themselves or an agent of their team (anyone below them in the tree): buying from oneself, or
having one's team buy, is not selling to customers. Distinct customers are the distinct mobile
numbers of those orders that belong to no agent at all.

Network comes before orders, so it does not read orders itself: apps.py hands it
``retail_selling`` when the apps are ready.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from weishang.network.models import Agent

from .models import Order, OrderKind, OrderState


@dataclass(frozen=True)
class RetailSelling:
    sales: Decimal = Decimal(0)
    customers: int = 0


def final(now: datetime) -> Q:
    """Orders no customer can ask to refund any more: completed, their own after-sales window
    (fixed when they completed) over."""
    return Q(state=OrderState.COMPLETED, after_sales_until__lte=now)


class AgentBuyers:
    """Which buyers (mobile numbers) are agents, and whose team they are in: everyone who was
    ever approved as an agent, and the tree as it stands, read in one query."""

    def __init__(self, now: datetime):
        self._user_of, self._upline_of, self._agent_with = {}, {}, {}
        for pk, user_id, phone, upline_id, upline_until in (
                Agent.objects.filter(joined_at__isnull=False)
                .values_list("pk", "user_id", "user__phone", "upline_id", "upline_until")):
            self._user_of[pk] = user_id
            if phone:
                self._agent_with[phone] = pk
            if upline_id and (upline_until is None or upline_until > now):
                self._upline_of[pk] = upline_id

    def is_agent(self, phone: str) -> bool:
        return phone in self._agent_with

    def own_or_team_order(self, seller_user_id: int, phone: str) -> bool:
        """Whether an order bought by ``phone`` in the shop of ``seller_user_id`` is the
        seller's own (the buyer's mobile is the seller's login) or their team's (the buyer is
        an agent anywhere below the seller)."""
        agent_id, seen = self._agent_with.get(phone), set()
        while agent_id is not None and agent_id not in seen:
            if self._user_of[agent_id] == seller_user_id:
                return True
            seen.add(agent_id)
            agent_id = self._upline_of.get(agent_id)
        return False


def retail_selling(seller_user_ids: list[int], now: datetime) -> dict[int, RetailSelling]:
    """{seller's user id: their real retail sales (goods, ¥) and distinct customers} for the
    shops of ``seller_user_ids``, final by ``now``. Two queries, however many sellers."""
    per_buyer = (Order.objects.filter(final(now), kind=OrderKind.RETAIL,
                                      shop__seller_id__in=seller_user_ids)
                 .values_list("shop__seller_id", "recipient_phone")
                 .annotate(goods=Sum("goods_total")).order_by())
    buyers = AgentBuyers(now)
    sales, customers = defaultdict(Decimal), defaultdict(int)
    for seller_id, phone, goods in per_buyer.iterator():
        if buyers.own_or_team_order(seller_id, phone):
            continue
        sales[seller_id] += goods
        customers[seller_id] += not buyers.is_agent(phone)
    return {seller_id: RetailSelling(sales[seller_id], customers[seller_id])
            for seller_id in sales}

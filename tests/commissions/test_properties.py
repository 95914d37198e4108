"""Properties of the earnings ledger over random agent trees, orders and their fates.

Each example builds a tree of agents (each with at most one upline among those before it),
sells through random agents' shops (owner's stock at a random level price, or cloud stock)
through orders.services, and sends each order its fate: paid only, refunded while paid,
completed, refunded in the after-sales window or after settlement, with settlement runs in
between. Then: no line pays out more than was paid; only the seller and at most their direct
upline earn; every balance equals its ledger; a refunded order's earnings sum to nothing;
settling again changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.commissions.earning import (
    agent,
    complete,
    refund,
    sell,
    upline_commission,
)
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.commissions.services import EARNING_KINDS
from weishang.commissions.services.settlement import settle

pytestmark = pytest.mark.django_db

FATES = ("paid", "refunded_paid", "completed", "refunded_frozen", "refunded_settled")
LATER = timedelta(days=400)

trees = st.integers(min_value=1, max_value=5).flatmap(
    lambda size: st.tuples(*[st.one_of(st.none(), st.integers(0, index - 1)) if index
                             else st.none() for index in range(size)]))
sales = st.lists(st.fixed_dictionaries({
    "seller": st.integers(0, 4),
    "cents": st.integers(1, 200_000),
    "quantity": st.integers(1, 3),
    "source": st.sampled_from(("warehouse", "cloud")),
    # the level price as a share of retail (None: the level's 30% off); above 1 earns nothing
    "level_share": st.one_of(st.none(), st.decimals("0.01", "1.2", places=2)),
    "fate": st.sampled_from(FATES),
    "settle_after": st.booleans(),
}), min_size=1, max_size=6)
percents = st.one_of(st.none(), st.decimals("0.01", "99.99", places=2))


def play(tree, sale_list, percent):
    if percent is not None:
        upline_commission(percent)
    agents = []
    for upline in tree:
        agents.append(agent(upline=agents[upline] if upline is not None else None))
    refunded = []
    for sale in sale_list:
        seller = agents[sale["seller"] % len(agents)]
        price = Decimal(sale["cents"]) / 100
        level_price = (None if sale["level_share"] is None
                       else max(Decimal("0.01"), (price * sale["level_share"]).quantize(
                           Decimal("0.01"))))
        order = sell(seller, price=str(price), quantity=sale["quantity"],
                     source=sale["source"], level_price=level_price)
        fate = sale["fate"]
        if fate == "refunded_paid":
            refunded.append(refund(order))
        elif fate != "paid":
            order = complete(order)
            if fate == "refunded_settled":
                settle(now=timezone.now() + LATER)
            if fate.startswith("refunded"):
                refunded.append(refund(order))
        if sale["settle_after"]:
            settle(now=timezone.now() + LATER)
    return agents, refunded


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, sale_list=sales, percent=percents)
def test_the_ledger_keeps_its_promises(tree, sale_list, percent):
    with transaction.atomic():
        agents, refunded = play(tree, sale_list, percent)
        assert verify_earnings() == [], "balances equal ledgers; no line pays out more"
        by_pk = {a.pk: a for a in agents}
        for entry in LedgerEntry.objects.filter(kind__in=EARNING_KINDS).select_related(
                "order__shop"):
            seller = next(a for a in agents if a.user_id == entry.order.shop.seller_id)
            if entry.kind == EntryKind.UPLINE:
                assert entry.agent_id == seller.upline_id, "the direct upline only"
                assert by_pk[entry.agent_id].is_active
            else:
                assert entry.agent_id == seller.pk
        for order in refunded:
            total = sum(LedgerEntry.objects.filter(order=order).values_list("amount", flat=True),
                        Decimal(0))
            assert total == 0, "a refund takes back exactly what was credited"
        entries = LedgerEntry.objects.count()
        settle(now=timezone.now() + LATER)
        assert settle(now=timezone.now() + LATER).earnings == 0
        assert LedgerEntry.objects.count() >= entries and verify_earnings() == []
        transaction.set_rollback(True)

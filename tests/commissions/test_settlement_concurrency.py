"""Concurrent settlement runs (and a refund racing them) pay each earning once (PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.commissions.earning import agent, complete, refund, sell, upline_commission
from tests.conftest import is_postgres
from tests.inventory.test_concurrency import run_together
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import AgentBalance, Bucket, EntryKind, FrozenRelease, LedgerEntry
from weishang.commissions.services.settlement import settle

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")]

RUNS = 8


def test_concurrent_settlement_runs_pay_each_earning_once():
    upline_commission("10")
    upline = agent()
    sellers = [agent(upline=upline) for _ in range(3)]
    orders = [complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=8))
              for seller in sellers for _ in range(2)]
    results = []
    done, _refused, errors = run_together([lambda: results.append(settle())] * RUNS)
    assert errors == [] and done == RUNS
    assert sum(result.earnings for result in results) == len(orders) * 2
    assert sorted(result.earnings for result in results)[:-1] == [0] * (RUNS - 1)
    assert FrozenRelease.objects.filter(run_id__isnull=False).count() == len(orders) * 2
    settled = LedgerEntry.objects.filter(kind=EntryKind.SETTLE, bucket=Bucket.AVAILABLE)
    assert settled.count() == len(sellers) + 1, "one move to available per agent and run"
    assert AgentBalance.objects.get(agent=upline).available == 3 * len(orders)
    assert verify_earnings() == []


def test_a_refund_racing_settlement_takes_back_each_earning_once():
    seller = agent()
    paid = [sell(seller, price="100.00") for _ in range(4)]
    completed = [complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=8))
                 for _ in range(4)]
    jobs = [lambda: settle() for _ in range(4)]
    jobs += [lambda order=order: refund(order) for order in paid]
    done, _refused, errors = run_together(jobs)
    assert errors == [] and done == len(jobs)
    assert AgentBalance.objects.get(agent=seller).available == 30 * len(completed)
    assert AgentBalance.objects.get(agent=seller).pending == 0
    assert verify_earnings() == []

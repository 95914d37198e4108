"""Withdrawals under concurrent requests: twenty at once against one balance never overdraw,
and the same request key sent at once is one withdrawal. Real concurrent writers need
PostgreSQL (see tests/inventory/test_concurrency.py)."""

import threading
from decimal import Decimal

import pytest

from tests.commissions.withdrawing import balance, credit
from tests.conftest import is_postgres
from tests.factories import AgentFactory
from tests.inventory.test_concurrency import WORKERS, run_together
from weishang.commissions.models import LedgerEntry, Withdrawal
from weishang.commissions.services import withdrawals

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")]


def requests_by_twenty(agent, keys: list[str]) -> tuple[list[Withdrawal], int]:
    """Send one request of ¥100 per key at the same moment; returns the withdrawals the
    requests got back and how many were refused for lack of balance."""
    results, refused = [], []
    lock = threading.Lock()

    def job(key):
        def request():
            try:
                withdrawal = withdrawals.request_withdrawal(
                    agent, amount="100.00", method="wechat", account="wx_agent",
                    account_name="李四", request_key=key)
            except withdrawals.InsufficientBalance:
                with lock:
                    refused.append(key)
            else:
                with lock:
                    results.append(withdrawal)
        return request

    done, _, errors = run_together([job(key) for key in keys])
    assert errors == []
    assert done == WORKERS
    return results, len(refused)


def test_twenty_simultaneous_withdrawals_never_overdraw():
    agent = AgentFactory()
    credit(agent, "750.00")
    results, refused = requests_by_twenty(agent, [f"key-{n}" for n in range(WORKERS)])
    assert len(results) == 7 and refused == WORKERS - 7
    assert Withdrawal.objects.count() == 7
    assert balance(agent)["available"] == Decimal("50.00")
    assert balance(agent)["withdrawing"] == Decimal("700.00")


def test_the_same_request_sent_twenty_times_at_once_is_one_withdrawal():
    agent = AgentFactory()
    credit(agent, "750.00")
    results, refused = requests_by_twenty(agent, ["double-tap"] * WORKERS)
    assert refused == 0
    assert {withdrawal.pk for withdrawal in results} == {Withdrawal.objects.get().pk}
    assert balance(agent)["available"] == Decimal("650.00")
    assert LedgerEntry.objects.filter(withdrawal__isnull=False).count() == 2


@pytest.mark.parametrize("attempt", range(5))
def test_the_same_request_for_the_whole_balance_sent_at_once_is_never_refused(attempt):
    """The balance covers exactly one withdrawal: a retry that arrives while the first takes
    the money answers with that withdrawal, not 409 insufficient_balance."""
    agent = AgentFactory()
    credit(agent, "100.00")
    results, refused = requests_by_twenty(agent, ["whole-balance"] * WORKERS)
    assert refused == 0
    assert {withdrawal.pk for withdrawal in results} == {Withdrawal.objects.get().pk}
    assert balance(agent)["available"] == Decimal("0.00")

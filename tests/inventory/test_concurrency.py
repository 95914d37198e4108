"""Stock under concurrent requests: never negative, nothing lost, the ledger adds up.

Each worker thread has its own database connection, so these tests need real transactions
(``transaction=True``). Real concurrent writers need PostgreSQL; the test database on SQLite is
an in-memory one whose table locks refuse a second writer at once instead of waiting, so there
the workers take turns (as SQLite's single writer lock makes them do in production).
"""

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests.conftest import is_postgres
from tests.factories import VariantFactory
from weishang.core.errors import InsufficientStock
from weishang.inventory import services
from weishang.inventory.models import MovementReason, StockLevel, StockMovement

pytestmark = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")

WORKERS = 20


def run_together(jobs: list[Callable[[], None]], *, take_turns: bool = False,
                 ) -> tuple[int, int, list[BaseException]]:
    """Run the jobs in threads released at the same moment (one at a time if ``take_turns``).

    Returns how many succeeded, how many were refused for lack of stock, and any other error.
    """
    barrier = threading.Barrier(len(jobs))
    lock = threading.Lock()
    turn = threading.Lock() if take_turns else contextlib.nullcontext()
    counts = {"done": 0, "refused": 0}
    errors: list[BaseException] = []

    def work(job):
        try:
            barrier.wait(timeout=30)
            with turn:
                job()
        except InsufficientStock:
            with lock:
                counts["refused"] += 1
        except BaseException as exc:  # anything else fails the test, with the error shown
            with lock:
                errors.append(exc)
        else:
            with lock:
                counts["done"] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return counts["done"], counts["refused"], errors


def assert_ledger_adds_up(variant):
    level = StockLevel.objects.get(variant=variant, location=services.warehouse())
    movements = list(StockMovement.objects.filter(level=level).order_by("id"))
    assert level.quantity >= 0
    assert level.quantity == sum(movement.delta for movement in movements)
    running = 0
    for movement in movements:
        running += movement.delta
        assert movement.quantity_after == running >= 0, "each movement left what it claims"
    assert services.verify_ledger() == []
    return level.quantity


def remove_one_unit_by_twenty_workers(*, take_turns: bool):
    variant = VariantFactory()
    services.adjust_stock(variant=variant, delta=10, reason=MovementReason.INITIAL)

    def remove_one():
        services.adjust_stock(variant=variant, delta=-1, reason=MovementReason.ADJUSTMENT)

    done, refused, errors = run_together([remove_one] * WORKERS, take_turns=take_turns)

    assert errors == []
    assert (done, refused) == (10, 10)
    assert assert_ledger_adds_up(variant) == 0


@pytest.mark.postgres
@on_postgres
def test_twenty_concurrent_removals_of_ten_units_sell_exactly_ten():
    remove_one_unit_by_twenty_workers(take_turns=False)


@pytest.mark.skipif(is_postgres(), reason="the concurrent version runs on PostgreSQL")
def test_twenty_workers_taking_turns_on_sqlite_sell_exactly_ten():
    remove_one_unit_by_twenty_workers(take_turns=True)


@pytest.mark.postgres
@on_postgres
def test_twenty_concurrent_mixed_adjustments_keep_the_ledger_whole():
    variant = VariantFactory()
    services.adjust_stock(variant=variant, delta=5, reason=MovementReason.INITIAL)
    deltas = [-3, 2] * (WORKERS // 2)

    def adjust(delta):
        return lambda: services.adjust_stock(variant=variant, delta=delta,
                                             reason=MovementReason.ADJUSTMENT)

    done, refused, errors = run_together([adjust(delta) for delta in deltas])

    assert errors == []
    assert done + refused == WORKERS and done >= WORKERS // 2, "every addition succeeds"
    applied = StockMovement.objects.filter(level__variant=variant).exclude(reason="initial")
    assert applied.count() == done
    assert assert_ledger_adds_up(variant) == 5 + sum(movement.delta for movement in applied)


@pytest.mark.postgres
@on_postgres
def test_concurrent_multi_item_takes_in_opposite_orders_neither_deadlock_nor_oversell():
    first, second = VariantFactory(), VariantFactory()
    for variant in (first, second):
        services.adjust_stock(variant=variant, delta=8, reason=MovementReason.INITIAL)

    def take(lines):
        return lambda: services.take_stock(lines, reason=MovementReason.SALE)

    jobs = [take([(first, 1), (second, 1)]), take([(second, 1), (first, 1)])] * (WORKERS // 2)
    done, refused, errors = run_together(jobs)

    assert errors == []
    assert (done, refused) == (8, 12)
    assert assert_ledger_adds_up(first) == 0 == assert_ledger_adds_up(second)


@pytest.mark.postgres
@on_postgres
def test_concurrent_first_stocking_creates_one_level():
    variant = VariantFactory()

    def add_one():
        services.adjust_stock(variant=variant, delta=1, reason=MovementReason.RESTOCK)

    done, refused, errors = run_together([add_one] * WORKERS)

    assert errors == [] and (done, refused) == (WORKERS, 0)
    assert StockLevel.objects.filter(variant=variant).count() == 1
    assert assert_ledger_adds_up(variant) == WORKERS

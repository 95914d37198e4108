"""Work started in several threads at the same moment, each with its own database connection
(so the test needs real transactions: ``django_db(transaction=True)``, on PostgreSQL)."""

import threading
from collections.abc import Callable


def run_at_once(count: int, work: Callable[[int], object], *,
                refusal: type[BaseException]) -> tuple[list, list, list]:
    """``work(i)`` in ``count`` threads released together: (results, refusals, other errors)."""
    from django.db import connection

    barrier = threading.Barrier(count)
    lock = threading.Lock()
    results, refusals, errors = [], [], []

    def run(number):
        try:
            barrier.wait(timeout=30)
            outcome, into = work(number), results
        except refusal as refused:
            outcome, into = refused, refusals
        except BaseException as exc:  # anything else fails the test, shown in its assert
            outcome, into = exc, errors
        finally:
            connection.close()
        with lock:
            into.append(outcome)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, refusals, errors

"""Guesses sent all at once on PostgreSQL: no more reach a password check than the limit
allows, since every attempt is counted before its password is looked at."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory

from tests.conftest import is_postgres
from weishang.accounts.models import LoginFailure
from weishang.accounts.throttle import LoginThrottled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL"),
]


def guess_together(count: int, address_of) -> tuple[int, int, list]:
    """``count`` wrong passwords for the owner at once; (checked, refused, other errors)."""
    barrier = threading.Barrier(count)
    lock = threading.Lock()
    outcomes = {"checked": 0, "refused": 0}
    errors = []

    def guess(number):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address_of(number))
        try:
            barrier.wait(timeout=30)
            user = authenticate(request, username="owner", password=f"guess-{number}")
            assert user is None
            outcome = "checked"
        except LoginThrottled:
            outcome = "refused"
        except BaseException as exc:  # shown by the assert below
            with lock:
                errors.append(exc)
            return
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a login hung"
    return outcomes["checked"], outcomes["refused"], errors


def test_thirty_guesses_at_once_from_one_address_check_at_most_the_limit(owner):
    checked, refused, errors = guess_together(30, lambda number: "10.7.0.1")
    assert errors == []
    assert checked <= settings.LOGIN_FAILURE_LIMIT
    assert checked + refused == 30
    assert LoginFailure.objects.count() == checked


def test_thirty_guesses_at_once_from_thirty_addresses_check_at_most_the_free_ones(owner):
    checked, refused, errors = guess_together(30, lambda number: f"10.7.1.{number + 1}")
    assert errors == []
    # Past the free failures every attempt waits for the one before it.
    assert checked <= settings.LOGIN_FAILURE_LIMIT
    assert LoginFailure.objects.count() == checked

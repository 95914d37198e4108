"""Guesses sent all at once on PostgreSQL: no more reach a password check than the limit
allows, since every attempt is counted before its password is looked at."""

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory

from tests.concurrency import run_at_once
from tests.conftest import is_postgres
from weishang.accounts.models import LoginFailure
from weishang.accounts.throttle import LoginThrottled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL"),
]


def guess_together(count: int, address_of) -> tuple[list, list, list]:
    """``count`` wrong passwords for the owner at once: (checked, refused, other errors)."""

    def guess(number):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address_of(number))
        return authenticate(request, username="owner", password=f"guess-{number}")

    return run_at_once(count, guess, refusal=LoginThrottled)


def test_thirty_guesses_at_once_from_one_address_check_at_most_the_limit(owner):
    checked, refused, errors = guess_together(30, lambda number: "10.7.0.1")
    assert errors == []
    assert checked == [None] * len(checked)  # (wrong passwords)
    assert len(checked) <= settings.LOGIN_FAILURE_LIMIT
    assert len(checked) + len(refused) == 30
    assert LoginFailure.objects.count() == len(checked)


def test_thirty_guesses_at_once_from_thirty_addresses_check_at_most_the_free_ones(owner):
    checked, refused, errors = guess_together(30, lambda number: f"10.7.1.{number + 1}")
    assert errors == []
    # Past the free failures every attempt waits for the one before it.
    assert len(checked) <= settings.LOGIN_FAILURE_LIMIT
    assert LoginFailure.objects.count() == len(checked)

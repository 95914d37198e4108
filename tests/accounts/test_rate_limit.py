"""Login rate limit: per account (by phone or username alike) and per address, web and API."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.utils import timezone

from tests.factories import UserFactory

from .conftest import api_login, new_ip, web_login

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED = "Too many failed login attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def _cool_off_15_minutes(settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def fail_web(client, login, *, ip=None):
    return web_login(client, login, "wrong-password", ip=ip)


def test_account_locks_after_the_limit_counting_phone_and_username_together(client, owner):
    # Each attempt from a new address: only the account count can be what locks.
    logins = ["owner", "13800000000", "+86 138 0000 0000", "owner", "138-0000-0000"]
    responses = [fail_web(client, login) for login in logins[:LIMIT]]
    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    assert responses[-1].status_code == 429
    assert LOCKED in responses[-1].text


def test_locked_account_refuses_the_right_password_with_429(client, owner):
    for _attempt in range(LIMIT):
        fail_web(client, "13800000000")
    response = web_login(client, "owner")
    assert response.status_code == 429
    assert LOCKED in response.text
    assert response["Retry-After"] == "900"
    assert 'name="username"' in response.text  # the login page, ready for later
    assert SESSION_KEY not in client.session


def test_lock_of_one_account_leaves_others_alone(client, owner):
    other = UserFactory()
    for _attempt in range(LIMIT):
        fail_web(client, "owner")
    assert web_login(client, other.username).status_code == 302


def test_unknown_logins_count_by_their_normalised_text(client, db):
    for login in ["+86 137 1111 2222", "13711112222", "137-1111-2222", "0086 13711112222"]:
        assert fail_web(client, login).status_code == 200
    assert fail_web(client, "137 1111 2222").status_code == 429


def test_address_locks_after_failures_on_many_accounts(client, owner):
    ip = new_ip()
    users = UserFactory.create_batch(LIMIT - 1, password=None)  # no hashing: never logs in
    for user in users:
        assert fail_web(client, user.username, ip=ip).status_code == 200
    assert fail_web(client, "someone-else", ip=ip).status_code == 429
    # Locked address: even the right password of an untouched account is refused ...
    assert web_login(client, "owner", ip=ip).status_code == 429
    # ... while the same account from another address logs in.
    assert web_login(client, "owner").status_code == 302


def test_unlocks_after_the_cool_off_period(client, owner):
    for _attempt in range(LIMIT):
        fail_web(client, "owner")
    assert web_login(client, "owner").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert web_login(client, "owner").status_code == 302


def test_success_resets_the_account_count(client, owner):
    for _attempt in range(LIMIT - 1):
        fail_web(client, "owner")
    assert web_login(client, "owner").status_code == 302
    client.logout()
    for _attempt in range(LIMIT - 1):
        assert fail_web(client, "owner").status_code == 200


def test_resetpassword_lifts_the_lock(client, owner):
    for _attempt in range(LIMIT):
        fail_web(client, "owner")
    call_command("resetpassword", "owner", "--password", "Fresh-Passw0rd-2026")
    assert web_login(client, "13800000000", "Fresh-Passw0rd-2026").status_code == 302


def test_api_is_limited_too_and_answers_json(client, owner):
    for _attempt in range(LIMIT - 1):
        assert api_login(client, "owner", "wrong").status_code == 400
    response = api_login(client, "+86 13800000000", "wrong")
    assert response.status_code == 429
    assert response.json() == {"code": "too_many_attempts", "message": LOCKED}
    assert response["Retry-After"] == "900"
    assert api_login(client, "owner").status_code == 429


def test_web_and_api_failures_count_together(client, owner):
    for _attempt in range(LIMIT - 1):
        api_login(client, "13800000000", "wrong")
    assert fail_web(client, "owner").status_code == 429


def test_lockout_message_is_chinese_by_default(client, owner):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    for _attempt in range(LIMIT - 1):
        fail_web(client, "owner")
    response = fail_web(client, "owner")
    assert response.status_code == 429
    assert "15 分钟" in response.text

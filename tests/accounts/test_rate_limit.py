"""Login limits: an account from one address, an address on any accounts, and an account from
everywhere slowed down but never locked for its owner; web and API alike."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from tests.factories import TEST_PASSWORD, UserFactory
from weishang.accounts.models import LoginFailure
from weishang.accounts.throttle import KNOWN_DEVICE_COOKIE

from .conftest import api_login, new_ip, web_login

LIMIT = settings.LOGIN_FAILURE_LIMIT
LOCKED = "Too many failed login attempts. Try again in 15 minutes."


def wait_of(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many failed login attempts. Try again in {seconds} {unit}."


@pytest.fixture(autouse=True)
def _cool_off_15_minutes(settings):
    settings.LOGIN_COOLOFF = timedelta(minutes=15)


class Clock:
    """The site's clock stands still unless a test moves it: waits are exact, whatever the
    machine's speed."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    stopped = Clock()
    monkeypatch.setattr(timezone, "now", lambda: stopped.now)
    return stopped


def fail_web(client, login, *, ip=None):
    return web_login(client, login, "wrong-password", ip=ip)


def test_logging_into_ones_own_account_between_guesses_resets_nothing(client, db, clock):
    """The reported attack: 4 wrong passwords for the victim, 1 right one for one's own
    account, again and again, from one address."""
    victim = UserFactory(username="victim", role="agent")
    UserFactory(username="attacker", role="agent")
    ip = new_ip()
    answers = []
    for _round in range(5):
        answers += [fail_web(client, "victim", ip=ip).status_code for _guess in range(4)]
        assert web_login(client, "attacker", ip=ip).status_code == 302
        client.logout()
    assert answers[:LIMIT] == [200] * LIMIT
    assert set(answers[LIMIT:]) == {429}
    # The victim's own password from that address is refused too, never checked ...
    response = web_login(client, "victim", ip=ip)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # ... while she logs in from her own address, once the account's short wait is over.
    clock.advance(seconds=1)
    assert web_login(Client(), "victim").status_code == 302
    assert victim.username == "victim"


def test_an_account_from_one_address_locks_at_the_limit_counting_phone_and_username(
        client, owner):
    ip = new_ip()
    logins = ["owner", "13800000000", "+86 138 0000 0000", "owner", "138-0000-0000"]
    assert [fail_web(client, login, ip=ip).status_code for login in logins[:LIMIT]] \
        == [200] * LIMIT
    response = web_login(client, "owner", ip=ip)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert response["Retry-After"] == "900"
    assert 'name="username"' in response.text  # the login page, ready for later
    assert SESSION_KEY not in client.session


def test_a_locked_pair_leaves_the_account_free_from_elsewhere_and_others_free_from_there(
        client, owner, clock):
    other = UserFactory()
    ip = new_ip()
    for _attempt in range(LIMIT):
        fail_web(client, "owner", ip=ip)
    assert web_login(client, "owner", ip=ip).status_code == 429
    assert web_login(Client(), other.username, ip=ip).status_code == 302
    clock.advance(seconds=1)
    assert web_login(Client(), "owner", ip=new_ip()).status_code == 302


def test_unknown_logins_count_by_their_normalised_text(client, db):
    ip = new_ip()
    for login in ["+86 137 1111 2222", "13711112222", "137-1111-2222", "0086 13711112222",
                  "137 1111 2222"]:
        assert fail_web(client, login, ip=ip).status_code == 200
    assert fail_web(client, "13711112222", ip=ip).status_code == 429


def test_an_address_locks_after_failures_on_many_accounts(client, owner, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    ip = new_ip()
    for number in range(8):
        assert fail_web(client, f"someone-{number}", ip=ip).status_code == 200
    assert fail_web(client, "someone-else", ip=ip).status_code == 429
    # Locked address: even the right password of an untouched account is refused ...
    assert web_login(client, "owner", ip=ip).status_code == 429
    # ... while the same account from another address logs in.
    assert web_login(client, "owner").status_code == 302


def test_failures_from_many_addresses_slow_the_account_down_without_locking_it(
        client, owner, settings, clock):
    settings.LOGIN_MAX_DELAY_SECONDS = 8
    for _attempt in range(LIMIT):  # a new address each time: no pair ever locks
        assert fail_web(client, "owner").status_code == 200
    waits = []
    for _attempt in range(6):
        refused = fail_web(client, "owner")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert fail_web(client, "owner").status_code == 200
    assert waits == [1, 2, 4, 8, 8, 8]
    assert wait_of(8) in fail_web(client, "owner").text
    # Waiting is all it takes, also for the right password from a brand-new browser.
    clock.advance(seconds=8)
    assert web_login(Client(), "owner").status_code == 302


def test_a_browser_the_owner_logged_in_from_is_never_kept_waiting(client, owner):
    other = UserFactory()
    owners_phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert web_login(owners_phone, "owner").status_code == 302
    assert KNOWN_DEVICE_COOKIE in owners_phone.cookies
    owners_phone.post("/accounts/logout/")  # (Client.logout() would drop every cookie)
    for _attempt in range(30):  # strangers, each from an address of their own
        fail_web(client, "13800000000")
        fail_web(client, other.username)
    assert fail_web(client, "owner").status_code == 429
    # A browser without the cookie waits; the owner's phone logs in at once, from anywhere.
    assert web_login(Client(), "owner").status_code == 429
    assert web_login(owners_phone, "owner").status_code == 302
    # The cookie speaks for its own account only, and cannot be made up.
    borrowed = Client()
    borrowed.cookies[KNOWN_DEVICE_COOKIE] = owners_phone.cookies[KNOWN_DEVICE_COOKIE].value
    assert web_login(borrowed, other.username).status_code == 429
    forged = Client()
    forged.cookies[KNOWN_DEVICE_COOKIE] = "owner"
    assert web_login(forged, "owner").status_code == 429


def test_unlocks_after_the_cool_off_period(client, owner, clock):
    ip = new_ip()
    for _attempt in range(LIMIT):
        fail_web(client, "owner", ip=ip)
        clock.advance(minutes=1)
    # The first failure leaves the 15 minutes' window 10 minutes from now.
    assert web_login(client, "owner", ip=ip)["Retry-After"] == str(10 * 60)
    clock.advance(minutes=10)
    assert web_login(client, "owner", ip=ip).status_code == 302


def test_a_success_forgets_its_own_failures_only(client, owner, clock):
    ip = new_ip()
    for _attempt in range(LIMIT - 1):
        fail_web(client, "owner", ip=ip)
    fail_web(client, "owner", ip=new_ip())
    clock.advance(seconds=1)
    assert web_login(client, "owner", ip=ip).status_code == 302
    client.logout()
    assert list(LoginFailure.objects.values_list("account", flat=True)) == ["owner"]
    for _attempt in range(LIMIT - 1):
        assert fail_web(client, "owner", ip=ip).status_code == 200


def test_resetpassword_lifts_the_lock(client, owner):
    ip = new_ip()
    for _attempt in range(LIMIT):
        fail_web(client, "owner", ip=ip)
    call_command("resetpassword", "owner", "--password", "Fresh-Passw0rd-2026")
    assert web_login(client, "13800000000", "Fresh-Passw0rd-2026", ip=ip).status_code == 302


def test_unlock_lifts_an_accounts_locks_and_wait_keeping_its_password(client, owner, capsys):
    ip = new_ip()
    for _attempt in range(LIMIT):
        fail_web(client, "owner", ip=ip)
    assert web_login(client, "owner", ip=ip).status_code == 429
    assert web_login(Client(), "owner").status_code == 429  # the account's wait
    with translation.override("en"):
        call_command("unlock", "13800000000")
    assert "Forgot 5 failed logins of owner" in capsys.readouterr().out
    assert web_login(Client(), "owner").status_code == 302
    assert web_login(client, "owner", ip=ip).status_code == 302


def test_unlock_an_address(client, owner, settings, capsys):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for login in ("a", "b", "c"):
        fail_web(client, login, ip="10.9.0.1")
    assert web_login(client, "owner", ip="10.9.0.1").status_code == 429
    with translation.override("en"):
        call_command("unlock", "--address", "10.9.0.1")
    assert "Forgot 3 failed logins from 10.9.0.1" in capsys.readouterr().out
    assert web_login(client, "owner", ip="10.9.0.1").status_code == 302


@pytest.mark.parametrize(("arguments", "message"), [
    (["nobody"], "No account has the username or mobile number “nobody”."),
    (["--address", "not-an-address"], "“not-an-address” is not an IP address."),
    ([], "Name an account or give --address, not both."),
    (["owner", "--address", "10.0.0.1"], "Name an account or give --address, not both."),
])
def test_unlock_refuses_what_it_cannot_do(owner, arguments, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("unlock", *arguments)


def test_api_is_limited_too_and_answers_json(client, owner):
    ip = new_ip()
    for _attempt in range(LIMIT):
        assert api_login(client, "owner", "wrong", ip=ip).status_code == 400
    response = api_login(client, "+86 13800000000", ip=ip)
    assert response.status_code == 429
    assert response.json() == {"code": "too_many_attempts", "message": LOCKED}
    assert response["Retry-After"] == "900"


def test_web_and_api_failures_count_together(client, owner):
    ip = new_ip()
    for _attempt in range(LIMIT):
        api_login(client, "13800000000", "wrong", ip=ip)
    assert web_login(client, "owner", ip=ip).status_code == 429


def test_the_admin_login_is_limited_too(client, owner):
    ip = new_ip()
    for _attempt in range(LIMIT):
        client.post("/admin/login/", {"username": "owner", "password": "wrong"}, REMOTE_ADDR=ip)
    response = client.post("/admin/login/", {"username": "owner", "password": TEST_PASSWORD},
                           REMOTE_ADDR=ip)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_address_behind_the_proxies_is_the_one_counted(client, owner, settings):
    settings.PROXY_COUNT = 1
    for number in range(LIMIT):  # made-up entries on the left change nothing
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 10.8.0.1")
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"10.8.0.1"}
    assert client.post("/accounts/login/", {"username": "owner", "password": "wrong"},
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.0.1").status_code \
        == 429


def test_lockout_message_is_chinese_by_default(client, owner):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    ip = new_ip()
    for _attempt in range(LIMIT):
        fail_web(client, "owner", ip=ip)
    response = fail_web(client, "owner", ip=ip)
    assert response.status_code == 429
    assert "15 分钟" in response.text

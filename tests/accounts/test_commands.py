"""`weishang createowner` and `weishang resetpassword`."""

import getpass
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.factories import TEST_PASSWORD
from weishang.accounts.management.commands.resetpassword import Command as ResetPassword
from weishang.accounts.models import User

STRONG = "Owner-Passw0rd-2026"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def answers(monkeypatch):
    """Typed answers for input() and getpass(), in order."""
    typed: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": typed.pop(0))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": typed.pop(0))
    return typed


def test_createowner_with_options(db):
    output = run("createowner", "--username", "boss", "--phone", "+86 137 0000 1111",
                 "--password", STRONG, "--display-name", "王老板")
    owner = User.objects.get(role="owner")
    assert (owner.username, owner.phone, owner.display_name) == ("boss", "13700001111", "王老板")
    assert owner.password.startswith("argon2") and owner.check_password(STRONG)
    assert "boss" in output and "13700001111" in output


def test_createowner_refuses_a_second_owner(owner):
    with pytest.raises(CommandError, match="The owner account already exists: owner"):
        run("createowner", "--username", "boss", "--phone", "13700001111", "--password", STRONG)
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "boss", "--phone", "12345", "--password", STRONG], "mobile number"),
        (["--username", "boss", "--phone", "13700001111", "--password", "123"], "too short"),
        (["--username", "bad name", "--phone", "13700001111", "--password", STRONG], "username"),
        (["--username", "boss", "--phone", "13700001111", "--no-input"], "Missing --password"),
    ],
)
def test_createowner_bad_input_creates_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("createowner", *args)
    assert not User.objects.exists()


def test_createowner_asks_and_asks_again_for_what_is_wrong(db, answers):
    answers.extend([
        "boss", "12345",            # username, a bad mobile number
        STRONG, "typo",             # passwords that differ: asked again
        STRONG, STRONG,
        "137 0000 1111",            # the mobile number again
    ])
    run("createowner")
    owner = User.objects.get(role="owner")
    assert (owner.username, owner.phone) == ("boss", "13700001111")
    assert owner.check_password(STRONG)
    assert not answers


@pytest.mark.parametrize("login", ["owner", "13800000000", "+86 138-0000-0000"])
def test_resetpassword_by_username_or_mobile(owner, login):
    output = run("resetpassword", login, "--password", STRONG)
    owner.refresh_from_db()
    assert owner.check_password(STRONG)
    assert "owner" in output


def test_resetpassword_asks_twice(owner, answers):
    answers.extend([STRONG, STRONG])
    run("resetpassword", "owner")
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_resetpassword_asks_again_for_a_weak_password(owner, answers):
    answers.extend(["123", "123", STRONG, STRONG])
    run("resetpassword", "owner")
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_resetpassword_refuses_a_weak_password(owner):
    with pytest.raises(CommandError, match="too common"):
        run("resetpassword", "owner", "--password", "password123")
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)


def test_resetpassword_unknown_account(db):
    with pytest.raises(CommandError, match="No account has the username or mobile number"):
        run("resetpassword", "nobody", "--password", STRONG)


def test_resetpassword_unknown_account_exits_with_1(db, capsys, monkeypatch):
    # As `weishang resetpassword nobody` would; keep the test's database connection open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        ResetPassword().run_from_argv(["weishang", "resetpassword", "nobody", "--password", STRONG])
    assert exit_.value.code == 1
    assert "nobody" in capsys.readouterr().err

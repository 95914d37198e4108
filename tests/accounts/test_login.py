import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation

from tests.factories import TEST_PASSWORD, UserFactory

from .conftest import web_login

WRONG = "The account or the password is not right."


def logged_in_as(client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def test_login_page_asks_for_mobile_or_username(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Mobile number or username" in response.text
    assert 'name="username"' in response.text


def test_login_by_username(client, owner):
    response = web_login(client, "owner")
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_as(client, owner)


@pytest.mark.parametrize(
    "login",
    ["13800000000", "+86 138 0000 0000", "+8613800000000", "0086 138-0000-0000",
     "138 0000 0000", " 13800000000 "],
)
def test_login_by_mobile_in_usual_formats(client, owner, login):
    assert web_login(client, login).status_code == 302
    assert logged_in_as(client, owner)


def test_a_mobile_number_finds_the_phone_before_a_username(client, owner):
    # Admin may create odd usernames; the number still means the account with that phone.
    UserFactory(username="13800000000", phone="13900000999", password="other-Password-1")
    web_login(client, "13800000000")
    assert logged_in_as(client, owner)


def test_passwords_are_hashed_with_argon2(owner):
    assert owner.password.startswith("argon2")


@pytest.mark.parametrize("login", ["owner", "13800000000", "nobody", "13711112222"])
def test_wrong_credentials_get_one_message_that_reveals_nothing(client, owner, login):
    response = web_login(client, login, "not-the-password")
    assert response.status_code == 200
    assert WRONG in response.text
    assert not logged_in_as(client, owner)


def test_inactive_user_cannot_log_in_and_is_told_the_same(client, db):
    user = UserFactory(is_active=False)
    response = web_login(client, user.username)
    assert response.status_code == 200
    assert WRONG in response.text
    assert SESSION_KEY not in client.session


def test_message_is_chinese_by_default(client, owner):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    with translation.override("zh-hans"):
        expected = translation.gettext(WRONG)
    assert expected != WRONG
    assert expected in web_login(client, "owner", "bad").text


def test_next_is_followed_when_it_is_on_this_site(client, owner):
    response = web_login(client, "owner", next_url="/console/products/")
    assert response.url == "/console/products/"


def test_next_to_another_site_is_ignored(client, owner):
    response = web_login(client, "owner", next_url="https://evil.example/steal")
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_logged_in_user_visiting_login_goes_on(client, owner):
    client.force_login(owner)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_logout_needs_post_and_logs_out(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "You have logged out." in response.text
    assert SESSION_KEY not in client.session


def test_login_form_password_is_required(client, owner):
    response = client.post(reverse("accounts:login"), {"username": "owner", "password": ""})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert TEST_PASSWORD not in response.text

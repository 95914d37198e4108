import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "Another-Passw0rd-2026"


def test_profile_shows_name_role_and_own_phone(client, owner):
    client.force_login(owner)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "13800000000" in response.text
    assert "Owner" in response.text
    assert reverse("accounts:password_change") in response.text
    assert reverse("accounts:staff_list") in response.text


def test_profile_needs_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_token_is_shown_once_after_creation(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:api_token_create"), follow=True)
    key = Token.objects.get(user=staff).key
    assert key in response.text
    assert key not in client.get(reverse("accounts:profile")).text
    assert "You have an API token" in client.get(reverse("accounts:profile")).text


def test_regenerate_replaces_the_token(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts:api_token_create"))
    old = Token.objects.get(user=owner).key
    client.post(reverse("accounts:api_token_create"))
    assert Token.objects.get(user=owner).key != old


def test_revoke_deletes_the_token(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts:api_token_create"))
    response = client.post(reverse("accounts:api_token_revoke"), follow=True)
    assert not Token.objects.filter(user=owner).exists()
    assert "You have no API token" in response.text


def test_token_pages_need_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:api_token_create")).status_code == 405
    assert client.get(reverse("accounts:api_token_revoke")).status_code == 405


def test_agents_have_no_token_management(client, db):
    agent = UserFactory(role="agent")
    client.force_login(agent)
    assert "API token" not in client.get(reverse("accounts:profile")).text
    assert client.post(reverse("accounts:api_token_create")).status_code == 403
    assert not Token.objects.exists()


def change_password(client, old, new1, new2=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
        follow=True,
    )


def test_change_password(client, owner):
    client.force_login(owner)
    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Your password has been changed." in response.text
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert owner.password.startswith("argon2")
    assert client.session[SESSION_KEY] == str(owner.pk)  # still logged in


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("wrong-old", NEW_PASSWORD, NEW_PASSWORD, "Your old password was entered incorrectly"),
        (TEST_PASSWORD, NEW_PASSWORD, "something-else-9", "didn’t match"),
        (TEST_PASSWORD, "123", "123", "too short"),
    ],
)
def test_bad_password_change_changes_nothing(client, owner, old, new1, new2, message):
    client.force_login(owner)
    response = change_password(client, old, new1, new2)
    assert response.status_code == 200
    assert message in response.text
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)


def test_change_password_needs_login(client, db):
    assert client.get(reverse("accounts:password_change")).status_code == 302

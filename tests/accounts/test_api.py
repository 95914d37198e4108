import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

from .conftest import api_login


def test_token_by_username_and_by_phone_is_the_same_token(client, owner):
    first = api_login(client, "owner")
    assert first.status_code == 200
    second = api_login(client, "+86 138 0000 0000")
    assert second.json() == first.json() == {"token": Token.objects.get(user=owner).key}


def test_wrong_password_is_a_json_error(client, owner):
    response = api_login(client, "owner", "wrong")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "The account or the password is not right.",
    }
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(client, db):
    user = UserFactory(is_active=False)
    assert api_login(client, user.username).json()["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_agents_get_no_token(client, db):
    agent = UserFactory(role="agent")
    response = api_login(client, agent.username)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Token.objects.exists()


@pytest.mark.parametrize("body", [{}, {"login": "owner"}, {"password": "x"}, {"login": ""}])
def test_missing_fields_are_a_json_error(client, owner, body):
    response = client.post(reverse("api:auth_token"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["message"]


def test_form_encoded_login_works_too(client, owner):
    response = client.post(reverse("api:auth_token"), {"login": "owner", "password": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_me_with_token(client, catalog_staff):
    key = api_login(client, catalog_staff.username).json()["token"]
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json() == {
        "username": catalog_staff.username,
        "display_name": "",
        "role": "staff",
        "phone": catalog_staff.phone,
        "areas": ["catalog", "inventory"],
    }


def test_me_for_the_owner_lists_every_area(client, owner):
    client.force_login(owner)
    areas = client.get(reverse("api:me")).json()["areas"]
    assert {"catalog", "inventory", "orders", "agents"} <= set(areas)


def test_me_needs_authentication(client, db):
    response = client.get(reverse("api:me"))
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_revoked_token_stops_working(client, owner):
    key = api_login(client, "owner").json()["token"]
    Token.objects.filter(key=key).delete()
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_schema_documents_the_endpoints(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})
    paths = response.json()["paths"]
    assert "/api/v1/auth/token/" in paths
    assert "429" in paths["/api/v1/auth/token/"]["post"]["responses"]
    assert "/api/v1/me/" in paths

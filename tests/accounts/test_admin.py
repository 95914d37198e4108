import pytest
from django.urls import reverse

from weishang.accounts import services


@pytest.fixture
def admin_client_of_owner(client, db):
    owner = services.create_owner(username="boss", phone="13700001111", password="Boss-Passw0rd-26")
    client.force_login(owner)
    return client


@pytest.mark.parametrize(
    "url_name",
    ["admin:accounts_user_changelist", "admin:accounts_user_add",
     "admin:accounts_areagrant_changelist", "admin:accounts_areagrant_add"],
)
def test_admin_pages_open(admin_client_of_owner, url_name):
    assert admin_client_of_owner.get(reverse(url_name)).status_code == 200


def test_admin_user_page_shows_phone_role_and_areas(admin_client_of_owner, catalog_staff):
    page = admin_client_of_owner.get(
        reverse("admin:accounts_user_change", args=[catalog_staff.pk])
    ).text
    assert 'name="phone"' in page and 'name="role"' in page and "area_grants-0-area" in page


def test_admin_search_by_phone(admin_client_of_owner, catalog_staff):
    response = admin_client_of_owner.get(
        reverse("admin:accounts_user_changelist"), {"q": catalog_staff.phone}
    )
    assert catalog_staff.username in response.text


def test_admin_refuses_a_second_owner_with_a_message(admin_client_of_owner):
    response = admin_client_of_owner.post(
        reverse("admin:accounts_user_add"),
        {"username": "boss2", "phone": "13700002222", "role": "owner", "usable_password": "true",
         "password1": "Boss-Passw0rd-27", "password2": "Boss-Passw0rd-27"},
    )
    assert response.status_code == 200
    assert "errornote" in response.text

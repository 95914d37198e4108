"""The Django admin shows accounts and area grants but changes none of them: role, mobile number,
password, active flag and areas change through the services, which check them and keep an
agent's login in step with the agent."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, AgentFactory
from weishang.accounts import services
from weishang.accounts.models import AreaGrant, User


@pytest.fixture
def admin_client_of_owner(client, db):
    owner = services.create_owner(username="boss", phone="13700001111", password="Boss-Passw0rd-26")
    client.force_login(owner)
    return client


def _as_stored(user) -> dict:
    stored = User.objects.get(pk=user.pk)
    return {"role": stored.role, "phone": stored.phone, "is_active": stored.is_active,
            "password": stored.password, "is_staff": stored.is_staff,
            "is_superuser": stored.is_superuser,
            "areas": set(stored.area_grants.values_list("area", flat=True))}


@pytest.mark.parametrize("url_name", ["admin:accounts_user_changelist",
                                      "admin:accounts_areagrant_changelist"])
def test_admin_lists_open(admin_client_of_owner, url_name):
    assert admin_client_of_owner.get(reverse(url_name)).status_code == 200


def test_admin_user_page_shows_phone_role_and_areas_without_inputs(admin_client_of_owner,
                                                                   catalog_staff):
    page = admin_client_of_owner.get(
        reverse("admin:accounts_user_change", args=[catalog_staff.pk])).text
    assert catalog_staff.phone in page and "Staff" in page and "Products" in page
    for field in ('name="phone"', 'name="role"', 'name="is_active"', "area_grants-0-area",
                  "argon2"):
        assert field not in page


def test_admin_search_by_phone(admin_client_of_owner, catalog_staff):
    response = admin_client_of_owner.get(
        reverse("admin:accounts_user_changelist"), {"q": catalog_staff.phone}
    )
    assert catalog_staff.username in response.text


def test_the_admin_cannot_change_role_phone_activity_or_areas(admin_client_of_owner,
                                                              catalog_staff):
    before = _as_stored(catalog_staff)
    response = admin_client_of_owner.post(
        reverse("admin:accounts_user_change", args=[catalog_staff.pk]),
        {"username": catalog_staff.username, "phone": "13700009999", "role": "agent",
         "email": "", "display_name": "", "is_staff": "on", "is_superuser": "on",
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
         "area_grants-TOTAL_FORMS": "1", "area_grants-INITIAL_FORMS": "0",
         "area_grants-0-area": "orders"})
    assert response.status_code == 403
    assert _as_stored(catalog_staff) == before


def test_the_admin_cannot_deactivate_an_active_agents_login(admin_client_of_owner, db):
    agent = AgentFactory()
    response = admin_client_of_owner.post(
        reverse("admin:accounts_user_change", args=[agent.user.pk]),
        {"username": agent.user.username, "phone": agent.user.phone, "role": "agent",
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
         "area_grants-TOTAL_FORMS": "0", "area_grants-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.is_active and agent.user.is_active


def test_the_admin_sets_no_password(admin_client_of_owner, catalog_staff):
    before = _as_stored(catalog_staff)
    url = reverse("admin:auth_user_password_change", args=[catalog_staff.pk])
    assert admin_client_of_owner.get(url).status_code == 403
    response = admin_client_of_owner.post(url, {"password1": "New-Passw0rd-2026",
                                                "password2": "New-Passw0rd-2026"})
    assert response.status_code == 403
    assert _as_stored(catalog_staff) == before
    assert User.objects.get(pk=catalog_staff.pk).check_password(TEST_PASSWORD)


def test_the_admin_adds_and_deletes_no_accounts(admin_client_of_owner, catalog_staff):
    add = reverse("admin:accounts_user_add")
    assert admin_client_of_owner.get(add).status_code == 403
    response = admin_client_of_owner.post(
        add, {"username": "boss2", "phone": "13700002222", "role": "owner",
              "usable_password": "true", "password1": "Boss-Passw0rd-27",
              "password2": "Boss-Passw0rd-27"})
    assert response.status_code == 403
    delete = reverse("admin:accounts_user_delete", args=[catalog_staff.pk])
    assert admin_client_of_owner.post(delete, {"post": "yes"}).status_code == 403
    assert set(User.objects.values_list("username", flat=True)) == {"boss",
                                                                     catalog_staff.username}


def test_the_admin_grants_and_revokes_no_areas(admin_client_of_owner, catalog_staff):
    grant = catalog_staff.area_grants.get(area="catalog")
    add = reverse("admin:accounts_areagrant_add")
    assert admin_client_of_owner.post(add, {"user": catalog_staff.pk,
                                            "area": "orders"}).status_code == 403
    change = reverse("admin:accounts_areagrant_change", args=[grant.pk])
    assert admin_client_of_owner.post(change, {"user": catalog_staff.pk,
                                               "area": "orders"}).status_code == 403
    delete = reverse("admin:accounts_areagrant_delete", args=[grant.pk])
    assert admin_client_of_owner.post(delete, {"post": "yes"}).status_code == 403
    assert set(AreaGrant.objects.values_list("area", flat=True)) == {"catalog", "inventory"}

import pytest
from django.db import IntegrityError, transaction

from tests.factories import TEST_PASSWORD, UserFactory
from weishang.accounts import services
from weishang.accounts.models import User
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted

STRONG = "Helper-Passw0rd-2026"


def test_create_owner(db):
    owner = services.create_owner(username="boss", phone="+86 13700001111", password=STRONG)
    assert (owner.role, owner.phone, owner.is_superuser, owner.is_staff) == (
        "owner", "13700001111", True, True,
    )
    assert owner.check_password(STRONG)


def test_there_is_only_one_owner(owner):
    with pytest.raises(Conflict) as error:
        services.create_owner(username="boss2", phone="13700001111", password=STRONG)
    assert error.value.code == "owner_exists"
    assert User.objects.filter(role="owner").count() == 1


def test_the_database_refuses_a_second_owner(owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role="owner")


def test_set_areas_replaces_the_grants(owner, catalog_staff):
    services.set_areas(owner, catalog_staff, ["orders", "catalog"])
    assert set(catalog_staff.area_grants.values_list("area", flat=True)) == {"orders", "catalog"}
    assert catalog_staff.can("orders") and not catalog_staff.can("inventory")


def test_set_areas_refuses_unknown_areas(owner, catalog_staff):
    with pytest.raises(InvalidInput):
        services.set_areas(owner, catalog_staff, ["orders", "moon"])
    assert set(catalog_staff.area_grants.values_list("area", flat=True)) == {"catalog", "inventory"}


@pytest.mark.parametrize("actor_role", ["staff", "agent"])
def test_only_the_owner_manages_staff(db, catalog_staff, actor_role):
    actor = UserFactory(role=actor_role, areas=["catalog"] if actor_role == "staff" else [])
    with pytest.raises(NotPermitted):
        services.set_areas(actor, catalog_staff, [])
    with pytest.raises(NotPermitted):
        services.create_staff(
            actor, username="x", phone="13700001111", display_name="", password=STRONG, areas=[]
        )
    assert catalog_staff.can("catalog")


def test_an_inactive_owner_cannot_act(owner, staff):
    owner.is_active = False
    with pytest.raises(NotPermitted):
        services.set_areas(owner, staff, ["orders"])


def test_the_owner_cannot_be_updated_as_staff(owner):
    with pytest.raises(NotFound):
        services.update_staff(
            owner, owner, display_name="", phone=owner.phone, is_active=False, areas=[]
        )
    owner.refresh_from_db()
    assert owner.is_active


def test_reset_password_by_phone(owner):
    services.reset_password("138 0000 0000", STRONG)
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_reset_password_of_unknown_account(db):
    with pytest.raises(NotFound):
        services.reset_password("nobody", STRONG)


def test_set_password_validates(owner):
    with pytest.raises(InvalidInput) as error:
        services.set_password(owner, "owner")
    assert error.value.field == "password"
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)


def test_api_tokens(owner):
    first = services.api_token_for(owner)
    assert services.api_token_for(owner) == first
    second = services.issue_api_token(owner)
    assert second != first
    assert services.revoke_api_token(owner) is True
    assert services.revoke_api_token(owner) is False


def test_agents_and_inactive_users_get_no_api_token(db):
    for user in (UserFactory(role="agent"), UserFactory(is_active=False)):
        with pytest.raises(NotPermitted):
            services.api_token_for(user)

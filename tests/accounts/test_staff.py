"""Staff management pages: owner only; bad input writes nothing."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from weishang.accounts.models import AreaGrant, User

from .conftest import web_login

STRONG = "Helper-Passw0rd-2026"


@pytest.fixture
def member(db):
    return UserFactory(username="xiaomei", display_name="小美", areas=["orders"])


def staff_urls(member):
    return [
        reverse("accounts:staff_list"),
        reverse("accounts:staff_create"),
        reverse("accounts:staff_edit", args=[member.username]),
    ]


@pytest.mark.parametrize("role", ["staff", "catalog_staff", "agent"])
def test_only_the_owner_may_manage_staff(client, member, role, request):
    user = UserFactory(role="agent") if role == "agent" else request.getfixturevalue(role)
    client.force_login(user)
    for url in staff_urls(member):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"username": "intruder"}).status_code == 403, url
    assert not User.objects.filter(username="intruder").exists()


def test_anonymous_is_sent_to_login(client, member):
    for url in staff_urls(member):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_owner_sees_every_staff_page(owner_client, member):
    for url in staff_urls(member):
        assert owner_client.get(url).status_code == 200, url


def test_staff_list_shows_names_and_areas(owner_client, member):
    page = owner_client.get(reverse("accounts:staff_list")).text
    assert "小美" in page and "xiaomei" in page and "Orders" in page


def test_staff_list_query_count_does_not_grow(owner_client, django_assert_max_num_queries):
    UserFactory.create_batch(2, areas=["catalog", "orders"], password=None)
    with django_assert_max_num_queries(6) as few:
        owner_client.get(reverse("accounts:staff_list"))
    UserFactory.create_batch(15, areas=["catalog", "orders", "customers"], password=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = owner_client.get(reverse("accounts:staff_list"))
    assert response.text.count("/edit/") == 17


def create(client, **changes):
    data = {
        "username": "ahua", "phone": "+86 139-1111-2222", "display_name": "阿华",
        "password": STRONG, "password_confirm": STRONG, "areas": ["catalog", "orders"],
        **changes,
    }
    return client.post(reverse("accounts:staff_create"), data)


def test_owner_adds_staff_who_can_then_log_in(owner_client, other_client):
    response = create(owner_client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:staff_list")
    created = User.objects.get(username="ahua")
    assert (created.role, created.phone, created.display_name) == ("staff", "13911112222", "阿华")
    assert created.password.startswith("argon2")
    assert created.can("catalog") and created.can("orders") and not created.can("inventory")
    assert web_login(other_client, "13911112222", STRONG).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"username": "owner"}, "This username is already taken."),
        ({"username": "OWNER"}, "This username is already taken."),
        ({"username": "13912345678"}, "A username cannot be a mobile number"),
        ({"username": "has space"}, "Enter a valid username"),
        ({"username": ""}, "This field is required."),
        ({"phone": "13800000000"}, "Another account already uses this mobile number."),
        ({"phone": "12345"}, "Enter a mainland China mobile number"),
        ({"password": "123", "password_confirm": "123"}, "too short"),
        ({"password": "Ab3$" * 33, "password_confirm": "Ab3$" * 33}, "at most 128 characters"),
        (
            {"username": "huangxiaomei", "password": "huangxiaomei1",
             "password_confirm": "huangxiaomei1"},
            "too similar to the username",
        ),
        ({"password_confirm": "Other-Passw0rd-2026"}, "The two passwords are not the same."),
        ({"areas": ["catalog", "spaceship"]}, "Select a valid choice."),
        ({"display_name": "名" * 51}, "at most 50 characters"),
    ],
)
def test_bad_staff_input_writes_nothing(owner_client, changes, field_error):
    users, grants = User.objects.count(), AreaGrant.objects.count()
    response = create(owner_client, **changes)
    assert response.status_code == 200
    assert field_error in response.text
    assert 'class="errorlist' in response.text
    assert (User.objects.count(), AreaGrant.objects.count()) == (users, grants)


def edit(client, member, **changes):
    data = {
        "display_name": member.display_name, "phone": member.phone, "is_active": "on",
        "areas": ["orders"], "password": "", "password_confirm": "", **changes,
    }
    if data["is_active"] is None:
        del data["is_active"]
    return client.post(reverse("accounts:staff_edit", args=[member.username]), data)


def test_owner_edits_areas_name_and_phone(owner_client, member):
    response = edit(
        owner_client, member, display_name="小美美", phone="138 1111 3333",
        areas=["catalog", "inventory"],
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.phone) == ("小美美", "13811113333")
    assert set(member.area_grants.values_list("area", flat=True)) == {"catalog", "inventory"}
    assert member.check_password("Weishang-test-2026")  # empty password fields keep it


def test_owner_deactivates_staff_who_then_cannot_log_in(owner_client, other_client, member):
    other_client.force_login(member)
    assert edit(owner_client, member, is_active=None).status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert other_client.get(reverse("accounts:profile")).status_code == 302  # session ended
    assert web_login(other_client, "xiaomei").status_code == 200


def test_owner_sets_a_new_password(owner_client, other_client, member):
    assert edit(owner_client, member, password=STRONG, password_confirm=STRONG).status_code == 302
    assert web_login(other_client, "xiaomei", STRONG).status_code == 302


def test_bad_edit_writes_nothing(owner_client, member):
    response = edit(
        owner_client, member, display_name="changed", areas=["catalog"],
        password="123", password_confirm="123",
    )
    assert response.status_code == 200
    assert "too short" in response.text
    member.refresh_from_db()
    assert member.display_name == "小美"
    assert list(member.area_grants.values_list("area", flat=True)) == ["orders"]
    assert member.check_password("Weishang-test-2026")


def test_phone_of_another_account_is_refused_on_edit(owner_client, member):
    response = edit(owner_client, member, phone="13800000000")
    assert "Another account already uses this mobile number." in response.text
    member.refresh_from_db()
    assert member.phone != "13800000000"


@pytest.mark.parametrize("username", ["owner", "nobody"])
def test_only_staff_accounts_can_be_edited(owner_client, db, username):
    # The owner is no staff member, so the owner can never deactivate their own account here.
    url = reverse("accounts:staff_edit", args=[username])
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url, {"phone": "13800000000"}).status_code == 404


def test_agents_are_not_edited_as_staff(owner_client, db):
    agent = UserFactory(role="agent")
    url = reverse("accounts:staff_edit", args=[agent.username])
    assert owner_client.get(url).status_code == 404

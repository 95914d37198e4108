import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ProductFactory, VariantFactory
from weishang.inventory import services
from weishang.inventory.models import StockLevel, StockMovement

from .conftest import ROLES_WITH_ACCESS, ROLES_WITHOUT_ACCESS, make_user

pytestmark = pytest.mark.django_db
LEVELS = reverse("api:stock_levels")
ADJUSTMENTS = reverse("api:stock_adjustments")


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def manager_api(api):
    """An API client with the token of a staff member who manages stock."""
    user = make_user("inventory_staff")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    api.user = user
    return api


def quantity_of(variant) -> int:
    level = StockLevel.objects.filter(variant=variant).first()
    return level.quantity if level else 0


# --- who may call what ----------------------------------------------------------------------


def calls(variant):
    body = {"variant": variant.public_id, "delta": 5, "reason": "restock"}
    return [("get", LEVELS, None), ("get", ADJUSTMENTS, None), ("post", ADJUSTMENTS, body)]


def test_anonymous_callers_are_refused(api, variant):
    for method, url, body in calls(variant):
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_users_without_the_stock_area_are_refused(api, variant, role):
    api.force_authenticate(make_user(role))
    for method, url, body in calls(variant):
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("role", ROLES_WITH_ACCESS)
def test_owner_and_stock_staff_may_call_every_endpoint(api, variant, role):
    api.force_authenticate(make_user(role))
    assert api.get(LEVELS).status_code == 200
    assert api.get(ADJUSTMENTS).status_code == 200
    body = {"variant": variant.public_id, "delta": 5, "reason": "restock"}
    assert api.post(ADJUSTMENTS, body, format="json").status_code == 201
    assert quantity_of(variant) == 5


def test_a_session_login_works_too(client, login_as, variant):
    login_as("owner")
    assert client.get(LEVELS).status_code == 200


# --- stock levels ---------------------------------------------------------------------------


def test_stock_levels_list_filters_by_variant_and_low(manager_api, stocked):
    low = stocked(VariantFactory(product=ProductFactory(title="低库存围巾"), spec_label="红",
                                 sku_code="LOW-1"), 2, threshold=3)
    plenty = stocked(VariantFactory(), 50, threshold=3)
    never_stocked = VariantFactory()
    retired = stocked(VariantFactory(is_active=False), 4)

    rows = manager_api.get(LEVELS).json()["results"]
    assert [row["variant"] for row in rows] == [
        never_stocked.public_id, low.public_id, plenty.public_id]
    assert rows[1] == {
        "variant": low.public_id, "product": low.product.public_id,
        "product_title": "低库存围巾", "spec_label": "红", "sku_code": "LOW-1",
        "is_active": True, "quantity": 2, "low_stock_threshold": 3, "is_low": True,
        "is_sold_out": False,
    }
    rows = manager_api.get(LEVELS, {"low": "true"}).json()["results"]
    assert [row["variant"] for row in rows] == [never_stocked.public_id, low.public_id]
    rows = manager_api.get(LEVELS, {"variant": retired.public_id}).json()["results"]
    assert [(row["variant"], row["quantity"]) for row in rows] == [(retired.public_id, 4)]
    rows = manager_api.get(LEVELS, {"search": "LOW-1"}).json()["results"]
    assert [row["variant"] for row in rows] == [low.public_id]
    assert manager_api.get(LEVELS, {"variant": "nope"}).json()["results"] == []


def test_stock_levels_refuses_a_bad_filter(manager_api):
    response = manager_api.get(LEVELS, {"low": "perhaps"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_stock_levels_list_is_a_fixed_number_of_queries(manager_api, stocked,
                                                        django_assert_max_num_queries):
    stocked(VariantFactory(), 1)
    with django_assert_max_num_queries(1000) as captured:
        manager_api.get(LEVELS)
    for index in range(25):
        stocked(VariantFactory(product=ProductFactory()), index, threshold=3)
    with django_assert_max_num_queries(len(captured)):
        assert len(manager_api.get(LEVELS).json()["results"]) == 20
    assert len(captured) <= 5


# --- adjustments ----------------------------------------------------------------------------


def test_adjusting_stock_answers_the_movement(manager_api, variant):
    response = manager_api.post(ADJUSTMENTS, {"variant": variant.public_id, "delta": 8,
                                              "reason": "restock", "note": "到货"},
                                format="json")
    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("variant", "item", "delta", "quantity_after", "reason",
                                       "note", "actor")} == {
        "variant": variant.public_id, "item": "真丝围巾 红 / M", "delta": 8,
        "quantity_after": 8, "reason": "restock", "note": "到货",
        "actor": manager_api.user.username,
    }
    response = manager_api.post(ADJUSTMENTS, {"variant": variant.public_id, "delta": -3,
                                              "reason": "damage"}, format="json")
    assert response.json()["quantity_after"] == 5 and quantity_of(variant) == 5


def test_a_stocktake_sets_the_counted_quantity(manager_api, variant, stocked):
    stocked(variant, 10)
    response = manager_api.post(ADJUSTMENTS, {"variant": variant.public_id,
                                              "set_quantity": 6}, format="json")
    assert response.status_code == 201
    assert (response.json()["delta"], response.json()["reason"]) == (-4, "stocktake")

    response = manager_api.post(ADJUSTMENTS, {"variant": variant.public_id,
                                              "set_quantity": 6}, format="json")
    assert response.status_code == 200
    assert (response.json()["variant"], response.json()["quantity"]) == (variant.public_id, 6)
    assert StockMovement.objects.count() == 2


def test_removing_more_than_there_is_answers_409(manager_api, variant, stocked):
    stocked(variant, 2)
    response = manager_api.post(ADJUSTMENTS, {"variant": variant.public_id, "delta": -3,
                                              "reason": "damage"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "insufficient_stock",
        "message": "Not enough stock of “真丝围巾 红 / M”: 2 available, 3 requested.",
    }
    assert quantity_of(variant) == 2 and StockMovement.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"delta": "abc", "reason": "restock"}, "delta"),
    ({"delta": 1.5, "reason": "restock"}, "delta"),
    ({"delta": 0, "reason": "adjustment"}, "delta"),
    ({"delta": 10**12, "reason": "restock"}, "delta"),
    ({"delta": -(10**12), "reason": "damage"}, "delta"),
    ({"delta": 5}, "reason"),
    ({"delta": 5, "reason": "stolen"}, "reason"),
    ({"delta": -5, "reason": "sale"}, "reason"),
    ({"delta": -5, "reason": "restock"}, "delta"),
    ({"delta": 5, "reason": "restock", "note": "x" * 201}, "note"),
    ({"set_quantity": -1}, "set_quantity"),
    ({"set_quantity": "many"}, "set_quantity"),
    ({"delta": 1, "set_quantity": 1, "reason": "restock"}, "non_field_errors"),
    ({"reason": "restock"}, "non_field_errors"),
    ({"variant": "nope", "delta": 1, "reason": "restock"}, "variant"),
    ({"variant": None, "delta": 1, "reason": "restock"}, "variant"),
])
def test_bad_adjustments_are_refused_with_a_clear_message(manager_api, variant, stocked, body,
                                                          field):
    stocked(variant, 3)
    body = {"variant": variant.public_id, **body}
    response = manager_api.post(ADJUSTMENTS, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid" and error["message"]
    assert field in error.get("fields", {field: True})
    assert quantity_of(variant) == 3 and StockMovement.objects.count() == 1


def test_unknown_variant_message_is_translated(manager_api):
    response = manager_api.post(ADJUSTMENTS, {"variant": "nope", "delta": 1,
                                              "reason": "restock"}, format="json",
                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["fields"]["variant"] == ["没有这个规格。"]


def test_adjustments_list_is_the_ledger_newest_first(manager_api, variant, stocked,
                                                     django_assert_max_num_queries):
    stocked(variant, 5)
    services.adjust_stock(variant=variant, delta=-2, reason="damage", actor=manager_api.user)
    other = stocked(VariantFactory(), 9)
    for _index in range(10):
        services.adjust_stock(variant=VariantFactory(), delta=1, reason="restock")

    with django_assert_max_num_queries(4):
        rows = manager_api.get(ADJUSTMENTS, {"variant": variant.public_id}).json()["results"]
    assert [(row["delta"], row["quantity_after"], row["actor"]) for row in rows] == [
        (-2, 3, manager_api.user.username), (5, 5, None)]
    with django_assert_max_num_queries(4):
        assert manager_api.get(ADJUSTMENTS).json()["count"] == 13
    assert other


def test_the_schema_describes_the_stock_endpoints(api):
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    post = schema["paths"]["/api/v1/stock-adjustments/"]["post"]
    # 401/403: a token with the stock area is needed; 415: the body is JSON or a form.
    assert set(post["responses"]) == {"200", "201", "400", "401", "403", "409", "415"}
    assert "/api/v1/stock-levels/" in schema["paths"]

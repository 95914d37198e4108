"""The schema lists, for each error answer, the codes it may carry (an enum): those an operation
gives with ``refusals``, else those of its app and the apps below it, always with the generic
ones of the status."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from weishang.core.errors import declared_codes


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _resolve(schema, node):
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
        else:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def codes_of(schema, path, method, status) -> set[str]:
    answer = schema["paths"][path][method]["responses"][str(status)]
    body = _resolve(schema, answer["content"]["application/json"]["schema"])
    return set(_resolve(schema, body["properties"]["code"])["enum"])


def test_an_operation_lists_its_own_codes(schema):
    checkout = "/api/v1/checkout/"
    assert codes_of(schema, checkout, "post", 409) == {
        "conflict", "insufficient_stock", "shop_closed", "own_shop", "idempotency_key_reused",
        "too_many_unpaid_orders"}
    assert codes_of(schema, checkout, "post", 429) == {
        "too_many_checkouts", "too_many_requests", "throttled"}
    assert {"invalid", "parse_error", "quantity_limit"} <= codes_of(schema, checkout, "post", 400)
    assert codes_of(schema, "/api/v1/categories/{id}/", "delete", 409) == {
        "conflict", "category_has_children", "category_has_products"}
    assert "too_many_attempts" in codes_of(schema, "/api/v1/auth/token/", "post", 429)


def test_otherwise_the_codes_of_the_app_and_the_apps_below(schema):
    withdrawal = codes_of(schema, "/api/v1/withdrawals/{public_id}/", "get", 409)
    # commissions' own, the orders' below it (its services call them), core's
    assert {"insufficient_balance", "negative_balance", "invalid_transition", "orders_open",
            "insufficient_stock", "conflict"} <= withdrawal
    # customers and marketing are above commissions
    assert not {"customer_exists", "post_in_use"} & withdrawal
    # and independent of each other
    posts = codes_of(schema, "/api/v1/posts/", "post", 409)
    assert "post_in_use" in posts and "customer_exists" not in posts
    # a generic refusal every operation may answer, listed once for all
    assert codes_of(schema, "/api/v1/orders/", "get", 401) == {
        "not_authenticated", "authentication_failed"}


def test_every_error_answer_lists_declared_codes_of_its_status(schema):
    declared = {}
    for entry in declared_codes():
        declared.setdefault(entry.status, set()).add(entry.code)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in operation["responses"]:
                if int(status) < 400:
                    continue
                codes = codes_of(schema, path, method, status)
                assert codes and codes <= declared[int(status)], (method, path, status)

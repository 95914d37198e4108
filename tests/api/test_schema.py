"""The OpenAPI schema says what the API answers: each request below got an answer the schema did
not document (found by the fuzzer, tests/api/test_fuzz.py) — an error status, a null, a field
left out, a list instead of a page, an Excel file."""

import pytest

from tests.api.conftest import CONFORMS, token_headers

pytestmark = pytest.mark.django_db


def _cases(world):
    """(who, method, path, path parameters, query, body, the status it answers); a body is
    JSON but for the import, which reads a form."""
    owner, agent = world.owner, world.agent_a.user
    customer = {"public_id": world.customer.public_id}
    return [
        # Errors any operation may answer, documented once for all (weishang/api/schema.py).
        (None, "GET", "/api/v1/orders/", {}, {}, None, 401),
        (agent, "GET", "/api/v1/orders/", {}, {}, None, 403),
        (owner, "GET", "/api/v1/orders/", {}, {"page": "99"}, None, 404),
        (owner, "GET", "/api/v1/agents/", {}, {"page": "1100143"}, None, 404),
        (owner, "GET", "/api/v1/cloud-stock/", {}, {"q": "\x00"}, None, 400),
        # An error about a field inside a list: its messages come in the list's shape.
        (None, "POST", "/api/v1/checkout/", {}, {},
         {"shop_code": "x", "lines": [{"variant": "x", "quantity": 0}],
          "recipient": {"name": "张三"}}, 400),
        (owner, "POST", "/api/v1/customers/import/", {}, {}, {"dry_run": "true"}, 400),
        # Conflicts of the catalog.
        (owner, "DELETE", "/api/v1/categories/{id}/",
         {"id": world.category.parent.public_id}, {}, None, 409),
        # Answers the schema described wrongly.
        (owner, "GET", "/api/v1/categories/", {}, {}, None, 200),  # a top category's parent
        (None, "GET", "/api/v1/products/{id}/", {"id": world.product.public_id}, {}, None,
         200),  # no cost price for the public
        (owner, "GET", "/api/v1/orders/", {}, {}, None, 200),  # after_sales_until null
        (owner, "GET", "/api/v1/certificates/", {}, {}, None, 200),  # revoked_on null
        (owner, "GET", "/api/v1/segments/", {}, {}, None, 200),  # one object, not a page
        (owner, "GET", "/api/v1/agent-levels/", {}, {}, None, 200),  # a list, not a page
        (owner, "POST", "/api/v1/customers/{public_id}/export/", customer, {},
         {"file_format": "xlsx"}, 200),  # an Excel file
        (owner, "POST", "/api/v1/posts/{id}/images/order/", {"id": world.posts[0].public_id},
         {}, {"order": [world.image.public_id]}, 200),  # the pictures, not a page of them
    ]


def test_each_answer_is_the_one_the_schema_documents(api_schema, in_process, world):
    wrong = []
    for user, method, path, parameters, query, body, expected in _cases(world):
        operation = api_schema[path][method]
        media_type = "multipart/form-data" if path.endswith("import/") else "application/json"
        case = operation.Case(path_parameters=parameters, query=query,
                              **({"body": body, "media_type": media_type}
                                 if body is not None else {}))
        response = case.call(headers=token_headers(user))
        try:
            assert response.status_code == expected, response.text[:300]
            case.validate_response(response, checks=CONFORMS)
        except (AssertionError, BaseExceptionGroup) as failure:
            wrong.append(f"{method} {path} {query or ''}:\n{failure}")
    assert not wrong, "\n\n".join(wrong)

"""A JSON body nested deeper than Python's parser goes is a 400 like any unreadable body, on
every endpoint that reads JSON (a RecursionError, a 500, before)."""

import pytest

from tests.api_clients import english_client
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_is_refused_at_checkout():
    response = english_client().post("/api/v1/checkout/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error",
                               "message": "The JSON is nested too deeply to be read."}


def test_deeply_nested_json_is_refused_where_a_view_chose_its_parsers(owner):
    post = PostFactory()
    response = english_client(owner).post(f"/api/v1/posts/{post.public_id}/images/order/", DEEP,
                                          content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"

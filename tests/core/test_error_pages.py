"""Error pages of Weishang's own: the shop's look, the visitor's language, a link home; JSON
under /api/; the server-error page without the database."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def looks_like_the_shop(response) -> bool:
    text = response.text
    return ("weishang/weishang.css" in text and 'class="topbar"' in text
            and '<a class="btn" href="/">' in text)


def test_an_unknown_address_is_the_shops_page_in_the_visitors_language(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert looks_like_the_shop(response)
    assert "页面不存在" in response.text and "去店铺" in response.text
    english = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.text and "Go to the shop" in english.text
    traditional = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "頁面不存在" in traditional.text


def test_a_missing_object_in_the_console_is_the_same_page(owner_client):
    response = owner_client.get(reverse("catalog:product_detail", args=["0" * 32]),
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert looks_like_the_shop(response) and "Page not found" in response.text


def test_a_page_the_account_may_not_open(client):
    client.force_login(UserFactory(role="staff"))
    response = client.get(reverse("accounts:staff_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert looks_like_the_shop(response) and "Not for this account" in response.text


def test_a_form_sent_without_its_security_token(owner):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post(reverse("accounts:login"), {"username": "owner", "password": "x"})
    assert response.status_code == 403
    assert looks_like_the_shop(response) and "This form has expired" in response.text


def test_a_request_for_an_unknown_host(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert looks_like_the_shop(response)
    assert "This request could not be understood" in response.text


@pytest.mark.urls("tests.core.error_urls")
def test_the_server_error_page_needs_no_database(django_assert_max_num_queries):
    browser = Client(raise_request_exception=False)
    with django_assert_max_num_queries(0), \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", _database_down)
        response = browser.get("/broken/")
    assert response.status_code == 500
    assert looks_like_the_shop(response)
    assert "出错了" in response.text


@pytest.mark.urls("tests.core.error_urls")
def test_api_errors_stay_json(client):
    client.raise_request_exception = False
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "Not found."}
    broken = client.get("/api/v1/broken/")
    assert broken.status_code == 500 and broken.json()["code"] == "server_error"


def test_the_api_root_says_where_the_schema_and_docs_are(client):
    root = client.get("/api/v1/")
    assert root.status_code == 200
    assert root.json() == {"name": "Weishang API", "version": "1",
                           "schema": "http://testserver/api/v1/schema/",
                           "docs": "http://testserver/api/v1/docs/"}
    assert client.get(root.json()["schema"]).status_code == 200


def _database_down(*args, **kwargs):
    raise OperationalError("connection refused")

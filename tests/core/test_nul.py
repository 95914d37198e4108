"""NUL anywhere in a request is refused before the database sees it: PostgreSQL cannot store or
compare it, and answered 500 (``DataError``) on each of these. Run them on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/weishang pytest tests/core/test_nul.py
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api_clients import english_client

pytestmark = pytest.mark.django_db
NUL_REFUSED = "The request holds a NUL character, which is never valid text."


@pytest.fixture
def variant(stocked):
    return stocked(5)


@pytest.mark.parametrize("path", ["/t/%00", "/verify/%00", "/s/%00/", "/orders/%00/",
                                  "/s/{shop}/p/%00/", "/api/v1/products/%00/"])
def test_nul_in_a_path_is_not_found(client, owner_client, shop, path):
    response = owner_client.get(path.format(shop=shop.code), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404


def test_nul_in_an_api_path_is_a_json_404(owner, shop):
    response = english_client(owner).get("/api/v1/products/%00/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", ["/s/{shop}/?q=%00", "/s/{shop}/?q=a%00b",
                                 "/orders/lookup/?phone=%00&number=1",
                                 "/console/orders/?q=%00", "/console/customers/?q=%00"])
def test_nul_in_a_query_string_is_a_bad_request(owner_client, shop, url):
    response = owner_client.get(url.format(shop=shop.code), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/products/?search=%00", "/api/v1/posts/?q=%00",
                                 "/api/v1/customers/?q=%00", "/api/v1/orders/?search=%00"])
def test_nul_in_an_api_query_string_is_a_json_400(owner, url):
    response = english_client(owner).get(url)
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": NUL_REFUSED}


def test_nul_in_a_posted_form_field_is_a_bad_request(client, shop, variant):
    response = client.post(reverse("storefront:cart_add", args=[shop.code]),
                           {"variant": "\x00", "quantity": 1, "product": "\x00"})
    assert response.status_code == 400
    assert client.session.get("cart") in (None, [])


def test_nul_in_a_console_form_is_a_bad_request(owner_client):
    response = owner_client.post(reverse("marketing:plan_add"),
                                 {"post": "\x00", "channel": "\x00", "planned_at": "\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("payload", [
    {"shop_code": "\x00", "lines": [], "recipient": {}},
    {"lines": [{"variant": "abc\x00", "quantity": 1}]},
])
def test_nul_in_a_json_body_is_a_json_400(shop, payload):
    response = english_client().post("/api/v1/checkout/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_escaped_backslash_before_u0000_is_text_not_nul(shop):
    response = english_client().post(
        "/api/v1/checkout/", data=b'{"shop_code": "\\\\u0000"}', content_type="application/json")
    assert response.status_code == 400
    assert "NUL" not in response.json()["message"]


def test_nul_in_a_multipart_field_or_a_file_name_is_a_bad_request(owner):
    api = english_client(owner)
    upload = SimpleUploadedFile("客户.xlsx", b"PK\x03\x04")
    assert api.post("/api/v1/customers/import/", {"file": upload, "dry_run": "\x00"},
                    format="multipart").status_code == 400
    named = SimpleUploadedFile("客户\x00.xlsx", b"PK\x03\x04")
    assert api.post("/api/v1/customers/import/", {"file": named},
                    format="multipart").status_code == 400


def test_nul_in_a_header_or_cookie_is_a_bad_request(client, shop):
    assert client.get(f"/s/{shop.code}/", HTTP_X_REQUESTED_WITH="\x00").status_code == 400
    cookie = "sessionid=" + "a" * 31 + "\x00"
    assert client.get(f"/s/{shop.code}/", HTTP_COOKIE=cookie).status_code == 400


def test_binary_uploads_still_work(owner, english):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "手机"])
    workbook.active.append(["张三", "13812345678"])
    content = io.BytesIO()
    workbook.save(content)
    assert b"\x00" in content.getvalue()
    response = english_client(owner).post(
        "/api/v1/customers/import/",
        {"file": SimpleUploadedFile("客户.xlsx", content.getvalue()), "dry_run": True},
        format="multipart")
    assert response.status_code == 200

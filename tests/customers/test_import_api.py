"""REST API of the customer import (preview and apply) and export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api_clients import english_client
from tests.factories import UserFactory
from weishang.core import spreadsheets
from weishang.customers.models import AccessLog, Customer

pytestmark = pytest.mark.django_db
IMPORT_URL = "/api/v1/customers/import/"
EXPORT_URL = "/api/v1/customers/export.xlsx"


def gbk_csv(*rows) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in (("姓名", "手机", "标签"), *rows))
    return SimpleUploadedFile("客户.csv", text.encode("gbk"))


GOOD = ("张三", "13812345678", "VIP")
BAD = ("李四", "12345", "")


def test_dry_run_previews_without_writing(owner):
    response = english_client(owner).post(
        IMPORT_URL, {"file": gbk_csv(GOOD, BAD), "dry_run": True}, format="multipart")
    assert response.status_code == 200
    assert response.json() == {
        "applied": False, "rows": 2, "new": 1, "merged": 0, "error_count": 1,
        "error_rows": [{"row": 3, "name": "李四", "phone": "12345", "errors": [
            "“12345” is not a mainland China mobile number of 11 digits."]}]}
    assert not Customer.objects.exists()


def test_wrong_rows_refuse_the_import_with_the_report(owner):
    response = english_client(owner).post(IMPORT_URL, {"file": gbk_csv(GOOD, BAD)},
                                           format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert body["message"].startswith("1 row is wrong; nothing was imported.")
    assert body["report"]["error_rows"][0]["row"] == 3
    assert not Customer.objects.exists()


def test_import_with_skip_bad_rows_then_again_merges(owner):
    client = english_client(owner)
    first = client.post(IMPORT_URL, {"file": gbk_csv(GOOD, BAD), "skip_bad_rows": True},
                        format="multipart")
    assert first.status_code == 200
    assert (first.json()["applied"], first.json()["new"]) == (True, 1)
    again = client.post(IMPORT_URL, {"file": gbk_csv(GOOD)}, format="multipart")
    assert (again.json()["new"], again.json()["merged"]) == (0, 1)
    assert Customer.objects.count() == 1


def test_an_unreadable_file_is_a_field_error(owner):
    response = english_client(owner).post(
        IMPORT_URL, {"file": SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0" + bytes(100))},
        format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"] == {"file": [
        "This is an old Excel file (.xls): open it in Excel or WPS and save it as .xlsx or "
        "CSV."]}


def test_a_missing_file_is_a_field_error(owner):
    response = english_client(owner).post(IMPORT_URL, {"dry_run": True}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


@pytest.mark.parametrize("method", ["import", "export"])
def test_the_customers_area_is_needed(method):
    client = english_client(UserFactory(role="staff", areas=["orders"]))
    response = (client.post(IMPORT_URL, {"file": gbk_csv(GOOD)}, format="multipart")
                if method == "import" else client.get(EXPORT_URL))
    assert response.status_code == 403
    assert english_client().get(EXPORT_URL).status_code in (401, 403)


def test_export_downloads_the_filtered_list_and_logs_it(owner, add_customer,
                                                        django_assert_max_num_queries):
    for number in range(20):
        add_customer(name=f"客户{number}", phone=f"1380000{number:04d}",
                     tags="VIP" if number % 2 else "")
    with django_assert_max_num_queries(12):
        response = english_client(owner).get(EXPORT_URL, {"tag": "VIP"})
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 11
    assert AccessLog.objects.get().detail == "10 · tag=VIP"


def test_export_refuses_a_wrong_filter(owner):
    response = english_client(owner).get(EXPORT_URL, {"last_order_from": "yesterday"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["last_order_from"]

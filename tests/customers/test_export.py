"""Excel export of the customer list: the columns the import reads, the list's filters, the
access log, and reading it back."""

import io
from datetime import date

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from weishang.core import spreadsheets
from weishang.core.errors import NotPermitted
from weishang.customers.imports import services as imports
from weishang.customers.models import AccessLog, Customer

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def download(client, **params) -> list[tuple]:
    response = client.get(reverse("customers:export_xlsx"), params,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return sheet_rows(b"".join(response.streaming_content))


@pytest.fixture
def customers(add_customer):
    zhang = add_customer(name="张三", phone="13812345678", wechat_id="zs_wx", gender="m",
                         birthday=date(1990, 5, 1), province="广东省", city="深圳市",
                         district="南山区", tags="VIP 宝妈", source_channel="shop")
    li = add_customer(name="李四", phone="13900001111", tags="老客户")
    return zhang, li


def test_export_has_one_row_per_customer_with_full_details(owner_client, customers, owner):
    header, *rows = download(owner_client)
    assert header == tuple(column.header for column in imports.EXPORT_COLUMNS)
    by_phone = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    zhang = by_phone["13812345678"]
    assert (zhang["姓名"], zhang["微信"], zhang["性别"], zhang["省"], zhang["区"]) == (
        "张三", "zs_wx", "男", "广东省", "南山区")
    assert zhang["生日"].date() == date(1990, 5, 1)
    assert set(zhang["标签"].split("、")) == {"VIP", "宝妈"}
    assert zhang["来源"] == "Shop link"
    assert zhang["订单数"] == 0 and zhang["累计消费"] == 0
    assert set(by_phone) == {"13812345678", "13900001111"}


def test_every_export_is_in_the_access_log(owner_client, customers, owner):
    download(owner_client, tag="老客户")
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.action, entry.customer) == (owner, "export_list", None)
    assert entry.detail == "1 · tag=老客户"


def test_the_export_follows_the_lists_search_and_filters(owner_client, customers):
    assert [row[0] for row in download(owner_client, q="zs")[1:]] == ["张三"]
    assert [row[0] for row in download(owner_client, tag="老客户")[1:]] == ["李四"]
    assert len(download(owner_client, channel="shop")) == 2


def test_a_wrong_filter_is_a_message_not_a_file(owner_client, customers):
    response = owner_client.get(reverse("customers:export_xlsx"), {"spent_min": "lots"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == reverse("customers:list")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Spent at least: Enter a number."]
    assert not AccessLog.objects.exists()


def test_an_export_imports_back_as_the_same_customers(owner_client, customers, owner,
                                                      english):
    Customer.objects.filter(phone="13812345678").update(wechat_id="")
    workbook = openpyxl.Workbook()
    for row in download(owner_client):
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    report = imports.check_file(SimpleUploadedFile("客户.xlsx", output.getvalue()), actor=owner)
    assert (report.new, report.merged, report.error_count) == (0, 2, 0)


def test_only_users_with_the_customers_area_may_export(client, customers):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(reverse("customers:export_xlsx")).status_code == 403
    client.logout()
    assert client.get(reverse("customers:export_xlsx")).status_code == 302


def test_erased_customers_are_left_out(owner_client, customers, owner):
    from weishang.customers import services

    services.erase_customer(owner, customers[1])
    assert [row[0] for row in download(owner_client)[1:]] == ["张三"]


def test_export_reads_a_fixed_number_of_queries(owner_client, add_customer,
                                                django_assert_max_num_queries):
    for number in range(30):
        add_customer(name=f"客户{number}", phone=f"1380000{number:04d}", tags="VIP")
    with django_assert_max_num_queries(12):
        rows = download(owner_client)
    assert len(rows) == 31


def test_a_stored_control_character_or_formula_never_breaks_the_export(owner_client,
                                                                        customers):
    zhang, li = customers
    Customer.objects.filter(pk=zhang.pk).update(name="控制\x01字符\x1b")
    Customer.objects.filter(pk=li.pk).update(name='=HYPERLINK("http://ev.il","x")',
                                             wechat_id="@SUM(1+1)")
    rows = {row[1]: row for row in download(owner_client)[1:]}
    assert rows["13812345678"][0] == "控制字符"
    assert rows["13900001111"][0] == '=HYPERLINK("http://ev.il","x")'
    assert rows["13900001111"][2] == "@SUM(1+1)"


def test_the_exported_formula_is_a_text_cell(owner_client, customers):
    Customer.objects.filter(pk=customers[1].pk).update(name="=cmd|' /C calc'!A0")
    response = owner_client.get(reverse("customers:export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[1].value == "13900001111")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)


def test_only_customer_managers_export_the_list(customers):
    """An agent's console and API cannot reach the export; the service refuses it too."""
    with pytest.raises(NotPermitted):
        imports.export_customers(Customer.objects.all(), actor=UserFactory(role="agent"))
    assert not AccessLog.objects.exists()

"""Customer import from Excel and CSV: header mapping, encodings, per-row errors, merging."""

import codecs
import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import ChannelFactory, UserFactory
from tests.sheets import with_dimension
from weishang.core import spreadsheets
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.customers.imports import reports, rows
from weishang.customers.imports import services as imports
from weishang.customers.models import Customer, CustomerAddress, CustomerNote

pytestmark = pytest.mark.django_db


def xlsx_file(rows, name="客户.xlsx") -> SimpleUploadedFile:
    """An .xlsx whose first sheet holds ``rows`` (the first one being the header)."""
    workbook = openpyxl.Workbook()
    for line in rows:
        workbook.active.append(list(line))
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_file(rows, encoding="utf-8", name="客户.csv", delimiter=",") -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


HEADER = ["姓名", "手机号码", "微信号", "性别", "生日", "省份", "城市", "区县", "详细地址", "标签",
          "备注", "来源"]


def run(upload, owner, **kwargs):
    return imports.import_file(upload, actor=owner, **kwargs)


def test_gbk_csv_with_chinese_headers_imports_every_field(owner, english):
    ChannelFactory(code="wechat_moments", name="朋友圈")
    upload = csv_file([
        HEADER,
        ["张三", "138 1234 5678", "zhangsan_88", "男", "1990/5/1", "广东", "深圳", "南山区",
         "科技园南区8栋", "VIP，宝妈", "爱喝茶", "朋友圈"],
        ["李四", "+86 139-0000-1111", "", "女", "1985年12月3日", "", "", "",
         "上海市浦东新区世纪大道100号", "老客户", "", ""],
    ], encoding="gbk")

    report = run(upload, owner)

    assert (report.rows, report.new, report.merged, report.error_count) == (2, 2, 0, 0)
    zhang = Customer.objects.get(phone="13812345678")
    assert (zhang.name, zhang.wechat_id, zhang.gender, zhang.birthday) == (
        "张三", "zhangsan_88", "m", date(1990, 5, 1))
    assert (zhang.province, zhang.city, zhang.district) == ("广东省", "深圳市", "南山区")
    assert zhang.source_channel == "wechat_moments"
    assert zhang.seller == owner
    assert zhang.name_initials == "zs" and zhang.phone_last4 == "5678"
    assert zhang.birthday_md == "05-01"
    assert sorted(tag.name for tag in zhang.tags.all()) == ["VIP", "宝妈"]
    assert str(zhang.addresses.get()) == "广东省深圳市南山区科技园南区8栋"
    assert zhang.addresses.get().is_default
    note = CustomerNote.objects.get(customer=zhang)
    assert (note.text, note.author) == ("爱喝茶", owner)
    li = Customer.objects.get(phone="13900001111")
    assert (li.gender, li.birthday) == ("f", date(1985, 12, 3))
    assert (li.province, li.city, li.district) == ("上海市", "上海市", "浦东新区")
    assert li.addresses.get().street == "世纪大道100号"
    assert li.source_channel == "import"


def test_xlsx_with_chinese_headers_a_title_line_and_excel_cells(owner, english):
    upload = xlsx_file([
        ["2026年客户名单"],
        ["客户姓名", " 手机（必填） ", "出生日期", "性别", "省", "市", "区", "地址"],
        ["王五", 13700001234, datetime(1992, 3, 4), "F", "浙江省", "杭州市", "西湖区", "文三路1号"],
        [None, None, None, None, None, None, None, None],
        ["赵六", "13700005678", 33000, "", "", "", "", ""],
    ])

    report = run(upload, owner)

    assert (report.new, report.error_count) == (2, 0)
    wang = Customer.objects.get(phone="13700001234")
    assert (wang.birthday, wang.gender, wang.city) == (date(1992, 3, 4), "f", "杭州市")
    assert wang.addresses.get().street == "文三路1号"
    # Excel keeps dates as day numbers when a cell is not formatted as a date.
    assert Customer.objects.get(phone="13700005678").birthday == date(1990, 5, 7)


def test_a_shop_export_with_one_region_column(owner, english):
    """WeChat shops and many spreadsheets put 省 市 区 in one 所在地区 column."""
    upload = xlsx_file([
        ["序号", "收货人", "联系电话", "所在地区", "详细地址"],
        [1, "陈静", "136 9876 5432", "浙江省 杭州市 西湖区", "文三路90号"],
        [2, "刘洋", "18611112222", "北京/北京/朝阳", "望京街道阜通东大街6号院"],
    ])

    assert run(upload, owner).new == 2
    chen = Customer.objects.get(phone="13698765432")
    assert (chen.province, chen.city, chen.district) == ("浙江省", "杭州市", "西湖区")
    assert chen.addresses.get().street == "文三路90号"
    assert Customer.objects.get(phone="18611112222").district == "朝阳区"


def test_english_headers_in_any_case_and_utf8_with_bom(owner, english):
    upload = csv_file([["Name", "MOBILE", "WeChat ID", "Tags"],
                       ["Tom Lee", "13812340000", "tomlee", "vip retail"]], encoding="utf-8-sig")
    report = run(upload, owner)
    assert report.new == 1
    tom = Customer.objects.get()
    assert (tom.name, tom.wechat_id) == ("Tom Lee", "tomlee")
    assert sorted(tag.name for tag in tom.tags.all()) == ["retail", "vip"]


def test_tab_separated_text_is_read_too(owner, english):
    upload = csv_file([["姓名", "手机"], ["张三", "13812345678"]], delimiter="\t")
    assert run(upload, owner).new == 1


BAD_ROWS = [
    ["张三", "13812345678", "", ""],
    ["", "13812345679", "", ""],                       # row 3: no name
    ["李四", "1381234", "", ""],                        # row 4: bad phone
    ["王五", "13812345678", "", ""],                    # row 5: same phone as row 2
    ["赵六", "", "", ""],                               # row 6: no phone
    ["钱七", "13812345680", "不详", "1990-02-30"],        # row 7: gender and date
]


def bad_file():
    return xlsx_file([["姓名", "手机", "性别", "生日"], *BAD_ROWS])


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row(owner, english):
    with pytest.raises(reports.ImportRefused) as refused:
        run(bad_file(), owner)

    report = refused.value.report
    assert Customer.objects.count() == 0
    assert refused.value.code == "invalid_rows"
    assert str(refused.value.message).startswith("5 rows are wrong; nothing was imported.")
    errors = {row.row: row.errors for row in report.error_rows}
    assert errors == {
        3: ["Enter the name."],
        4: ["“1381234” is not a mainland China mobile number of 11 digits."],
        5: ["Row 2 has the same mobile number."],
        6: ["Enter the mobile number: customers are matched by it."],
        7: ["Write the gender as 男 or 女 (or M / F), not “不详”.",
            "“1990-02-30” is not a date; write it like 1990-05-01."],
    }
    assert (report.new, report.error_count) == (1, 5)


def test_skipping_bad_rows_imports_the_good_ones(owner, english):
    report = run(bad_file(), owner, skip_bad_rows=True)
    assert report.applied and (report.new, report.skipped) == (1, 5)
    assert list(Customer.objects.values_list("name", flat=True)) == ["张三"]


def test_preview_counts_and_writes_nothing(owner, add_customer, english):
    add_customer(name="张三", phone="13812345678")
    report = imports.check_file(bad_file(), actor=owner)
    assert (report.rows, report.new, report.merged, report.error_count) == (6, 0, 1, 5)
    assert not report.applied
    assert Customer.objects.count() == 1


def test_reimport_merges_instead_of_duplicating(owner, english):
    rows = [["姓名", "手机", "标签", "地址", "备注"],
            ["张三", "13812345678", "VIP", "广东省深圳市南山区科技园8栋", "爱喝茶"]]
    run(xlsx_file(rows), owner)
    again = run(xlsx_file(rows), owner)

    assert (again.new, again.merged) == (0, 1)
    customer = Customer.objects.get()
    assert customer.addresses.count() == 1
    assert customer.notes.count() == 1
    assert [tag.name for tag in customer.tags.all()] == ["VIP"]


def test_merge_fills_blanks_adds_tags_and_keeps_the_seller_and_what_was_there(
        owner, add_customer, english):
    customer = add_customer(name="张三", phone="13812345678", tags="老客户")
    staff = UserFactory(role="staff", areas=["customers"])
    run(csv_file([["姓名", "手机", "微信", "生日", "省", "市", "标签"],
                  ["张小三", "13812345678", "New_WX", "1990-05-01", "广东", "深圳", "VIP"]]),
        staff)

    customer.refresh_from_db()
    assert customer.seller == owner
    assert (customer.name, customer.wechat_id, customer.wechat_key) == ("张三", "New_WX",
                                                                        "new_wx")
    assert (customer.birthday, customer.birthday_md) == (date(1990, 5, 1), "05-01")
    assert (customer.province, customer.city) == ("广东省", "深圳市")
    assert sorted(tag.name for tag in customer.tags.all()) == ["VIP", "老客户"]


def test_a_new_address_of_a_known_customer_is_added_but_not_as_default(owner, english):
    for address in ("广东省深圳市南山区科技园8栋", "北京市朝阳区建国路1号"):
        run(csv_file([["姓名", "手机", "地址"], ["张三", "13812345678", address]]), owner)
    addresses = CustomerAddress.objects.order_by("id")
    assert [(a.city, a.is_default) for a in addresses] == [("深圳市", True), ("北京市", False)]


def test_an_agents_import_makes_their_own_records_beside_other_sellers(owner, add_customer,
                                                                      english):
    """The owner's customer 张三 is untouched and unnamed to the agent: the agent's row makes
    the agent's own record of the same number, as an order in their shop would."""
    owners = add_customer(name="张三", phone="13812345678", wechat_id="zs_owner")
    agent = UserFactory(role="agent")
    report = run(csv_file([["姓名", "手机", "微信"], ["张三丰", "13812345678", "zsf"],
                           ["李四", "13812345679", ""]]), agent)
    assert (report.new, report.merged, report.error_count) == (2, 0, 0)
    mine = Customer.objects.get(seller=agent, phone="13812345678")
    assert (mine.name, mine.wechat_id) == ("张三丰", "zsf")
    owners.refresh_from_db()
    assert (owners.name, owners.wechat_id, owners.seller) == ("张三", "zs_owner", owner)
    report = run(csv_file([["姓名", "手机", "微信"], ["张三丰", "13812345678", "other"]]), agent)
    assert (report.new, report.merged) == (0, 1)


@pytest.mark.parametrize(("cells", "message"), [
    (["张三", "13812345678", "广东", "不存在市", ""],
     "“广东 不存在市” is not a province, city and district we know."),
    (["张三", "13812345678", "", "", "科技园8栋"],
     "The address needs its province and city: fill in the 省 and 市 columns or write the "
     "whole address."),
    (["张三110101199003071234", "13812345678", "", "", ""],
     "Do not store ID card numbers: remove the number and save again."),
    (["张" * 31, "13812345678", "", "", ""], "name: at most 30 characters."),
], ids=["unknown-region", "street-without-city", "id-number", "long-name"])
def test_row_rules(owner, english, cells, message):
    upload = csv_file([["姓名", "手机", "省", "市", "地址"], cells])
    report = imports.check_file(upload, actor=owner)
    assert report.error_rows[0].errors == [message]


def test_an_unknown_source_is_a_row_error_and_known_names_map(owner, english):
    ChannelFactory(code="weibo", name="微博")
    upload = csv_file([["姓名", "手机", "渠道"], ["甲", "13800000001", "微博"],
                       ["乙", "13800000002", "店铺"], ["丙", "13800000003", "地推"]])
    report = imports.check_file(upload, actor=owner)
    assert [row.row for row in report.error_rows] == [4]
    assert report.error_rows[0].errors == [
        "“地推” is not a channel we know; use a channel's name, or leave it empty."]
    run(upload, owner, skip_bad_rows=True)
    assert dict(Customer.objects.values_list("name", "source_channel")) == {
        "甲": "weibo", "乙": "shop"}


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
     "This is an old Excel file (.xls): open it in Excel or WPS and save it as .xlsx or CSV."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This file cannot be read: upload an Excel file "
                                            "(.xlsx) or a CSV file."),
    (b"PK\x03\x04 not really a zip", "This file cannot be read: upload an Excel file (.xlsx) "
                                     "or a CSV file."),
    ("客户,电话号\n张三,138".encode(), "No header row found: the first sheet needs a name column "
                                     "(姓名) and a mobile number column (手机)."),
    ("姓名,手机\n,\n".encode(), "The file has no customers in it."),
    # Neither UTF-8 nor GB18030: its first line did not decode (a 500, found by the fuzzer).
    (b"B\x8e", "This file cannot be read: upload an Excel file (.xlsx) or a CSV file."),
], ids=["empty", "xls", "png", "fake-zip", "no-header", "no-rows", "undecodable-first-line"])
def test_unreadable_files_are_refused_with_a_message(owner, english, content, message):
    with pytest.raises(InvalidInput) as refused:
        imports.check_file(SimpleUploadedFile("x.csv", content), actor=owner)
    assert refused.value.field == "file"
    assert str(refused.value.message) == message


def test_limits_on_size_and_rows(owner, english, monkeypatch):
    monkeypatch.setattr(rows, "MAX_ROWS", 2)
    upload = csv_file([["姓名", "手机"]] + [["甲", f"1380000000{n}"] for n in range(3)])
    with pytest.raises(InvalidInput, match="more than 2 customers"):
        run(upload, owner)
    monkeypatch.setattr(rows, "MAX_FILE_BYTES", 10)
    with pytest.raises(InvalidInput, match="larger than 0 MB"):
        run(csv_file([["姓名", "手机"], ["甲", "13800000001"]]), owner)
    assert Customer.objects.count() == 0


def test_rows_are_read_in_batches(owner, english, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    rows = [["姓名", "手机", "标签"]] + [[f"客户{n}", f"1380000000{n}", "VIP"] for n in range(5)]
    rows.append(["重复", "13800000001", ""])
    report = run(csv_file(rows), owner, skip_bad_rows=True)
    assert (report.new, report.error_count) == (5, 1)
    assert report.error_rows[0].errors == ["Row 3 has the same mobile number."]
    assert Customer.objects.filter(tags__name="VIP").count() == 5


def test_a_number_taken_meanwhile_refuses_the_whole_import(owner, english, monkeypatch):
    original = imports._Importer._existing

    def someone_adds_the_number_first(self, rows):
        found = original(self, rows)
        Customer.objects.create(seller=owner, name="抢先", phone="13812345678")
        return found

    monkeypatch.setattr(imports._Importer, "_existing", someone_adds_the_number_first)
    with pytest.raises(Conflict):
        run(csv_file([["姓名", "手机"], ["张三", "13812345678"]]), owner)
    assert not Customer.objects.filter(name="张三").exists()


@pytest.mark.parametrize("header", ["手机", "手机号", "手机号码", "电话", "Mobile", "phone",
                                    "ＰＨＯＮＥ", "手机 号码", "mobile_number"])
def test_phone_header_spellings(header):
    assert spreadsheets.header_key(header) in rows.HEADERS["phone"]


def test_gbk_detection_does_not_take_utf8_for_gbk():
    gbk = codecs.encode("姓名,手机\n张三,13812345678\n", "gbk")
    assert spreadsheets.text_encoding(io.BytesIO(gbk), gbk) == "gb18030"
    utf8 = "姓名,手机\n张三,13812345678\n".encode()
    assert spreadsheets.text_encoding(io.BytesIO(utf8), utf8) == "utf-8"


# --- console pages --------------------------------------------------------------------------


@pytest.fixture
def staged(settings, tmp_path):
    """The folder where uploads wait for their import (one per test)."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "customer-imports"


def upload_page(client, upload):
    return client.post(reverse("customers:import_upload"), {"file": upload},
                       HTTP_ACCEPT_LANGUAGE="en")


def apply(client, response, **extra):
    return client.post(reverse("customers:import_apply"),
                       {"token": response.context["token"], **extra},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_upload_page_lists_the_columns_read(owner_client):
    response = owner_client.get(reverse("customers:import_upload"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-column="phone"' in page and "手机号码" in page
    assert reverse("customers:export_xlsx") in page


def test_preview_then_import_through_the_pages(owner_client, owner, staged):
    preview = upload_page(owner_client, csv_file([["姓名", "手机"], ["张三", "13812345678"]],
                                                 encoding="gbk"))
    assert preview.status_code == 200
    assert b'data-stat="new">1<' in preview.content
    assert b"Import 1 customer" in preview.content
    assert not Customer.objects.exists()

    done = apply(owner_client, preview)
    assert done.status_code == 302 and done.url == reverse("customers:list")
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "Imported. New customers: 1 · merged: 0 · rows skipped: 0."]
    assert Customer.objects.get().seller == owner
    # The staged file is gone with the preview: the same token cannot import twice.
    again = apply(owner_client, preview)
    assert again.url == reverse("customers:import_upload")
    assert not list(staged.iterdir())


def test_preview_lists_each_wrong_row_and_offers_to_skip_them(owner_client):
    preview = upload_page(owner_client, bad_file())
    page = preview.content.decode()
    assert 'data-stat="errors" class="text-danger">5<' in page
    for row in (3, 4, 5, 6, 7):
        assert f'data-row="{row}"' in page
    assert "Row 2 has the same mobile number." in page
    assert 'name="skip_bad_rows" value="on"' in page

    refused = apply(owner_client, preview)  # without the choice to skip
    assert refused.status_code == 409
    assert not Customer.objects.exists()
    done = apply(owner_client, refused, skip_bad_rows="on")
    assert done.status_code == 302
    assert Customer.objects.count() == 1


def test_an_unreadable_upload_stays_on_the_form_with_its_message(owner_client, staged):
    response = upload_page(owner_client, SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0"))
    assert response.status_code == 400
    assert "This is an old Excel file (.xls)" in response.content.decode()
    assert not list(staged.iterdir())


def test_an_unknown_token_imports_nothing(owner_client):
    response = owner_client.post(reverse("customers:import_apply"), {"token": "guess"},
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.url == reverse("customers:import_upload")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This preview is no longer valid; upload the file again."]


def test_import_pages_need_the_customers_area(client):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(reverse("customers:import_upload")).status_code == 403
    assert client.post(reverse("customers:import_apply")).status_code == 403


@given(cells=st.dictionaries(st.sampled_from(sorted(rows.HEADERS)),
                             st.one_of(st.text(max_size=60), st.integers(), st.floats(),
                                       st.dates(), st.none())))
@hypothesis_settings(max_examples=200, deadline=None)
def test_any_cell_values_give_a_row_or_its_errors_never_a_crash(cells):
    with translation.override("en"):
        row = rows.parse_row(spreadsheets.sheet_row(2, cells), {}, date(2026, 5, 1))
    assert row.errors or (row.name and len(row.phone) == 11)


def test_a_known_region_is_not_mixed_with_another(owner, add_customer, english):
    customer = add_customer(name="张三", phone="13812345678", province="广东省", city="深圳市")
    upload = csv_file([["姓名", "手机", "省", "市", "区"],
                       ["张三", "13812345678", "浙江", "杭州", "西湖区"]])
    run(upload, owner)
    customer.refresh_from_db()
    assert (customer.province, customer.city, customer.district) == ("广东省", "深圳市", "")


@pytest.mark.parametrize("tags", ["宝妈|老客户", "宝妈/老客户", "宝妈；老客户", "宝妈;老客户",
                                  "宝妈，老客户", "宝妈,老客户", "宝妈、老客户", "宝妈 老客户",
                                  "宝妈 | 老客户", "宝妈｜老客户"])
def test_tags_in_one_cell_are_split_on_every_usual_separator(owner, english, tags):
    run(csv_file([["姓名", "手机", "标签"], ["张三", "13812345678", tags]]), owner)
    customer = Customer.objects.get(phone="13812345678")
    assert sorted(customer.tags.values_list("name", flat=True)) == ["宝妈", "老客户"]


def test_the_upload_page_says_how_tags_are_separated(owner_client):
    page = owner_client.get(reverse("customers:import_upload"),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Several tags in one cell are separated by any of , ， 、 ; ； | / or spaces" in page


def test_a_stale_dimension_does_not_hide_rows(owner, english):
    rows = [["姓名", "手机"]] + [[f"客户{n}", f"1380000000{n}"] for n in range(6)]
    upload = xlsx_file(rows)
    upload = SimpleUploadedFile("客户.xlsx", with_dimension(upload.read(), "A1:B2"))
    report = run(upload, owner)
    assert (report.rows, report.new) == (6, 6)
    assert Customer.objects.count() == 6


@pytest.mark.parametrize(("cells", "message"), [
    (["张\x01三", "13812345678", "", ""],
     "姓名: Remove the hidden character U+0001 (character 2): it does not show, and breaks "
     "lists and files."),
    (["张三", "13812345678", "科技园\x7f8栋", ""],
     "地址: Remove the hidden character U+007F (character 4): it does not show, and breaks "
     "lists and files."),
    (["\u200b\u200d", "13812345678", "", ""],
     "姓名: This has only invisible characters: type something visible, or leave it empty."),
    (["张三", "13812345678", "", "ㅤ"],
     "备注: This has only invisible characters: type something visible, or leave it empty."),
], ids=["control-in-name", "del-in-street", "zero-width-name", "hangul-filler-note"])
def test_hidden_characters_in_a_cell_are_a_row_error(owner, english, cells, message):
    report = imports.check_file(csv_file([["姓名", "手机", "地址", "备注"], cells]), actor=owner)
    assert message in report.error_rows[0].errors


def test_a_direction_override_in_an_xlsx_cell_is_a_row_error(owner, english):
    report = imports.check_file(xlsx_file([["姓名", "手机"], ["张\u202e三", "13812345678"]]),
                                actor=owner)
    assert report.error_rows[0].errors[0].startswith(
        "姓名: Remove the hidden character U+202E (character 2)")


def test_the_import_refuses_who_may_not_manage_customers(owner):
    """Customer managers and agents import; the service refuses anyone else by itself."""
    staff = UserFactory(role="staff", areas=["catalog"])
    upload = csv_file([["姓名", "手机"], ["张三", "13812345678"]])
    for service in (imports.check_file, imports.import_file):
        with pytest.raises(NotPermitted):
            service(upload, actor=staff)
    assert not Customer.objects.exists()

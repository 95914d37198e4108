"""Bulk shipping with Excel: the export couriers read, and the import that ships all or nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory
from tests.sheets import with_dimension
from weishang.core import spreadsheets
from weishang.core.errors import InvalidInput
from weishang.orders import services
from weishang.orders.bulk import files, queries
from weishang.orders.bulk import services as shipping
from weishang.orders.models import Order, OrderEvent, OrderState
from weishang.orders.services import CartLine

SF_NUMBER = "SF1234567890123"
ZTO_NUMBER = "75123456789012"
HEADER = ["订单号", "快递公司", "快递单号"]


def xlsx_bytes(rows, header=HEADER, before=()) -> bytes:
    """An .xlsx whose first sheet has the ``before`` lines, the header, then ``rows``."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (*before, header, *rows):
        sheet.append(list(line))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name="发货.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=spreadsheets.XLSX_CONTENT_TYPE)


def xlsx(rows, **kwargs) -> SimpleUploadedFile:
    return upload(xlsx_bytes(rows, **kwargs))


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); pages get it from Accept-Language."""
    with translation.override("en"):
        yield


@pytest.fixture
def paid_order(place, stocked, owner):
    """paid_order(**place kwargs): a new paid order of one T-shirt (200 g)."""

    def make(quantity=1, **kwargs):
        variant = stocked(10, price="25.00")
        variant.weight_grams = 200
        variant.save()
        order = place(variant, quantity=quantity, **kwargs)
        return services.confirm_payment(order, actor=owner, reference="微信转账")

    return make


def shipped_orders():
    return Order.objects.filter(state=OrderState.SHIPPED)


# --- export ---------------------------------------------------------------------------------


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_export_has_the_courier_columns_and_one_row_per_paid_order(
        paid_order, place, stocked, owner):
    shirt = stocked(10, title="纯棉T恤", spec="红 / M")
    shirt.weight_grams = 250
    shirt.save()
    socks = stocked(10, title="袜子")
    socks.weight_grams = 50
    socks.save()
    two_items = services.confirm_payment(
        place([CartLine(shirt.public_id, 2), CartLine(socks.public_id, 3)]), actor=owner)
    place(stocked(5))  # awaiting payment: not exported
    services.ship_order(paid_order(), actor=owner, carrier="SF", tracking_number=SF_NUMBER)

    sheet = sheet_of(files.export_workbook(queries.orders_to_ship()))

    header = [cell.value for cell in sheet[1]]
    assert header == ["订单号", "收件人", "手机", "省", "市", "区", "详细地址", "完整地址", "商品",
                      "件数", "重量(kg)", "备注", "快递公司", "快递单号"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["H"].width == 45
    assert sheet.max_row == 2
    row = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert row["订单号"] == two_items.number
    assert row["收件人"] == "张三"
    assert row["手机"] == "13812345678" and sheet["C2"].number_format == "@"
    assert (row["省"], row["市"], row["区"]) == ("广东省", "深圳市", "南山区")
    assert row["详细地址"] == "粤海街道科技园南区8栋"
    assert row["完整地址"] == "广东省深圳市南山区粤海街道科技园南区8栋"
    assert row["商品"] == "纯棉T恤 红 / M × 2; 袜子 " + socks.spec_label + " × 3"
    assert row["件数"] == 5
    assert Decimal(str(row["重量(kg)"])) == Decimal("0.65")
    assert row["快递公司"] is None and row["快递单号"] is None
    assert sheet["N2"].number_format == "@"


def test_export_filters_by_the_day_placed(paid_order):
    order = paid_order()
    day = timezone.localdate(order.created_at)
    assert len(list(queries.orders_to_ship(date_from=day, date_to=day))) == 1
    assert not list(queries.orders_to_ship(date_from=day.replace(year=day.year + 1)))


def test_export_download_and_its_query_count(client, owner, paid_order,
                                             django_assert_max_num_queries):
    client.force_login(owner)
    url = reverse("orders:shipping_export")
    paid_order()
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for _ in range(4):
        paid_order(quantity=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    assert sheet_of(response.content).max_row == 6


@pytest.mark.parametrize("url_name", ["orders:shipping_export", "orders:shipping_import"])
def test_bulk_pages_need_the_orders_area(client, db, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(role="staff", areas=["catalog"]))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(url).status_code == 200


# --- reading and checking a file ------------------------------------------------------------


def test_columns_are_found_by_header_below_a_title_line_and_extra_columns_are_ignored(db):
    content = xlsx_bytes(
        [["备注", "20260101123", "顺丰", 773123456789012, "x"], [], ["", None, None, None]],
        header=["备注", "订单号", "快递公司", "快递单号", "收件人"],
        before=[["三月发货表"]],
    )
    rows = files.read_shipping_file(upload(content))
    assert len(rows) == 1
    assert (rows[0].row, rows[0].order_number, rows[0].carrier, rows[0].tracking_number) == (
        3, "20260101123", "顺丰", "773123456789012")


def test_english_headers_and_carrier_codes_are_understood(db):
    rows = files.read_shipping_file(xlsx([["1", "sf", SF_NUMBER]],
                                        header=["Order number", "Carrier", "Tracking number"]))
    assert files.carrier_code(rows[0].carrier) == "SF"
    assert files.carrier_code("中通快递") == files.carrier_code("中通") == "ZTO"
    assert files.carrier_code("不存在快递") == ""


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"order,carrier\n1,SF\n", "orders.csv", "No header row"),
    (b"PK\x03\x04 not really a zip", "orders.xlsx", "cannot be read"),
    (xlsx_bytes([["1", "SF", SF_NUMBER]], header=["订单", "公司", "单号"]), "a.xlsx",
     "No header row"),
    (xlsx_bytes([]), "empty.xlsx", "no orders"),
    # generated bytes carry a timestamp: name them
], ids=["csv-without-tracking-numbers", "broken-zip", "no-header", "empty"])
def test_unreadable_files_are_refused_with_a_reason(db, content, name, reason):
    with pytest.raises(InvalidInput, match=reason):
        files.read_shipping_file(upload(content, name))


def test_files_over_the_size_or_row_limit_are_refused(db, monkeypatch):
    with pytest.raises(InvalidInput, match="larger than 2 MB"):
        files.read_shipping_file(upload(b"\0" * (files.MAX_FILE_BYTES + 1)))
    monkeypatch.setattr(files, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput, match="more than 2 orders"):
        files.read_shipping_file(xlsx([["1", "SF", SF_NUMBER]] * 3))


def test_a_row_far_down_an_empty_sheet_is_refused_without_reading_every_empty_line(db):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.cell(row=1_000_000, column=1, value="20260101123")
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(InvalidInput, match="more than 6000 lines"):
        files.read_shipping_file(upload(output.getvalue()))


def test_every_kind_of_wrong_row_is_reported(paid_order, place, stocked):
    good = paid_order()
    unpaid = place(stocked(3))
    rows = files.read_shipping_file(xlsx([
        [good.number, "顺丰速运", "sf 1234 5678 90123"],
        ["20990101000", "SF", SF_NUMBER],
        [unpaid.number, "SF", SF_NUMBER],
        [good.number, "SF", SF_NUMBER],
        [paid_order().number, "闪电快递", SF_NUMBER],
        [paid_order().number, "中通", "SF123"],
        ["", "SF", SF_NUMBER],
        [paid_order().number, "", SF_NUMBER],
    ]))
    rows, _orders = shipping.check_rows(rows)
    errors = {row.row: row.error for row in rows}
    assert errors[2] == "" and rows[0].tracking_number == SF_NUMBER
    assert errors[3] == "There is no order with this number."
    assert "Awaiting payment" in errors[4] and "only paid orders" in errors[4]
    assert errors[5] == "This order is already in row 2."
    assert errors[6] == "“闪电快递” is not a carrier we know."
    assert "is not a 中通快递 tracking number" in errors[7]
    assert errors[8] == "Enter the order number."
    assert errors[9] == "Enter the carrier."


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def desk(client, db):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post_file(client, file):
    return client.post(reverse("orders:shipping_import"), {"file": file})


def test_a_file_with_one_bad_row_ships_nothing_and_says_which_row_and_why(desk, paid_order):
    first, second = paid_order(), paid_order()
    response = post_file(desk, xlsx([[first.number, "顺丰", SF_NUMBER],
                                     [second.number, "中通", "not-a-number"]]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 row is wrong" in page
    assert 'data-row="3"' in page and "is not a 中通快递 tracking number" in page
    assert "Ship them all" not in page
    assert bulk_views_session(desk) is None
    assert not shipped_orders().exists()


def bulk_views_session(client):
    from weishang.orders.bulk.views import SESSION_KEY

    return client.session.get(SESSION_KEY)


def confirm(client):
    saved = bulk_views_session(client)
    return client.post(reverse("orders:shipping_apply"), {"token": saved["token"]})


def test_a_good_file_previews_then_ships_every_order_with_its_event(desk, paid_order):
    first, second = paid_order(), paid_order()
    preview = post_file(desk, xlsx([[first.number, "顺丰速运", SF_NUMBER],
                                    [second.number, "ZTO", ZTO_NUMBER]]))
    assert "2 orders are ready to ship." in preview.content.decode()
    assert not shipped_orders().exists()

    response = confirm(desk)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.carrier, first.tracking_number) == ("shipped", "SF", SF_NUMBER)
    assert (second.carrier, second.tracking_number) == ("ZTO", ZTO_NUMBER)
    assert OrderEvent.objects.filter(to_state=OrderState.SHIPPED).count() == 2
    assert bulk_views_session(desk) is None
    assert "2 orders shipped." in desk.get(response.url).content.decode()


def test_an_order_changed_after_the_preview_rolls_everything_back(desk, paid_order, owner):
    first, second = paid_order(), paid_order()
    post_file(desk, xlsx([[first.number, "SF", SF_NUMBER], [second.number, "SF", SF_NUMBER]]))
    services.request_refund(second, actor=owner)

    response = confirm(desk)

    assert response.status_code == 409
    assert "Refund requested" in response.content.decode()
    assert not shipped_orders().exists()


def test_apply_failure_inside_the_transaction_rolls_back_the_rows_already_shipped(
        paid_order, owner, monkeypatch):
    first, second = paid_order(), paid_order()
    rows = files.read_shipping_file(xlsx([[first.number, "SF", SF_NUMBER],
                                         [second.number, "SF", SF_NUMBER]]))
    real_ship = services.ship_order

    def ship_then_refuse_the_second(order, **kwargs):
        if order.pk == second.pk:
            raise services.invalid_transition(OrderState.SHIPPED, OrderState.SHIPPED)
        return real_ship(order, **kwargs)

    monkeypatch.setattr(services, "ship_order", ship_then_refuse_the_second)
    with pytest.raises(shipping.ShippingFileRefused, match="Row 3 could not be shipped") as refused:
        shipping.apply_shipping(rows, actor=owner)
    assert refused.value.rows[1].error
    assert not shipped_orders().exists()
    assert not OrderEvent.objects.filter(to_state=OrderState.SHIPPED).exists()


def test_a_stale_preview_cannot_be_applied(desk, paid_order):
    post_file(desk, xlsx([[paid_order().number, "SF", SF_NUMBER]]))
    response = desk.post(reverse("orders:shipping_apply"), {"token": "guessed"}, follow=True)
    assert "no longer valid" in response.content.decode()
    assert not shipped_orders().exists()


@pytest.mark.parametrize(("file", "reason"), [
    (upload(b"just text", "orders.txt"), "No header row"),
    (upload(b"\x00\x01corrupt"), "cannot be read"),
    (upload(b"\0" * (files.MAX_FILE_BYTES + 1)), "larger than 2 MB"),
], ids=["text", "corrupt", "too-large"])
def test_the_upload_page_refuses_bad_files_with_a_message(desk, file, reason):
    response = post_file(desk, file)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_rows_left_blank_are_not_shipped_and_the_preview_says_how_many(desk, paid_order):
    first, waiting, later = paid_order(), paid_order(), paid_order()
    preview = post_file(desk, xlsx([[first.number, "顺丰", SF_NUMBER],
                                    [waiting.number, "", ""],
                                    [later.number, None, None]]))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "1 order is ready to ship." in page
    assert "2 rows have no carrier and tracking number: their orders are not shipped." in page

    confirm(desk)

    assert list(shipped_orders().values_list("number", flat=True)) == [first.number]
    waiting.refresh_from_db()
    assert waiting.state == OrderState.PAID


def test_a_file_of_blank_rows_ships_nothing_and_says_why(desk, paid_order, owner):
    rows = files.read_shipping_file(xlsx([[paid_order().number, "", ""]]))
    with pytest.raises(InvalidInput, match="No row has a carrier and a tracking number"):
        shipping.apply_shipping(rows, actor=owner)
    preview = post_file(desk, xlsx([[paid_order().number, "", ""]]))
    assert "No row has a carrier and a tracking number" in preview.content.decode()
    assert "Ship them all" not in preview.content.decode()
    assert bulk_views_session(desk) is None


def test_the_export_writes_a_municipality_once_in_the_whole_address(paid_order):
    Order.objects.filter(pk=paid_order().pk).update(
        province="北京市", city="北京市", district="朝阳区", street="建国路88号")
    sheet = sheet_of(files.export_workbook(queries.orders_to_ship()))
    assert sheet["H2"].value == "北京市朝阳区建国路88号"
    assert (sheet["D2"].value, sheet["E2"].value) == ("北京市", "北京市")


def test_the_export_writes_formulas_and_hidden_characters_as_plain_text(paid_order):
    order = paid_order()
    Order.objects.filter(pk=order.pk).update(
        recipient_name='=HYPERLINK("http://ev.il","x")', street="=cmd|' /C calc'!A0",
        customer_note="控制\x01字符\x1b")
    sheet = sheet_of(files.export_workbook(queries.orders_to_ship()))
    assert sheet["B2"].value == '=HYPERLINK("http://ev.il","x")'
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix
    assert sheet["G2"].value == "=cmd|' /C calc'!A0" and sheet["G2"].data_type == "s"
    assert sheet["L2"].value == "控制字符"


def test_a_stale_dimension_does_not_hide_rows(paid_order, owner):
    orders = [paid_order() for _ in range(6)]
    content = with_dimension(xlsx_bytes([[order.number, "SF", SF_NUMBER] for order in orders]),
                             "A1:C2")
    rows = files.read_shipping_file(upload(content))
    assert [row.order_number for row in rows] == [order.number for order in orders]
    assert shipping.apply_shipping(rows, actor=owner) == 6


def test_a_csv_file_is_read_like_an_excel_file(paid_order, owner):
    order = paid_order()
    content = f"订单号,快递公司,快递单号\n{order.number},顺丰,{SF_NUMBER}\n".encode("gbk")
    rows = files.read_shipping_file(upload(content, "发货.csv"))
    assert shipping.apply_shipping(rows, actor=owner) == 1


def test_a_hidden_character_in_a_cell_is_a_row_error_not_a_database_error(paid_order):
    order = paid_order()
    content = (f"订单号,快递公司,快递单号\n{order.number}\x7f,顺丰,{SF_NUMBER}\n"
               f"{order.number},顺丰\x01,{SF_NUMBER}\n").encode()
    rows, _orders = shipping.check_rows(files.read_shipping_file(upload(content, "发货.csv")))
    assert [row.error for row in rows] == [
        f"订单号: Remove the hidden character U+007F (character {len(order.number) + 1}): it "
        "does not show, and breaks lists and files.",
        "快递公司: Remove the hidden character U+0001 (character 3): it does not show, and "
        "breaks lists and files."]

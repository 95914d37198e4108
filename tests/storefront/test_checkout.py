import html
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VariantFactory
from weishang.inventory.models import StockLevel, StockMovement
from weishang.orders.models import Order, OrderEvent, OrderState, ShopSettings

ADDRESS = {
    "name": "张三", "phone": "13812345678", "province": "广东省", "city": "深圳市",
    "district": "南山区", "street": "粤海街道科技园南区8栋", "note": "下午送",
}


@pytest.fixture
def tea(stock):
    variant = VariantFactory(product__title="乌龙茶", spec_label="250g",
                             retail_price=Decimal("88.00"))
    stock(variant, 10)
    return variant


@pytest.fixture
def checkout(client, shop_url):
    """checkout(**fields): POST the checkout form (a fresh key unless one is given)."""

    def post(key="key-1", **fields):
        data = {**ADDRESS, "idempotency_key": key, "action": "place", **fields}
        return client.post(shop_url("checkout"), data, HTTP_ACCEPT_LANGUAGE="en")

    return post


def stock_of(variant):
    return StockLevel.objects.get(variant=variant).quantity


@pytest.mark.django_db
def test_the_checkout_page_shows_the_cart_the_form_and_a_key(client, tea, add_to_cart, shop_url):
    add_to_cart(tea, 2)
    page = client.get(shop_url("checkout"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "乌龙茶" in page and "¥176.00" in page
    assert 'name="idempotency_key"' in page
    assert '<option value="广东省">广东省</option>' in page
    assert 'data-parse-url="/api/v1/addresses/parse"' in page


@pytest.mark.django_db
def test_an_empty_cart_goes_back_to_the_cart(client, shop_url):
    response = client.get(shop_url("checkout"))
    assert response["Location"] == shop_url("cart")


@pytest.mark.django_db
def test_happy_path_places_one_order_in_the_shop_and_empties_the_cart(
        client, tea, add_to_cart, checkout, shop):
    add_to_cart(tea, 2)

    response = checkout()

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.access_token}/"
    assert order.shop == shop and order.state == OrderState.PENDING_PAYMENT
    assert (order.recipient_name, order.recipient_phone, order.district) == (
        "张三", "13812345678", "南山区")
    assert order.goods_total == Decimal("176.00")
    assert [(line.product_title, line.quantity) for line in order.lines.all()] == [("乌龙茶", 2)]
    assert stock_of(tea) == 8
    assert client.session["cart"] == []


@pytest.mark.django_db
def test_a_double_submit_makes_one_order(client, tea, add_to_cart, checkout):
    add_to_cart(tea, 1)

    first, second = checkout(key="same"), checkout(key="same")

    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert stock_of(tea) == 9


@pytest.mark.django_db
def test_tampered_price_fields_are_ignored(client, tea, add_to_cart, checkout):
    add_to_cart(tea, 1)
    checkout(price="0.01", unit_price="0.01", goods_total="0.01", payable="0.01")
    assert Order.objects.get().payable >= Decimal("88.00")


def _nothing_written(tea):
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    assert stock_of(tea) == 10
    assert StockMovement.objects.count() == 1  # the initial stock only


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "message"), [
    ({"phone": "12345"}, "mainland China mobile number"),
    ({"name": ""}, "This field is required."),
    ({"street": ""}, "This field is required."),
    ({"city": "不存在市"}, "广东省 has no city “不存在市”: choose one from the list."),
    ({"province": "火星"}, "“火星” is not a province we know: choose one from the list."),
    ({"district": "天山区"}, "深圳市 has no district “天山区”: choose one from the list."),
])
def test_bad_recipient_input_writes_nothing(client, tea, add_to_cart, checkout, fields, message):
    add_to_cart(tea, 1)

    response = checkout(**fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    _nothing_written(tea)
    assert len(client.session["cart"]) == 1, "the cart is kept for another try"


@pytest.mark.django_db
def test_an_empty_cart_cannot_be_ordered(client, tea, checkout):
    response = checkout()
    assert "Your cart is empty." in response.content.decode()
    _nothing_written(tea)


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [0, -1, 100000])
def test_a_tampered_cart_quantity_is_refused(client, tea, checkout, quantity):
    session = client.session
    session["cart"] = [[tea.public_id, quantity, "88.00"]]
    session.save()

    response = checkout()

    assert response.status_code == 200
    assert "quantity" in response.content.decode()
    _nothing_written(tea)


@pytest.mark.django_db
def test_an_item_taken_off_shelf_since_is_named(client, tea, add_to_cart, checkout):
    add_to_cart(tea, 1)
    tea.product.is_on_shelf = False
    tea.product.save()

    response = checkout()

    assert "“乌龙茶 250g” is no longer for sale." in response.content.decode()
    _nothing_written(tea)


@pytest.mark.django_db
def test_sold_out_since_added_names_the_item(client, tea, add_to_cart, checkout):
    from weishang.inventory import services as inventory

    add_to_cart(tea, 3)
    inventory.adjust_stock(variant=tea, delta=-8, reason="damage")

    response = checkout()

    assert "乌龙茶 250g" in response.content.decode()
    assert not Order.objects.exists() and stock_of(tea) == 2


@pytest.mark.django_db
def test_smart_paste_without_javascript_fills_the_fields(client, tea, add_to_cart, shop_url):
    add_to_cart(tea, 1)

    response = client.post(shop_url("checkout"), {
        "paste": "李四 15900001111 上海市浦东新区张江路88弄3号", "action": "parse",
        "idempotency_key": "k",
    }, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert 'value="李四"' in page and 'value="15900001111"' in page
    assert '<option value="上海市" selected>' in page
    assert '<option value="浦东新区" selected>' in page
    assert not Order.objects.exists()


def _pasted(client, shop_url, paste, **fields):
    """The checkout page after "Fill in the fields" without JavaScript."""
    response = client.post(shop_url("checkout"), {"paste": paste, "action": "parse", **fields},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _filled(page: str) -> dict[str, str]:
    """What the recipient fields of the page hold (inputs and selected options)."""
    values = {}
    for name in ("name", "phone", "street", "note"):
        found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        value = re.search(r'value="([^"]*)"', found.group()) if found else None
        values[name] = html.unescape(value.group(1)) if value else ""
    for name in ("province", "city", "district"):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group())
        values[name] = chosen.group(1) if chosen else ""
    return values


# The issue's examples (issue 12 §2), as customers paste them.
ISSUE_EXAMPLES = [
    ("收货人：王芳 手机：13912345678 浙江省杭州市西湖区文三路478号华星时代广场A座",
     ("王芳", "13912345678", "浙江省", "杭州市", "西湖区", "文三路478号华星时代广场A座", "")),
    ("手机13812345678 张三 广东省深圳市南山区粤海街道科技园南区8栋",
     ("张三", "13812345678", "广东省", "深圳市", "南山区", "粤海街道科技园南区8栋", "")),
    ("张三，广东省深圳市南山区粤海街道科技园南区8栋，电话15612345670",
     ("张三", "15612345670", "广东省", "深圳市", "南山区", "粤海街道科技园南区8栋", "")),
    ("名字：王芳 联系方式：13912345678 收件地址：浙江省杭州市西湖区文三路478号",
     ("王芳", "13912345678", "浙江省", "杭州市", "西湖区", "文三路478号", "")),
    ("【收货人】王芳\n【手机号码】13912345678\n所在地区：浙江省 杭州市 西湖区\n"
     "详细地址：文三路478号",
     ("王芳", "13912345678", "浙江省", "杭州市", "西湖区", "文三路478号", "")),
    ("浙江省杭州市西湖区文三路478号华星时代广场A座1203 王五收 186-1234-5678",
     ("王五", "18612345678", "浙江省", "杭州市", "西湖区", "文三路478号华星时代广场A座1203", "")),
    ("浙江省杭州市西湖区文三路478号华星时代广场A座 王芳 13912345678 放门卫",
     ("王芳", "13912345678", "浙江省", "杭州市", "西湖区", "文三路478号华星时代广场A座",
      "放门卫")),
    ("上海市闸北区天目中路380号 张三 13812345678 周末送",
     ("张三", "13812345678", "上海市", "上海市", "静安区", "天目中路380号", "周末送")),
    ("北京市崇文区崇文门外大街3号 李四 13812345679 不要打电话",
     ("李四", "13812345679", "北京市", "北京市", "东城区", "崇文门外大街3号", "不要打电话")),
    ("山东省莱芜市莱城区凤城西大街1号 赵六 13812345681",
     ("赵六", "13812345681", "山东省", "济南市", "莱芜区", "凤城西大街1号", "")),
    ("北京市密云县鼓楼东大街2号 孙七 13812345682",
     ("孙七", "13812345682", "北京市", "北京市", "密云区", "鼓楼东大街2号", "")),
    ("江苏省苏州市工业园区星湖街328号创意产业园6栋 何佳 13913578642",
     ("何佳", "13913578642", "江苏省", "苏州市", "", "工业园区星湖街328号创意产业园6栋", "")),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("paste", "expected"), ISSUE_EXAMPLES)
def test_the_issues_pastes_fill_the_checkout_page(client, tea, add_to_cart, shop_url, paste,
                                                   expected):
    add_to_cart(tea, 1)
    page = _filled(_pasted(client, shop_url, paste))
    fields = ("name", "phone", "province", "city", "district", "street", "note")
    assert tuple(page[field] for field in fields) == expected
    assert not Order.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("paste", "expected"), ISSUE_EXAMPLES)
def test_the_issues_pastes_through_the_checkouts_parse_endpoint(client, db, paste, expected):
    """The endpoint the checkout page's script calls (data-parse-url)."""
    response = client.post("/api/v1/addresses/parse", {"text": paste},
                           content_type="application/json")
    body = response.json()
    fields = ("name", "phone", "province", "city", "district", "street", "note")
    assert tuple(body[field] for field in fields) == expected


@pytest.mark.django_db
def test_a_delivery_note_is_added_to_what_the_customer_wrote_and_a_rename_is_told(
        client, tea, add_to_cart, shop_url):
    add_to_cart(tea, 1)
    page = _pasted(client, shop_url, "上海市闸北区天目中路380号 张三 13812345678 放门卫",
                   note="要发票")
    assert _filled(page)["note"] == "要发票；放门卫"
    assert "“闸北区” has been 静安区 since 2015: filled in as 静安区." in page


@pytest.mark.django_db
def test_a_hong_kong_address_is_read_and_the_customer_told_the_shop_does_not_deliver_there(
        client, tea, add_to_cart, shop_url, checkout):
    add_to_cart(tea, 1)
    message = ("This shop delivers within mainland China only, not to Hong Kong, Macau or "
               "Taiwan.")
    page = _pasted(client, shop_url, "陈大文 +852 9123 4567 香港九龙旺角弥敦道100号")
    filled = _filled(page)
    assert (filled["name"], filled["phone"], filled["province"], filled["street"]) == (
        "陈大文", "+85291234567", "香港特别行政区", "旺角弥敦道100号")
    assert message in page
    response = checkout(name="陈大文", phone="+85291234567", province="香港特别行政区",
                        city="九龙", district="", street="旺角弥敦道100号")
    assert message in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_smart_paste_reports_what_it_could_not_read(client, tea, add_to_cart, shop_url):
    add_to_cart(tea, 1)
    response = client.post(shop_url("checkout"), {"paste": "王五 广东省深圳市南山区科技园",
                                                    "action": "parse"},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'value="王五"' in page
    assert page.count("<li>", page.index("data-parse-result")) >= 1


@pytest.mark.django_db
def test_checkout_page_queries_do_not_grow_with_lines(client, add_to_cart, shop_url, stock):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get(shop_url("checkout"))
        return len(queries)

    variants = VariantFactory.create_batch(10)
    for variant in variants:
        stock(variant, 5)
    add_to_cart(variants[0])
    client.get(shop_url("checkout"))  # the first quote creates the shop settings
    few = count_queries()
    for variant in variants[1:]:
        add_to_cart(variant)
    assert count_queries() == few <= 5


PASTED = "收货人：王芳 浙江省杭州市西湖区文三路478号华星时代广场A座"


@pytest.mark.django_db
def test_a_refused_order_lists_the_problems_at_the_top_and_keeps_what_was_given(
        client, tea, add_to_cart, checkout):
    """A failed submit reloaded at the top with the errors far below and the paste gone."""
    add_to_cart(tea, 1)

    response = checkout(paste=PASTED, phone="1391234", note="放门卫", district="天山区")

    page = response.content.decode()
    summary = page[page.index('class="error-summary"'):page.index("</div>",
                                                                   page.index("error-summary"))]
    assert page.index("error-summary") < page.index("summary-heading"), "at the top"
    assert 'role="alert"' in summary
    assert 'href="#id_phone"' in summary and "mainland China mobile number" in summary
    # The first field in error takes the focus; every field in error says so.
    assert page.count(" autofocus") == 1
    assert 'aria-invalid="true" autofocus' in page[page.index('name="phone"') - 300:
                                                   page.index('name="phone"') + 300]
    # What was pasted and typed is all there, and so is what the paste could not read.
    assert f">\n{PASTED}</textarea>" in page
    assert 'value="放门卫"' in page and '<option value="天山区" selected>' in page
    parse_result = page[page.index("data-parse-result"):]
    assert "Could not find a mobile number." in parse_result[:parse_result.index("</div>")]
    _nothing_written(tea)


@pytest.mark.django_db
def test_a_refusal_of_the_service_focuses_its_field(client, tea, add_to_cart, checkout):
    add_to_cart(tea, 1)
    page = checkout(province="浙江省", city="乌鲁木齐市", district="天山区").content.decode()
    assert 'href="#id_city"' in page and "浙江省 has no city “乌鲁木齐市”" in page
    select = page[page.index('<select id="id_city"'):]
    assert select[:select.index(">")].endswith('aria-invalid="true" autofocus')
    _nothing_written(tea)


@pytest.mark.django_db
def test_a_problem_of_the_whole_order_focuses_the_summary(client, tea, add_to_cart, checkout):
    add_to_cart(tea, 3)
    StockLevel.objects.filter(variant=tea).update(quantity=1)
    page = checkout().content.decode()
    assert 'id="checkout-errors" tabindex="-1" autofocus' in page
    assert "only 1 left" in page


@pytest.mark.django_db
def test_too_many_checkouts_answer_429_and_keep_the_cart(client, tea, add_to_cart, checkout,
                                                         settings):
    settings.CHECKOUT_LIMIT_PER_ADDRESS = 1
    add_to_cart(tea, 1)
    assert checkout(key="first").status_code == 302
    add_to_cart(tea, 1)

    response = checkout(key="second", phone="13900001111")

    assert response.status_code == 429
    assert "Too many orders from your network" in response.content.decode()
    assert Order.objects.count() == 1 and len(client.session["cart"]) == 1


@pytest.mark.django_db
def test_the_cart_takes_no_more_of_an_item_than_the_owner_allows(client, tea, add_to_cart,
                                                                  shop_url, owner):
    from weishang.orders import services

    services.update_shop_settings(owner, max_line_quantity=2)
    add_to_cart(tea, 2)
    response = add_to_cart(tea, 1)
    assert response.status_code == 302
    assert client.session["cart"][0][1] == 2
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "at most 2 per order" in page


#: Queries of placing an order from the checkout page before the checkout limits, by lines:
#: the same whatever the lines (the order's own are asserted in tests/orders/test_place_order).
QUERIES_BEFORE_THE_LIMITS = {1: 17, 5: 17}


@pytest.mark.django_db
@pytest.mark.parametrize("lines", [1, 5])
def test_placing_an_order_takes_no_more_queries_than_it_did(client, add_to_cart, stock,
                                                           checkout, lines,
                                                           django_assert_max_num_queries):
    """The limits add one query whatever the lines: counting the mobile number's unpaid
    orders (and on PostgreSQL the lock that makes that count exact); and one more names the
    buyer when an agent buys (the agents with the recipient's mobile or the signed-in user)."""

    ShopSettings.load()  # the first read creates the row: not part of placing an order
    ContentType.objects.get_for_model(Order)  # cached by every process after its first
    variants = VariantFactory.create_batch(lines)
    for variant in variants:
        stock(variant, 5)
        add_to_cart(variant)
    added = (2 if connection.vendor == "postgresql" else 1) + 1
    with django_assert_max_num_queries(QUERIES_BEFORE_THE_LIMITS[lines] + added):
        assert checkout().status_code == 302

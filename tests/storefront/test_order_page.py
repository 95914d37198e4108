import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import VariantFactory
from tests.selling import payment_deadline_on
from weishang.inventory.models import StockLevel
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderState


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def placed(shop, stock):
    variant = VariantFactory(product__title="乌龙茶", spec_label="250g",
                             retail_price=Decimal("88.00"))
    stock(variant, 10)
    return orders.place_order(
        shop=shop, lines=[orders.CartLine(variant.public_id, 2)],
        recipient=orders.Recipient("张三", "13812345678", "广东省", "深圳市", "南山区",
                                   "科技园8栋"),
    )


def order_page(client, order):
    response = client.get(f"/orders/{order.access_token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_pending_order_shows_the_payment_box(client, placed, owner):
    orders.update_shop_settings(
        owner, payment_instructions="备注写订单号",
        wechat_pay_code=SimpleUploadedFile("wx.png", png(), content_type="image/png"),
    )

    page = order_page(client, placed)

    assert placed.number in page and "Awaiting payment" in page
    assert "Pay the seller" in page and "¥176.00" in page
    assert 'alt="WeChat Pay receipt code"' in page and "Alipay receipt code" not in page
    assert "备注写订单号" in page
    assert 29 * 60 < payment_deadline_on(page, placed) <= 30 * 60
    assert "138****5678" in page and "13812345678" not in page
    assert "乌龙茶" in page and "250g" in page


@pytest.mark.django_db
def test_shipped_order_shows_carrier_tracking_and_timeline(client, placed, owner):
    order = orders.confirm_payment(placed, actor=owner, reference="微信转账")
    order = orders.ship_order(order, actor=owner, carrier="SF", tracking_number="SF1234567890123")

    page = order_page(client, order)

    assert "Pay the seller" not in page and "Cancel order" not in page
    assert "SF1234567890123" in page and "顺丰" in page
    timeline = page[page.index('class="timeline"'):]
    assert [state in timeline for state in ("Awaiting payment", "Paid", "Shipped")] == [True] * 3
    assert "Parcel" in page


@pytest.mark.django_db
def test_the_sellers_payment_reference_stays_in_the_console(client, placed, owner):
    order = orders.confirm_payment(placed, actor=owner, reference="微信转账 尾号 8848")

    assert "尾号 8848" not in order_page(client, order)


@pytest.mark.django_db
def test_a_municipality_is_named_once(client, shop, stock):
    variant = VariantFactory()
    stock(variant, 1)
    order = orders.place_order(
        shop=shop, lines=[orders.CartLine(variant.public_id, 1)],
        recipient=orders.Recipient("李四", "15900001111", "上海市", "上海市", "浦东新区",
                                   "张江路88弄3号"),
    )
    assert "上海市 浦东新区 张江路88弄3号" in order_page(client, order)


@pytest.mark.django_db
def test_the_customer_cancels_and_the_stock_goes_back(client, placed):
    response = client.post(f"/orders/{placed.access_token}/cancel/", HTTP_ACCEPT_LANGUAGE="en",
                           follow=True)

    placed.refresh_from_db()
    assert placed.state == OrderState.CANCELLED
    assert placed.events.last().actor_kind == "customer"
    assert StockLevel.objects.get().quantity == 10
    assert "The order is cancelled." in response.content.decode()
    again = client.post(f"/orders/{placed.access_token}/cancel/", HTTP_ACCEPT_LANGUAGE="en",
                        follow=True)
    assert "cannot become" in again.content.decode()


@pytest.mark.django_db
def test_an_expired_payment_window_shows_no_countdown(client, placed):
    Order.objects.filter(pk=placed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "Please pay before" not in order_page(client, placed)


@pytest.mark.django_db
def test_a_day_to_pay_is_a_date_and_time_with_the_time_left_not_1440_minutes(
        client, shop, stock, owner):
    orders.update_shop_settings(owner, unpaid_expiry_minutes=1440)
    variant = VariantFactory()
    stock(variant, 1)
    order = orders.place_order(shop=shop, lines=[orders.CartLine(variant.public_id, 1)],
                               recipient=orders.Recipient("李四", "15900001111", "上海市",
                                                          "上海市", "浦东新区", "张江路88弄3号"))
    page = order_page(client, order)
    assert "Please pay before" in page and "1440" not in page
    assert 23 * 3600 < payment_deadline_on(page, order) <= 24 * 3600


@pytest.mark.django_db
def test_an_unknown_link_is_not_found(client):
    response = client.get("/orders/" + "0" * 32 + "/")
    assert response.status_code == 404
    assert client.post("/orders/" + "0" * 32 + "/cancel/").status_code == 404

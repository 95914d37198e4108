"""The first sale, end to end on a phone: a customer orders with smart paste, the owner confirms
the payment and ships, the customer finds the shipped order. Every step is saved as a
full-page screenshot in test-results/journey/ (for the README and for reviewing the pages)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone
from tests.factories import TEST_PASSWORD, CategoryFactory, ProductFactory, VariantFactory
from weishang.accounts.services import owner_shop
from weishang.inventory import services as inventory
from weishang.inventory.models import StockLevel
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderState

IPHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journey"
TITLE = "手工牛轧糖 不粘牙 办公室零食"
PASTED = "收件人：李四，电话：15900001111，地址：上海市浦东新区张江路88弄3号"
CUSTOMER_PHONE = "15900001111"
MATCHA_STOCK = 12
QUANTITY = 2
# 2 × ¥45.00 is below the free-shipping threshold, so the ¥10.00 fee is added.
PAYABLE = "¥100.00"
TRACKING_NUMBER = "SF1234567890123"


class Album:
    """Numbered full-page screenshots, after checking the page fits the phone's width."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def shoot(self, page, step: str) -> None:
        page.wait_for_load_state("networkidle")
        assert_fits_the_phone(page)
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{step}.png", full_page=True)


@pytest.fixture
def shop_with_nougat(owner):
    orders.update_shop_settings(owner, shipping_fee="10", free_shipping_above="99",
                                payment_instructions="微信转账请备注订单号，付款后截图发给我。")
    product = ProductFactory(
        title=TITLE,
        category=CategoryFactory(name="零食", parent=CategoryFactory(name="食品茶饮")),
        specs=[{"name": "口味", "values": ["原味", "抹茶"]}],
    )
    plain, matcha = (
        VariantFactory(product=product, spec_values={"口味": flavour}, spec_label=flavour,
                       retail_price=Decimal("45.00"))
        for flavour in ("原味", "抹茶")
    )
    inventory.adjust_stock(variant=plain, delta=30, reason="initial")
    inventory.adjust_stock(variant=matcha, delta=MATCHA_STOCK, reason="initial")
    return owner_shop(), product, matcha


def customer_orders_with_smart_paste(page, album, shop, product) -> Order:
    page.goto("/")
    page.wait_for_url(f"**/s/{shop.code}/")
    album.shoot(page, "shop")

    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.wait_for_url(f"**/s/{shop.code}/p/{product.public_id}/")
    album.shoot(page, "product")

    page.get_by_role("button", name="抹茶", exact=True).click()
    expect(page.locator(".variant-info:visible")).to_contain_text("¥45.00")
    page.get_by_role("button", name="加一件").click()
    expect(page.locator("input[name=quantity]")).to_have_value(str(QUANTITY))
    page.get_by_role("button", name="加入购物车").click()
    expect(page.get_by_role("status")).to_contain_text("已将")
    album.shoot(page, "added-to-cart")

    page.get_by_role("link", name=re.compile("^购物车")).click()
    page.wait_for_url(f"**/s/{shop.code}/cart/")
    expect(page.locator(".cart-line")).to_contain_text("抹茶")
    expect(page.locator(".totals")).to_contain_text("¥90.00")
    album.shoot(page, "cart")

    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(f"**/s/{shop.code}/checkout/")
    page.get_by_label("粘贴整段地址").fill(PASTED)
    page.get_by_role("button", name="识别并填写").click()
    expect(page.locator("[name=district]")).to_have_value("浦东新区")
    for name, value in [("name", "李四"), ("phone", CUSTOMER_PHONE), ("province", "上海市"),
                        ("city", "上海市"), ("street", "张江路88弄3号")]:
        expect(page.locator(f"[name={name}]")).to_have_value(value)
    album.shoot(page, "checkout-smart-paste")

    page.locator("button[name=action][value=place]").click()
    page.wait_for_url(re.compile(r".*/orders/[^/]+/$"))
    order = Order.objects.get()
    payment = page.get_by_role("region", name="付款给卖家")
    expect(payment).to_contain_text(PAYABLE)
    expect(payment).to_contain_text(order.number)
    expect(page.locator(".order-number")).to_have_text(order.number)
    # The time left to pay counts down in the page (29:59 after 30 minutes less a moment).
    countdown = payment.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^0:(29|30):\d\d$"))
    shown = countdown.text_content()
    expect(countdown).not_to_have_text(shown)
    album.shoot(page, "order-placed")
    return order


def owner_confirms_and_ships(page, album, owner, order: Order) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(owner.phone)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    album.shoot(page, "owner-login")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")

    orders_link = page.get_by_role("navigation", name="后台栏目").get_by_role(
        "link", name=re.compile("^订单"))
    expect(orders_link.locator("[data-badge=orders]")).to_have_text("1")
    orders_link.click()
    page.wait_for_url("**/console/orders/")
    row = page.locator(f"[data-order='{order.number}']")
    expect(row).to_contain_text("李四")
    expect(row).to_contain_text(PAYABLE)
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "pending_payment")
    album.shoot(page, "order-desk")

    row.click()
    page.wait_for_url(f"**/console/orders/{order.number}/")
    album.shoot(page, "order-detail")

    confirm = page.locator("[data-action=confirm_payment]")
    confirm.locator("input[name=reference]").fill("微信转账 尾号 8848")
    confirm.get_by_role("button", name="确认收款").click()
    page.wait_for_url(f"**/console/orders/{order.number}/")
    expect(page.locator(".heading-row [data-state]")).to_have_attribute("data-state", "paid")
    album.shoot(page, "payment-confirmed")

    ship = page.locator("[data-action=ship]")
    ship.locator("select[name=carrier]").select_option("SF")
    ship.locator("input[name=tracking_number]").fill(TRACKING_NUMBER)
    ship.get_by_role("button", name="发货").click()
    page.wait_for_url(f"**/console/orders/{order.number}/")
    expect(page.locator(".heading-row [data-state]")).to_have_attribute("data-state", "shipped")
    expect(page.get_by_text(TRACKING_NUMBER, exact=True)).to_be_visible()
    album.shoot(page, "shipped")


def customer_looks_the_order_up(page, album, order: Order) -> None:
    page.goto("/orders/lookup/")
    page.locator("input[name=phone]").fill(CUSTOMER_PHONE)
    page.locator("input[name=number]").fill(order.number)
    album.shoot(page, "lookup")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(f"**/orders/{order.access_token}/")
    expect(page.locator(".order-state")).to_have_text("已发货")
    expect(page.locator(".order-state")).to_have_class(re.compile("order-state-shipped"))
    tracking = page.locator(".tracking-number")
    expect(tracking).to_have_text(TRACKING_NUMBER)
    expect(page.locator("p", has=tracking)).to_contain_text("顺丰速运")
    expect(page.get_by_role("region", name="付款给卖家")).to_have_count(0)
    album.shoot(page, "customer-sees-shipped")


def test_first_sale_from_shop_to_shipped(new_page, owner, shop_with_nougat):
    shop, product, matcha = shop_with_nougat
    album = Album(SCREENSHOTS)
    customer = new_page(viewport=IPHONE)

    order = customer_orders_with_smart_paste(customer, album, shop, product)

    assert (order.goods_total, order.shipping_fee, order.payable) == (
        Decimal("90.00"), Decimal("10.00"), Decimal("100.00"))
    line = order.lines.get()
    assert (line.variant_id, line.quantity, line.spec_label) == (matcha.pk, QUANTITY, "抹茶")
    assert StockLevel.objects.get(variant=matcha).quantity == MATCHA_STOCK - QUANTITY
    assert inventory.verify_ledger() == []

    owner_confirms_and_ships(new_page(viewport=IPHONE), album, owner, order)
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPED
    assert (order.payment_reference, order.carrier, order.tracking_number) == (
        "微信转账 尾号 8848", "SF", TRACKING_NUMBER)

    customer_looks_the_order_up(customer, album, order)
    assert StockLevel.objects.get(variant=matcha).quantity == MATCHA_STOCK - QUANTITY
    assert inventory.verify_ledger() == []
    assert album.count == 13

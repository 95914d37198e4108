import re
from decimal import Decimal

from tests.browser.conftest import assert_fits_the_phone
from tests.factories import CategoryFactory, ProductFactory, VariantFactory
from weishang.inventory import services as inventory


def _shirt(owner):
    product = ProductFactory(
        title="纯棉短袖T恤 男女同款 宽松百搭 超长的标题也不能把页面撑宽" * 2,
        category=CategoryFactory(name="T恤", parent=CategoryFactory(name="服装")),
        specs=[{"name": "颜色", "values": ["白色", "黑色"]},
               {"name": "尺码", "values": ["M", "L"]}],
        description="<p>" + "长长的描述没有空格" * 40 + "</p>",
    )
    for index, (colour, size) in enumerate([("白色", "M"), ("白色", "L"), ("黑色", "M"),
                                            ("黑色", "L")]):
        variant = VariantFactory(product=product, spec_values={"颜色": colour, "尺码": size},
                                 spec_label=f"{colour} / {size}",
                                 retail_price=Decimal("59.00") + index)
        inventory.set_low_stock_threshold(variant, 5, actor=owner)
        if index:
            inventory.adjust_stock(variant=variant, delta=[0, 3, 40, 9][index], reason="initial")
    return product


def test_shopper_browses_and_picks_a_variant(new_page, owner):
    product = _shirt(owner)
    page = new_page()

    page.goto("/")
    assert_fits_the_phone(page)
    # A click does not wait for the page it opens: measuring the page mid-way through loading
    # the next one finds no document.
    with page.expect_navigation():
        page.get_by_role("link", name="服装", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="T恤", exact=True).click()
    assert_fits_the_phone(page)
    page.locator(".tile").first.click()
    page.wait_for_url(f"**/p/{product.public_id}/")
    assert_fits_the_phone(page)

    status = page.locator(".variant-info:visible")
    assert "选择规格" in status.inner_text()
    page.get_by_role("button", name="白色", exact=True).click()
    page.get_by_role("button", name="M", exact=True).click()
    assert "已售罄" in status.inner_text() and "¥59.00" in status.inner_text()
    page.get_by_role("button", name="L", exact=True).click()
    assert "仅剩 3 件" in status.inner_text()
    page.get_by_role("button", name="黑色", exact=True).click()
    assert "有货" in status.inner_text() and "¥62.00" in status.inner_text()
    black = page.get_by_role("button", name="黑色", exact=True)
    assert black.get_attribute("aria-pressed") == "true"


def test_search_from_the_home_page(new_page, owner):
    _shirt(owner)
    VariantFactory(product__title="武夷山大红袍")
    page = new_page(language="en-US")

    page.goto("/")
    page.get_by_role("searchbox").fill("大红袍")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/?q=*")

    assert page.locator(".tile").count() == 1
    assert "1 product matches" in page.content()
    assert_fits_the_phone(page)


def test_shopper_adds_to_cart_and_checks_out_with_smart_paste(new_page, owner):
    from playwright.sync_api import expect  # installed with the browser tests' extras

    product = _shirt(owner)
    page = new_page()

    page.goto(f"/p/{product.public_id}/")
    page.get_by_role("button", name="黑色", exact=True).click()
    page.get_by_role("button", name="M", exact=True).click()
    page.get_by_role("button", name="加一件").click()
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator("#cart-feedback")).to_contain_text("已将")
    expect(page.locator("#cart-badge")).to_have_text(re.compile(r"2$"))
    assert_fits_the_phone(page)

    page.locator(".cart-link").click()
    assert "¥122.00" in page.locator(".totals").inner_text()
    assert_fits_the_phone(page)
    page.get_by_role("link", name="去结算").click()
    page.get_by_label("粘贴整段地址").fill(
        "收货人：张三 手机：13812345678 广东省深圳市南山区粤海街道科技园8栋 放门卫")
    page.get_by_role("button", name="识别并填写").click()
    expect(page.locator("#id_district")).to_have_value("南山区")
    assert page.get_by_label("收件人").input_value() == "张三"
    assert page.locator("#id_street").input_value() == "粤海街道科技园8栋"
    assert page.locator("#id_note").input_value() == "放门卫"  # the delivery note
    assert_fits_the_phone(page)
    page.locator(".place-order").click()
    page.wait_for_url("**/orders/*/")
    assert "付款给卖家" in page.content() and "¥122.00" in page.content()
    assert_fits_the_phone(page)

"""The owner's first day, in a phone-sized browser: log in, add a product, put it on shelf, stock
it; then a customer finds it in the shop."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone, log_in

TITLE = "真丝睡衣套装 长袖 春秋款"


def add_product_with_two_specs(page) -> str:
    console_nav = page.get_by_role("navigation", name="Console sections")
    console_nav.get_by_role("link", name="Products", exact=True).click()
    page.wait_for_url("**/console/products/")
    assert_fits_the_phone(page)
    page.get_by_role("link", name="Add a product").click()
    page.wait_for_url("**/console/products/new/")
    assert_fits_the_phone(page)

    page.locator("input[name=title]").fill(TITLE)
    page.locator("textarea[name=selling_points]").fill("桑蚕丝面料\n亲肤透气")
    page.locator(".rich-area").fill("柔软顺滑，四季可穿。")
    for name, value in [("spec_1_name", "颜色"), ("spec_1_values", "香槟 墨绿"),
                        ("spec_2_name", "尺码"), ("spec_2_values", "M L")]:
        spec_field = page.locator(f"input[name={name}]")
        spec_field.fill(value)
        # Leaving the field redraws the variant grid; one redraw at a time, like a person typing.
        with page.expect_response(lambda response: "variant-grid" in response.url):
            spec_field.blur()
    prices = page.locator("input[name$=retail_price]")
    expect(prices).to_have_count(4)
    for index in range(4):
        prices.nth(index).fill(str(199 + 10 * index))
        page.locator("input[name$=market_price]").nth(index).fill("399")
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/console/products/[0-9a-f]{32}/$"))
    assert_fits_the_phone(page)
    return page.url.rstrip("/").rsplit("/", 1)[1]


def stock_variant(page, label, quantity):
    card = page.locator("section.card", has=page.get_by_role("heading", name=label))
    card.locator("input[name=quantity]").fill(str(quantity))
    card.get_by_role("button", name="Apply").click()
    page.locator("section.card", has=page.get_by_role("heading", name=label)).locator(
        "[data-quantity]", has_text=str(quantity)
    ).wait_for()


def test_owner_adds_a_product_that_customers_then_see(new_page, owner):
    from tests.factories import TEST_PASSWORD

    page = new_page(language="en-US")
    log_in(page, owner.phone, TEST_PASSWORD)
    public_id = add_product_with_two_specs(page)

    page.get_by_role("button", name="Put on shelf").click()
    page.get_by_role("button", name="Take off shelf").wait_for()
    page.get_by_role("link", name="Stock", exact=True).first.click()
    page.wait_for_url(f"**/console/stock/product/{public_id}/")
    assert_fits_the_phone(page)
    stock_variant(page, "香槟 / M", 20)
    stock_variant(page, "墨绿 / L", 6)
    assert_fits_the_phone(page)

    shopper = new_page(language="zh-CN")
    shopper.goto("/")
    assert_fits_the_phone(shopper)
    shopper.get_by_role("link", name=re.compile(TITLE)).click()
    shopper.wait_for_url(f"**/p/{public_id}/")
    assert_fits_the_phone(shopper)
    assert "¥199.00 – ¥229.00" in shopper.content()
    status = shopper.locator(".variant-info:visible")
    shopper.get_by_role("button", name="香槟", exact=True).click()
    shopper.get_by_role("button", name="M", exact=True).click()
    assert "有货" in status.inner_text() and "¥199.00" in status.inner_text()
    shopper.get_by_role("button", name="L", exact=True).click()
    assert "已售罄" in status.inner_text()
    shopper.get_by_role("button", name="墨绿", exact=True).click()
    assert "有货" in status.inner_text() and "¥229.00" in status.inner_text()

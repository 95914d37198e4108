"""A refused checkout on a phone: the problems at the top, the first bad field in focus, and
everything pasted and typed still there."""

from decimal import Decimal
from pathlib import Path

from tests.browser.conftest import assert_fits_the_phone
from tests.factories import ProductFactory, VariantFactory
from weishang.accounts.services import owner_shop
from weishang.inventory import services as inventory
from weishang.orders.models import Order

PASTED = "王芳 浙江省杭州市西湖区文三路478号华星时代广场A座"  # no mobile number
SCREENSHOTS = Path("test-results/checkout")


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""", selector)


def test_a_refused_checkout_points_at_the_problem_and_keeps_the_paste(new_page, owner):
    from playwright.sync_api import expect  # installed with the browser tests' extras

    product = ProductFactory(title="乌龙茶", specs=[{"name": "规格", "values": ["250g"]}])
    variant = VariantFactory(product=product, spec_values={"规格": "250g"}, spec_label="250g",
                             retail_price=Decimal("88.00"))
    inventory.adjust_stock(variant=variant, delta=10, reason="initial")
    shop = owner_shop()
    page = new_page()

    page.goto(f"/s/{shop.code}/p/{product.public_id}/")
    page.get_by_role("button", name="250g", exact=True).click()
    page.get_by_role("button", name="加入购物车").click()
    expect(page.get_by_role("status")).to_contain_text("已将")
    page.goto(f"/s/{shop.code}/checkout/")
    page.get_by_label("粘贴整段地址").fill(PASTED)
    page.get_by_role("button", name="识别并填写").click()
    expect(page.locator("[name=district]")).to_have_value("西湖区")
    expect(page.locator("[data-parse-result]")).to_contain_text("手机号")
    page.locator("[name=phone]").fill("1391234")  # one digit short of nothing: a typo
    page.locator("[name=note]").fill("放门卫")

    page.locator("button[name=action][value=place]").click()
    page.wait_for_load_state()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "refused.png"))

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="手机号")).to_be_visible()
    assert summary.bounding_box()["y"] < page.locator("#summary-heading").bounding_box()["y"], \
        "the summary comes first on the page"
    # The first bad field has the focus and is on the screen, not 900 px below.
    assert page.evaluate("document.activeElement.name") == "phone"
    assert _in_view(page, "[name=phone]")
    expect(page.locator("[name=phone]")).to_have_attribute("aria-invalid", "true")
    # Nothing the customer gave is lost: the paste, what it read, and what was typed.
    expect(page.locator("[name=paste]")).to_have_value(PASTED)
    expect(page.locator("[data-parse-result]")).to_contain_text("手机号")
    for name, value in [("name", "王芳"), ("phone", "1391234"), ("province", "浙江省"),
                        ("city", "杭州市"), ("district", "西湖区"), ("note", "放门卫"),
                        ("street", "文三路478号华星时代广场A座")]:
        expect(page.locator(f"[name={name}]")).to_have_value(value)
    assert_fits_the_phone(page)

    # The summary's link leads back to the field; corrected, the order goes through.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "summary.png"))
    summary.get_by_role("link", name="手机号").click()
    assert _in_view(page, "[name=phone]")
    page.locator("[name=phone]").fill("13912345678")
    page.locator("button[name=action][value=place]").click()
    page.wait_for_url("**/orders/*/")
    assert Order.objects.get().recipient_phone == "13912345678"

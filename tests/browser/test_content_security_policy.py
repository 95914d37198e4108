"""Pages work under the Content-Security-Policy: the shop, the cart, checkout with smart paste,
the console's home and the product form, the API docs and the admin, with not one violation
reported by the browser."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone
from tests.factories import TEST_PASSWORD, ProductFactory, VariantFactory
from weishang.accounts.services import owner_shop
from weishang.inventory import services as inventory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "security"
TITLE = "手工牛轧糖"
PASTED = "收件人：李四，电话：15900001111，地址：上海市浦东新区张江路88弄3号"
# Chromium reports each refusal on the console ("Refused to ... Content Security Policy") and
# as a securitypolicyviolation event, collected here for inline handlers and styles as well.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def nougat(owner):
    product = ProductFactory(title=TITLE, specs=[{"name": "口味", "values": ["原味", "抹茶"]}],
                             description="<p><strong>不粘牙</strong></p>")
    for flavour in ("原味", "抹茶"):
        variant = VariantFactory(product=product, spec_values={"口味": flavour},
                                 spec_label=flavour, retail_price=Decimal("45.00"))
        inventory.adjust_stock(variant=variant, delta=20, reason="initial")
    return owner_shop(), product


@pytest.fixture
def watched_page(new_page):
    """A phone page whose Content-Security-Policy violations are kept for the test to read."""
    page = new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(message.text))
    return page


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    reported = page.evaluate("window.__violations")
    on_console = [text for text in page.console_messages_seen
                  if "Content Security Policy" in text]
    return reported + on_console


def test_the_shop_and_checkout_work_under_the_policy(watched_page, nougat):
    page, (shop, _product) = watched_page, nougat
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    response = page.goto("/")
    page.wait_for_url(f"**/s/{shop.code}/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert violations(page) == []

    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.get_by_role("button", name="抹茶", exact=True).click()
    expect(page.locator(".variant-info:visible")).to_contain_text("¥45.00")
    page.get_by_role("button", name="加入购物车").click()  # htmx
    expect(page.get_by_role("status")).to_contain_text("已将")
    assert violations(page) == []

    page.get_by_role("link", name=re.compile("^购物车")).click()
    page.get_by_role("link", name="去结算").click()
    page.get_by_label("粘贴整段地址").fill(PASTED)
    page.get_by_role("button", name="识别并填写").click()  # fetch, then fills the form
    expect(page.locator("[name=district]")).to_have_value("浦东新区")
    assert violations(page) == []

    page.locator("button[name=action][value=place]").click()
    page.wait_for_url(re.compile(r".*/orders/[^/]+/$"))
    page.once("dialog", lambda dialog: dialog.dismiss())  # the cancel button asks first
    page.get_by_role("button", name="取消订单").click()
    expect(page.get_by_role("button", name="取消订单")).to_be_visible()
    assert violations(page) == []

    page.locator("#language-select").select_option("en")  # submits its form by itself
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations(page) == []

    page.goto("/no/such/page/")  # Weishang's own error page, with a way back
    assert_fits_the_phone(page)
    page.screenshot(path=SCREENSHOTS / "not-found.png")
    page.get_by_role("link", name="Go to the shop").click()
    page.wait_for_url(f"**/s/{shop.code}/")
    assert violations(page) == []


def test_the_console_home_and_the_product_form_work_under_the_policy(watched_page, owner,
                                                                     nougat):
    page, (_shop, product) = watched_page, nougat
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(owner.phone)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(".shop-link").get_by_role("button", name="复制").click()
    expect(page.locator(".shop-link button")).to_have_text("已复制")
    assert violations(page) == []

    page.goto(f"/console/products/{product.public_id}/edit/")
    expect(page.locator(".rich-area")).to_contain_text("不粘牙")  # the editor's script ran
    assert violations(page) == []

    page.goto("/console/products/new/")
    for name, value in [("spec_1_name", "尺码"), ("spec_1_values", "S M")]:
        spec_field = page.locator(f"input[name={name}]")
        spec_field.fill(value)
        with page.expect_response(lambda response: "variant-grid" in response.url):
            spec_field.blur()  # htmx redraws the variant grid
    expect(page.locator("input[name$=retail_price]")).to_have_count(2)
    assert violations(page) == []


def test_the_api_docs_and_the_admin_work_under_the_policy(watched_page, owner):
    page = watched_page
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info")).to_contain_text("Weishang API")
    assert violations(page) == []

    owner.is_staff = owner.is_superuser = True  # as createowner makes the owner
    owner.save()
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(owner.username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/accounts/user/")
    expect(page.locator("#result_list")).to_contain_text(owner.username)
    assert violations(page) == []

"""An agent's whole journey through the pages, in English: an agent's invitation link brings an
applicant, the owner approves, the new agent shares their shop link, a customer buys there, the
owner confirms, ships and completes the order, the after-sales window passes (the one step run
from the test: settlement at a chosen time), the agent withdraws what became available, the
owner pays, and the agent's certificate checks out on the public page.

The agent's, the applicant's, the customer's and the visitor's pages are phone-sized; the owner
works on a desktop."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone, log_in
from tests.factories import (
    TEST_PASSWORD,
    AgentFactory,
    AgentLevelFactory,
    ProductFactory,
    VariantFactory,
)
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import LedgerEntry, PayoutMethod, Withdrawal, WithdrawalState
from weishang.commissions.services.settlement import settle
from weishang.inventory import services as inventory
from weishang.network.models import Agent, AgentState
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderState, ShopSettings

DESKTOP = {"width": 1280, "height": 800}
TEA = "云南古树普洱茶饼 357克"
RETAIL = Decimal("128.00")
ENTRY_DISCOUNT = Decimal("25")  # the entry level buys at ¥96.00
QUANTITY = 2
# Goods 2 × ¥128.00 are below the free-shipping threshold: the ¥8.00 fee is added. The agent
# earns per line what the customer paid for the goods less the level price: 2 × (128 − 96).
PAYABLE = "¥264.00"
EARNED = "¥64.00"
APPLICANT = {"name": "林小雨", "phone": "13712345678", "wechat_id": "xiaoyu_tea",
             "region": "福建 厦门", "note": "在厦门做茶叶朋友圈三年了"}
APPLICANT_PASSWORD = "Xiaoyu-tea-2026"
PASTED = "收件人：陈静，电话：15800002222，地址：浙江省杭州市西湖区文三路90号"


@pytest.fixture
def tea_network(owner):
    """The owner's two levels, an inviting agent at the higher one, and a tea on sale."""
    orders.update_shop_settings(owner, shipping_fee="8", free_shipping_above="299")
    AgentLevelFactory(rank=1, name="特约", discount_percent=ENTRY_DISCOUNT)
    first = AgentLevelFactory(rank=2, name="一级", discount_percent=Decimal("35"))
    inviter = AgentFactory(name="王芳", level=first, user__phone="13600001111")
    tea = VariantFactory(product=ProductFactory(title=TEA), spec_label="357克",
                         retail_price=RETAIL)
    inventory.adjust_stock(variant=tea, delta=20, reason="initial")
    return inviter


def bucket(page, name):
    return page.locator(f"[data-bucket={name}] strong")


def qr_text(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, "one QR code"
    return found[0].text


def inviter_shares_the_invitation(page, inviter) -> str:
    log_in(page, inviter.user.phone, TEST_PASSWORD)
    page.get_by_role("link", name="Invitation", exact=True).click()
    page.wait_for_url("**/console/agent/invite/")
    assert_fits_the_phone(page)
    expect(page.get_by_text("nobody pays or buys anything")).to_be_visible()
    link = page.locator("#invitation-link").input_value()
    assert link.endswith(f"/join/{inviter.code}/")
    return link


def applicant_applies(page, link) -> None:
    page.goto(link)
    assert_fits_the_phone(page)
    expect(page.locator("[data-inviter]")).to_contain_text("王芳 invites you")
    expect(page.locator("[data-free]")).to_contain_text("there is no fee and nothing to buy")
    form = page.locator("#join-form")
    # Nothing on the way in costs money: no price, no amount, no payment field.
    expect(page.locator("body")).not_to_contain_text("¥")
    for label, key in [("Your name", "name"), ("Mobile number", "phone"),
                       ("WeChat ID", "wechat_id"), ("Region", "region"),
                       ("Anything to tell us", "note")]:
        form.get_by_label(label).fill(APPLICANT[key])
    form.get_by_label("Password").fill(APPLICANT_PASSWORD)
    form.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/join/done/")
    assert_fits_the_phone(page)
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    expect(page.locator("[data-join-done]")).to_contain_text("once your application is approved")


def owner_approves(page, owner) -> Agent:
    log_in(page, owner.phone, TEST_PASSWORD)
    page.get_by_role("link", name="Agents", exact=True).click()
    page.wait_for_url("**/console/agents/")
    page.get_by_role("link", name=re.compile("^Applications")).click()
    page.wait_for_url("**/console/agents/applications/")
    applicant = Agent.objects.get(name=APPLICANT["name"])
    row = page.locator(f"[data-agent='{applicant.public_id}']")
    expect(row).to_contain_text(APPLICANT["phone"])
    expect(row).to_contain_text(APPLICANT["region"])
    row.click()
    page.wait_for_url(f"**/console/agents/{applicant.public_id}/")
    expect(page.locator("[data-upline]")).to_have_text("—")
    page.locator("#state").get_by_role("button", name="Approve").click()
    page.wait_for_url(f"**/console/agents/{applicant.public_id}/")
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", AgentState.ACTIVE)
    expect(page.locator("[data-level]")).to_have_text("特约")
    expect(page.locator("[data-upline]")).to_have_text("王芳")
    return applicant


def agent_reads_the_shop_link(page) -> str:
    log_in(page, APPLICANT["phone"], APPLICANT_PASSWORD)
    expect(page.get_by_role("heading", name=f"Hello, {APPLICANT['name']}")).to_be_visible()
    link = page.locator("#shop-link").input_value()
    assert re.search(r"/s/[^/]+/$", link), link
    expect(page.locator("[data-shop-qr] svg")).to_be_visible()
    saved_qr = page.request.get(page.get_by_role("link", name="Save the QR code")
                                .get_attribute("href"))
    assert qr_text(saved_qr.body()) == link
    page.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == link
    return link


def customer_buys(page, shop_link) -> Order:
    page.goto(shop_link)
    assert_fits_the_phone(page)
    expect(page.locator("[data-agent-header]")).to_contain_text(APPLICANT["name"])
    page.get_by_role("link", name=re.compile(TEA)).first.click()
    page.wait_for_url("**/p/*/")
    assert_fits_the_phone(page)
    page.get_by_role("button", name="One more").click()
    expect(page.locator("input[name=quantity]")).to_have_value(str(QUANTITY))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-badge")).to_have_text(re.compile(rf"{QUANTITY}$"))
    page.locator(".cart-link").click()
    page.wait_for_url("**/cart/")
    assert_fits_the_phone(page)
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("Paste a whole address").fill(PASTED)
    page.get_by_role("button", name="Fill in the fields").click()
    expect(page.locator("[name=district]")).to_have_value("西湖区")
    assert_fits_the_phone(page)
    page.locator("button[name=action][value=place]").click()
    page.wait_for_url(re.compile(r".*/orders/[^/]+/$"))
    assert_fits_the_phone(page)
    order = Order.objects.get()
    expect(page.locator(".order-number")).to_have_text(order.number)
    expect(page.get_by_role("region", name="Pay the seller")).to_contain_text(PAYABLE)
    return order


def owner_confirms_ships_and_completes(page, order) -> None:
    page.get_by_role("navigation", name="Console sections").get_by_role(
        "link", name=re.compile("^Orders")).click()
    page.wait_for_url("**/console/orders/")
    row = page.locator(f"[data-order='{order.number}']")
    expect(row).to_contain_text(PAYABLE)
    row.click()
    page.wait_for_url(f"**/console/orders/{order.number}/")
    state = page.locator(".heading-row [data-state]")

    confirm = page.locator("[data-action=confirm_payment]")
    confirm.locator("input[name=reference]").fill("WeChat transfer 6688")
    confirm.get_by_role("button", name="Confirm payment").click()
    expect(state).to_have_attribute("data-state", OrderState.PAID)

    ship = page.locator("[data-action=ship]")
    ship.locator("select[name=carrier]").select_option("SF")
    ship.locator("input[name=tracking_number]").fill("SF5566778899001")
    ship.get_by_role("button", name="Ship").click()
    expect(state).to_have_attribute("data-state", OrderState.SHIPPED)

    complete = page.locator("[data-action=complete]")
    complete.get_by_role("button", name="Mark as completed").click()
    expect(state).to_have_attribute("data-state", OrderState.COMPLETED)


def agent_withdraws(page) -> None:
    page.get_by_role("link", name="Withdraw", exact=True).click()
    page.wait_for_url("**/console/earnings/withdraw/")
    assert_fits_the_phone(page)
    expect(page.locator("[data-available]")).to_contain_text(f"Available: {EARNED}")
    form = page.locator("#withdraw-form")
    form.get_by_label("Amount (¥)").fill(EARNED.lstrip("¥"))
    form.get_by_label("Alipay").check()
    form.locator("input[name=account]").fill("xiaoyu@example.cn")
    form.locator("input[name=account_name]").fill(APPLICANT["name"])
    form.get_by_role("button", name="Request the withdrawal").click()
    page.wait_for_url("**/console/earnings/")
    expect(page.locator(".messages")).to_contain_text(f"Withdrawal of {EARNED} requested")
    expect(bucket(page, "available")).to_have_text("¥0.00")
    expect(page.locator("#withdrawals [data-withdrawal]")).to_contain_text("Requested")
    assert_fits_the_phone(page)


def owner_pays(page, tmp_path) -> None:
    page.goto("/console/")
    page.get_by_role("link", name="Withdrawals", exact=True).click()
    page.wait_for_url("**/console/earnings/withdrawals/")
    page.get_by_role("link", name=f"{APPLICANT['name']} · {EARNED}").click()
    page.wait_for_url(re.compile(r".*/console/earnings/withdrawals/[^/]+/$"))
    expect(page.locator("[data-transfer]")).to_have_text(EARNED)
    page.get_by_role("button", name="Approve").click()
    receipt = tmp_path / "alipay-receipt.png"
    Image.new("RGB", (320, 560), "#1677ff").save(receipt)
    pay = page.locator("#pay-form")
    pay.locator("input[name=reference]").fill("支付宝 2026120522001")
    pay.locator("input[name=receipt]").set_input_files(receipt)
    pay.get_by_role("button", name="Mark as paid").click()
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    expect(page.get_by_role("img", name="receipt")).to_have_js_property("naturalWidth", 320)


def agent_certificate_verifies(agent_page, visitor) -> None:
    agent_page.goto("/console/")
    agent_page.get_by_role("link", name="My certificate").click()
    agent_page.wait_for_url("**/console/certificates/mine/")
    assert_fits_the_phone(agent_page)
    certificate = agent_page.locator("[data-certificate]")
    expect(certificate).to_have_count(1)
    expect(certificate.locator("[data-state]")).to_have_text("Valid")
    png = agent_page.request.get(certificate.locator("[data-download=png]").get_attribute("href"))
    verify_url = qr_text(png.body())
    number = certificate.get_attribute("data-certificate")
    assert verify_url.endswith(f"/verify/{number}")

    visitor.goto(verify_url)
    assert_fits_the_phone(visitor)
    result = visitor.locator(".verify-result")
    expect(result).to_have_attribute("data-state", "valid")
    expect(result.get_by_role("status")).to_contain_text("Valid: this agent is authorised")
    expect(result.locator("[data-field=name]")).to_have_text(APPLICANT["name"])
    expect(result.locator("[data-field=level]")).to_have_text("特约")


def test_an_invited_agent_sells_earns_withdraws_and_is_verified(new_page, owner, tea_network,
                                                                 live_server, tmp_path):
    inviter = tea_network

    link = inviter_shares_the_invitation(new_page(language="en-US"), inviter)
    applicant_applies(new_page(language="en-US"), link)
    applicant = Agent.objects.get(name=APPLICANT["name"])
    assert (applicant.state, applicant.invited_by, applicant.wechat_id) == (
        AgentState.APPLIED, inviter, APPLICANT["wechat_id"])

    owner_page = new_page(language="en-US", viewport=DESKTOP)
    owner_approves(owner_page, owner)

    agent_page = new_page(language="en-US")
    agent_page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                         origin=live_server.url)
    shop_link = agent_reads_the_shop_link(agent_page)

    order = customer_buys(new_page(language="en-US"), shop_link)
    assert order.shop.seller_id == applicant.user_id
    owner_page.goto("/console/")
    owner_confirms_ships_and_completes(owner_page, order)

    agent_page.get_by_role("navigation", name="Console sections").get_by_role(
        "link", name="Earnings").click()
    agent_page.wait_for_url("**/console/earnings/")
    expect(bucket(agent_page, "frozen")).to_have_text(EARNED)
    expect(bucket(agent_page, "available")).to_have_text("¥0.00")

    order.refresh_from_db()
    freeze = timedelta(days=ShopSettings.load().after_sales_days)
    assert settle(now=order.completed_at + freeze - timedelta(minutes=1)).earnings == 0
    assert settle(now=order.completed_at + freeze + timedelta(minutes=1)).earnings == 1

    agent_page.reload()
    expect(bucket(agent_page, "frozen")).to_have_text("¥0.00")
    expect(bucket(agent_page, "available")).to_have_text(EARNED)
    agent_withdraws(agent_page)

    owner_pays(owner_page, tmp_path)
    agent_page.reload()
    expect(agent_page.locator("#withdrawals [data-withdrawal]")).to_contain_text("Paid")
    expect(bucket(agent_page, "withdrawn")).to_have_text(EARNED)

    owner_page.goto("/console/certificates/")
    expect(owner_page.locator("[data-certificate]")).to_contain_text(APPLICANT["name"])
    agent_certificate_verifies(agent_page, new_page(language="en-US"))

    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.agent, withdrawal.state, withdrawal.amount, withdrawal.method) == (
        applicant, WithdrawalState.PAID, Decimal(EARNED.lstrip("¥")), PayoutMethod.ALIPAY)
    assert withdrawal.receipt
    # Inviting earns nothing: the upline share is off unless the owner turns it on.
    assert not LedgerEntry.objects.filter(agent=inviter).exists()
    assert verify_earnings() == []
    assert inventory.verify_ledger() == []

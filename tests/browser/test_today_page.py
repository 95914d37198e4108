"""The today page on a phone: the suggested message and the WeChat ID are one tap from the
clipboard, and "Contacted" takes the customer off the list."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone, log_in
from tests.customers.care import buy
from tests.factories import TEST_PASSWORD
from weishang.customers import queries, services

pytestmark = pytest.mark.django_db(transaction=True)


def test_copy_the_message_then_mark_the_customer_contacted(new_page, owner, place, stocked):
    month_supply = stocked(title="益生菌", usage_days=30)
    buy(place, owner, month_supply, on=timezone.localdate() - timedelta(days=27))
    customer = queries.customers_for(owner).get()
    services.update_customer(owner, customer, wechat_id="zhang_wx")

    page = new_page(language="en")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, owner.phone, TEST_PASSWORD)
    page.goto("/console/customers/today/")
    assert_fits_the_phone(page)
    page.screenshot(path="test-results/today-page.png", full_page=True)

    contact = page.locator("[data-contact]")
    expect(contact.locator("[data-reason]")).to_contain_text("益生菌 runs out around")
    contact.get_by_role("button", name="Copy message").click()
    expect(contact.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "张三, the 益生菌 you bought last time")
    contact.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == "zhang_wx"

    contact.get_by_role("button", name="Contacted").click()
    expect(page.locator("[data-empty]")).to_be_visible()
    expect(page.get_by_text("Done: 张三.")).to_be_visible()

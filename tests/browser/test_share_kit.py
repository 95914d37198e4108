"""A seller shares a post from their phone: open the share kit at 375 px, copy the text, copy
the link where the clipboard API is refused, download the poster."""

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone, log_in
from tests.factories import TEST_PASSWORD, PostFactory
from weishang.marketing.models import TrackedLink

SCREENSHOTS = Path("test-results/share-kit")


@pytest.fixture
def post(stocked):
    post = PostFactory(title="{商品名}上新啦", hashtags=["好物", "纯棉"],
                       body="这款{商品名}只要{价格}😍，喜欢戳 {店铺链接}\n——{昵称}")
    post.products.set([stocked(price="59.90").product])
    return post


def test_share_a_post_on_a_phone(new_page, live_server, owner, post):
    page = new_page(language="en")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    log_in(page, owner.phone, TEST_PASSWORD)

    page.goto(f"/console/marketing/{post.public_id}/")
    page.locator("[data-kit=weibo]").click()
    page.wait_for_url(f"**/console/marketing/kits/{post.public_id}/weibo/")
    assert_fits_the_phone(page)
    poster_image = page.locator("img.kit-poster")
    poster_image.scroll_into_view_if_needed()
    expect(poster_image).to_have_js_property("naturalWidth", 750)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "kit.png", full_page=True)
    link = TrackedLink.objects.get()
    link_url = f"{live_server.url}/t/{link.code}"

    copy = page.locator("[data-copy='#kit-text-area']")
    copy.click()
    expect(copy).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == (f"这款纯棉T恤只要¥59.90😍，喜欢戳 {link_url}\n——{owner}\n\n#好物# #纯棉#")
    assert copied == page.locator("#kit-text-area").input_value()
    expect(copy).to_have_text("Copy the text")

    # In-app browsers may refuse the clipboard API: the selected text is copied instead.
    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error()); }")
    page.locator("[data-copy='#kit-link-url']").click()
    expect(page.locator("[data-copy='#kit-link-url']")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link_url

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the poster").click()
    poster = Image.open(download.value.path())
    assert (poster.format, poster.size) == ("PNG", (750, 1334))
    assert download.value.suggested_filename.endswith(".png")
    assert [found.text for found in zxingcpp.read_barcodes(poster)] == [link_url]

    # The Traditional switch keeps the phone's layout.
    page.get_by_role("link", name="Traditional (Taiwan)").click()
    page.wait_for_url("**/weibo/?variant=tw")
    expect(page.locator("#kit-text-area")).to_have_value(
        f"這款純棉T恤只要¥59.90😍，喜歡戳 {link_url}\n——{owner}\n\n#好物# #純棉#")
    assert_fits_the_phone(page)

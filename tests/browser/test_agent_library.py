"""An agent shares the owner's content from their phone: the bottom bar leads to the library of
their level, a post opens read-only, and its share kit carries the agent's own link, every page
375 px wide."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_phone, log_in
from tests.factories import TEST_PASSWORD, AgentFactory, AgentLevelFactory, PostFactory
from weishang.marketing.models import TrackedLink


@pytest.fixture
def agent(owner):
    return AgentFactory(name="小美", level=AgentLevelFactory(rank=1, name="特约"))


def test_an_agent_shares_a_post_of_their_level(new_page, live_server, agent, stocked):
    post = PostFactory(title="秋季新品到货，纯棉舒适不起球，欢迎来店里看看",
                       body="这款{商品名}只要{价格}，喜欢戳 {店铺链接}\n——{昵称}",
                       hashtags=["好物", "纯棉"])
    post.products.set([stocked(price="59.90").product])
    PostFactory(title="总代专享", min_level=AgentLevelFactory(rank=3, name="总代"))
    page = new_page(language="en")
    log_in(page, agent.user.phone, TEST_PASSWORD)

    page.locator("[data-nav-library]").click()
    page.wait_for_url("**/console/marketing/")
    assert_fits_the_phone(page)
    expect(page.locator("#post-rows")).to_contain_text(post.title)
    expect(page.locator("#post-rows")).not_to_contain_text("总代专享")

    page.locator(f"#post-{post.public_id} a.title").click()
    page.wait_for_url(f"**/console/marketing/{post.public_id}/")
    assert_fits_the_phone(page)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)

    page.locator("[data-kit=wechat_moments]").click()
    page.wait_for_url(f"**/console/marketing/kits/{post.public_id}/wechat_moments/")
    assert_fits_the_phone(page)
    link = TrackedLink.objects.get()
    assert link.seller == agent.user
    expect(page.locator("#kit-link-url")).to_have_value(f"{live_server.url}/t/{link.code}")
    expect(page.locator("#kit-text-area")).to_contain_text(f"/t/{link.code}")


# Nothing a person may type breaks the phone's layout: a title without a space to break at, a
# pasted link, a long product name and topic.
UNBROKEN_TITLE = "Autumn" * 10
LONG_URL = "https://mp.weixin.qq.com/s/" + "Ab3xYz9Q" * 12


@pytest.mark.parametrize("reader", ["agent", "owner"])
def test_the_library_fits_the_phone_with_long_unbroken_words(new_page, agent, owner, stocked,
                                                             reader):
    post = PostFactory(title=UNBROKEN_TITLE, body=f"{LONG_URL} {LONG_URL}",
                       hashtags=["Supercalifragilisticexpialidocious" * 2])
    post.products.set([stocked(title="Organic" * 11).product])
    user = agent.user if reader == "agent" else owner
    page = new_page(language="en")
    log_in(page, user.phone, TEST_PASSWORD)

    page.goto("/console/marketing/")
    expect(page.locator("#post-rows")).to_contain_text(UNBROKEN_TITLE)
    assert_fits_the_phone(page)
    page.locator(f"#post-{post.public_id} a.title").click()
    page.wait_for_url(f"**/console/marketing/{post.public_id}/")
    assert_fits_the_phone(page)

"""An agent's shop, /s/<code>/: the owner's catalog at retail prices under the agent's name,
avatar and WeChat QR, without what the agent hid; closed while the agent is not active."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import AgentFactory, VariantFactory
from weishang.network import services as network
from weishang.network.agent import services as agent_services
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db
ADDRESS = {
    "name": "张三", "phone": "13812345678", "province": "广东省", "city": "深圳市",
    "district": "南山区", "street": "粤海街道科技园南区8栋", "note": "",
}


def png(color="red"):
    output = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(output, "PNG")
    return SimpleUploadedFile("p.png", output.getvalue(), content_type="image/png")


@pytest.fixture
def agent(owner):
    return AgentFactory(name="小美")


@pytest.fixture
def url(agent):
    def make(name, *args):
        return reverse(f"storefront:{name}", args=[agent.user.shop.code, *args])

    return make


@pytest.fixture
def tea(stock):
    variant = VariantFactory(product__title="乌龙茶", retail_price=Decimal("88.00"))
    stock(variant, 10)
    return variant


@pytest.fixture
def soap(stock):
    variant = VariantFactory(product__title="手工皂", retail_price=Decimal("25.00"))
    stock(variant, 10)
    return variant


def page(client, address):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content.decode()


def checkout(client, url, key="k1"):
    return client.post(url("checkout"), {**ADDRESS, "idempotency_key": key, "action": "place"},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_the_shop_shows_the_owners_catalog_at_retail_under_the_agents_name(client, agent, url,
                                                                          tea):
    agent_services.update_profile(agent, avatar=png(), wechat_qr=png("blue"))
    status, html = page(client, url("shop"))
    assert status == 200
    assert "乌龙茶" in html and "88" in html
    assert "data-agent-header" in html and "小美" in html
    agent.refresh_from_db()
    assert agent.avatar.url in html and agent.wechat_qr.url in html


def test_the_owners_shop_has_no_agent_header(client, shop, tea):
    status, html = page(client, reverse("storefront:shop", args=[shop.code]))
    assert status == 200 and "data-agent-header" not in html


def test_a_new_avatar_shows_at_once_although_pages_are_cached(
        client, agent, url, tea, django_capture_on_commit_callbacks):
    page(client, url("shop"))
    with django_capture_on_commit_callbacks(execute=True):
        agent_services.update_profile(agent, name="小美姐", avatar=png())
    agent.refresh_from_db()
    _status, html = page(client, url("shop"))
    assert "小美姐" in html and agent.avatar.url in html


def test_a_hidden_product_is_neither_listed_nor_shown_nor_sold(
        client, agent, url, tea, soap, django_capture_on_commit_callbacks):
    page(client, url("shop"))  # cached before the hide
    with django_capture_on_commit_callbacks(execute=True):
        agent_services.hide_product(agent, tea.product.public_id)
    _status, html = page(client, url("shop"))
    assert "手工皂" in html and "乌龙茶" not in html
    status, _html = page(client, url("product", tea.product.public_id))
    assert status == 404
    added = client.post(url("cart_add"), {"variant": tea.public_id, "quantity": 1},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert added.status_code == 302
    assert not client.session.get("cart")


def test_the_owners_shop_and_other_agents_still_sell_what_one_agent_hid(client, agent, shop,
                                                                         tea):
    agent_services.hide_product(agent, tea.product.public_id)
    _status, html = page(client, reverse("storefront:shop", args=[shop.code]))
    assert "乌龙茶" in html
    other = AgentFactory()
    _status, html = page(client, reverse("storefront:shop", args=[other.user.shop.code]))
    assert "乌龙茶" in html


def test_a_cart_filled_elsewhere_cannot_check_out_what_this_agent_hid(client, agent, shop, url,
                                                                       tea):
    client.post(reverse("storefront:cart_add", args=[shop.code]),
                {"variant": tea.public_id, "quantity": 1})
    agent_services.hide_product(agent, tea.product.public_id)
    response = checkout(client, url)
    assert response.status_code == 200
    assert "This shop does not sell “乌龙茶" in response.content.decode()
    assert not Order.objects.exists()


def test_an_order_placed_in_the_agents_shop_belongs_to_the_agent(client, agent, url, tea):
    client.post(url("cart_add"), {"variant": tea.public_id, "quantity": 2})
    response = checkout(client, url)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.shop == agent.user.shop
    assert order.goods_total == Decimal("176.00")  # retail, not the level price


def assert_closed(client, url, tea):
    """The shop answers the closed page (404) for its home, products and checkout."""
    status, html = page(client, url("shop"))
    assert status == 404
    assert "data-shop-closed" in html and "小美" in html and "乌龙茶" not in html
    assert page(client, url("product", tea.product.public_id))[0] == 404
    assert checkout(client, url).status_code == 404


@pytest.mark.parametrize("state", ["suspended", "exited"])
def test_the_shop_of_an_agent_who_is_no_longer_active_closes_at_once(
        client, owner, agent, url, tea, state, django_capture_on_commit_callbacks):
    client.post(url("cart_add"), {"variant": tea.public_id, "quantity": 1})
    client.get(url("cart"))  # shows the "added" message
    page(client, url("shop"))  # cached while open
    with django_capture_on_commit_callbacks(execute=True):
        network.change_state(owner, agent, state)
    assert_closed(client, url, tea)
    assert not Order.objects.exists()


def test_an_applicants_shop_is_closed(client, agent, url, tea):
    agent.state = "applied"
    agent.save()
    assert_closed(client, url, tea)


def test_a_reactivated_agents_shop_opens_again(client, owner, agent, url, tea,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        network.change_state(owner, agent, "suspended")
    assert page(client, url("shop"))[0] == 404
    with django_capture_on_commit_callbacks(execute=True):
        network.change_state(owner, agent, "active")
    assert page(client, url("shop"))[0] == 200


def test_the_agent_shop_page_costs_no_more_queries_than_the_owners(
        client, agent, url, tea, soap, django_assert_max_num_queries):
    agent_services.hide_product(agent, soap.product.public_id)
    page(client, url("shop"))
    with django_assert_max_num_queries(3):
        assert page(client, url("shop"))[0] == 200


def test_the_api_checkout_also_refuses_a_closed_shop_and_hidden_products(agent, tea, soap):
    """The pages refuse both; so does the service every way in goes through."""
    from weishang.core.errors import Conflict, InvalidInput
    from weishang.orders import services as orders

    def place(variant):
        return orders.place_order(shop=agent.user.shop,
                                  lines=[orders.CartLine(variant.public_id, 1)],
                                  recipient=orders.Recipient(**ADDRESS))

    agent_services.hide_product(agent, tea.product.public_id)
    with pytest.raises(InvalidInput, match="乌龙茶"):
        place(tea)
    assert place(soap).shop == agent.user.shop
    agent.state = "suspended"
    agent.save()
    with pytest.raises(Conflict):
        place(soap)
    assert Order.objects.count() == 1

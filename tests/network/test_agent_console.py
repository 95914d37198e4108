"""The agent's console: their dashboard as the console home, shop link and QR, team,
invitation, profile and the products their shop hides."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import AgentFactory, AgentLevelFactory, UserFactory
from weishang.network.models import HiddenProduct
from weishang.orders import services as orders
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def png(color="red", size=(40, 40)):
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, "PNG")
    return SimpleUploadedFile("p.png", output.getvalue(), content_type="image/png")


@pytest.fixture
def agent(owner):
    return AgentFactory(name="小美")


@pytest.fixture
def sell(stocked, recipient):
    """sell(agent, price): an order placed in the agent's shop."""

    def place(agent, price="50.00", key=None):
        variant = stocked(5, price=price)
        return orders.place_order(shop=agent.user.shop, lines=[CartLine(variant.public_id, 1)],
                                  recipient=recipient, idempotency_key=key)

    return place


def test_the_console_home_of_an_agent_is_their_dashboard(agent, sell, owner):
    paid = sell(agent, "120.00")
    orders.confirm_payment(paid, actor=owner)
    sell(agent, "30.00")  # waiting for payment
    page = html(login(agent.user).get(reverse("console:home")))
    assert "Hello, 小美" in page
    assert f"/s/{agent.user.shop.code}/" in page
    assert "data-shop-qr" in page and "<svg" in page
    assert 'data-stat="orders-waiting">2<' in page  # paid (to ship) and awaiting payment
    assert "¥120.00" in page
    for name in ("agent:team", "agent:invite", "agent:products", "agent:profile"):
        assert reverse(name) in page
    # Owner sections are not offered.
    assert reverse("catalog:product_list") not in page
    assert reverse("inventory:low_stock") not in page


def test_the_dashboard_query_count_does_not_grow_with_orders(agent, sell,
                                                             django_assert_max_num_queries):
    client = login(agent.user)
    for _ in range(5):
        sell(agent)
    with django_assert_max_num_queries(12):
        client.get(reverse("console:home"))


def test_the_bottom_nav_of_an_agent(agent):
    page = html(login(agent.user).get(reverse("console:home")))
    nav = page[page.index('data-nav="agent"'):]
    for name in ("console:home", "orders:list", "customers:list", "marketing:post_list",
                 "agent:profile"):
        assert reverse(name) in nav
    assert reverse("marketing:plan") not in nav


def test_the_shop_qr_is_a_png_of_the_shop_link(agent):
    response = login(agent.user).get(reverse("agent:shop_qr"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"


def test_a_suspended_agent_is_told_their_shop_is_closed(agent):
    agent.state = "suspended"
    agent.save()
    assert "data-agent-inactive" in html(login(agent.user).get(reverse("console:home")))


def test_the_team_lists_direct_downline_only_with_masked_numbers(agent):
    direct = AgentFactory(upline=agent, name="直属", user__phone="13912345678")
    AgentFactory(upline=direct, name="隔代")
    page = html(login(agent.user).get(reverse("agent:team")))
    assert "直属" in page and "隔代" not in page
    assert "139****5678" in page and "13912345678" not in page
    assert direct.level.name in page


def test_the_team_page_query_count_does_not_grow(agent, django_assert_max_num_queries):
    client = login(agent.user)
    for _ in range(6):
        AgentFactory(upline=agent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("agent:team")).status_code == 200


def test_the_invitation_shows_the_link_code_and_poster(agent):
    page = html(login(agent.user).get(reverse("agent:invite")))
    assert reverse("join:apply", args=[agent.code]) in page
    assert f'data-invitation-code>{agent.code}<' in page
    assert reverse("join:poster", args=[agent.code]) in page


def test_the_dashboard_and_nav_link_earnings_and_cloud_stock(agent):
    page = html(login(agent.user).get(reverse("console:home")))
    assert reverse("purchases:cloud") in page
    nav = page[page.index('data-nav="agent"'):]
    assert reverse("earnings:home") in nav


def test_a_level_that_may_not_invite_has_no_invitation(owner):
    agent = AgentFactory(level=AgentLevelFactory(rank=9, may_invite=False))
    page = html(login(agent.user).get(reverse("agent:invite")))
    assert "data-no-invitations" in page and f"/join/{agent.code}/" not in page


def test_the_profile_saves_name_wechat_avatar_and_qr(agent):
    client = login(agent.user)
    response = client.post(reverse("agent:profile"), {
        "name": "小美姐", "wechat_id": "xiaomei88", "avatar": png(), "wechat_qr": png("blue")})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.name, agent.wechat_id) == ("小美姐", "xiaomei88")
    assert agent.avatar and agent.wechat_qr
    # Saving again without files keeps the pictures; the remove box takes one away.
    client.post(reverse("agent:profile"), {"name": "小美姐", "wechat_id": "xiaomei88"})
    agent.refresh_from_db()
    assert agent.avatar and agent.wechat_qr
    client.post(reverse("agent:profile"), {"name": "小美姐", "remove_avatar": "on"})
    agent.refresh_from_db()
    assert not agent.avatar and agent.wechat_qr


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("x.png", b"not a picture", content_type="image/png"),
     "This file is not a picture we accept"),
    (SimpleUploadedFile("x.png", b"", content_type="image/png"), "The submitted file is empty"),
])
def test_a_bad_picture_is_refused_with_a_message_and_nothing_saved(agent, upload, message):
    response = login(agent.user).post(reverse("agent:profile"),
                                      {"name": "新名字", "avatar": upload})
    assert response.status_code == 400
    assert message in html(response)
    agent.refresh_from_db()
    assert agent.name == "小美" and not agent.avatar


def test_an_empty_name_is_refused(agent):
    response = login(agent.user).post(reverse("agent:profile"), {"name": "  "})
    assert response.status_code == 400
    agent.refresh_from_db()
    assert agent.name == "小美"


def test_products_are_hidden_and_shown_again(agent, stocked):
    variant = stocked(3, title="玫瑰精油")
    client = login(agent.user)
    page = html(client.get(reverse("agent:products")))
    assert "玫瑰精油" in page
    product = variant.product
    client.post(reverse("agent:hide_product", args=[product.public_id]))
    client.post(reverse("agent:hide_product", args=[product.public_id]))  # twice: one hide
    assert HiddenProduct.objects.filter(agent=agent, product=product).count() == 1
    assert 'data-hidden="1"' in html(client.get(reverse("agent:products")))
    client.post(reverse("agent:show_product", args=[product.public_id]))
    assert not HiddenProduct.objects.exists()


def test_hiding_an_unknown_product_says_so(agent):
    response = login(agent.user).post(reverse("agent:hide_product", args=["nope"]),
                                      follow=True)
    assert "There is no such product." in html(response)
    assert not HiddenProduct.objects.exists()


def test_the_products_page_query_count_does_not_grow(agent, stocked,
                                                     django_assert_max_num_queries):
    client = login(agent.user)
    for index in range(6):
        stocked(2, title=f"商品{index}")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("agent:products")).status_code == 200


@pytest.mark.parametrize("name", ["agent:team", "agent:invite", "agent:profile",
                                  "agent:products", "agent:shop_qr"])
def test_only_agents_open_the_agent_pages(owner, name):
    assert login(owner).get(reverse(name)).status_code == 403
    assert login(UserFactory(role="staff", areas=["agents"])).get(reverse(name)).status_code \
        == 403
    anonymous = Client().get(reverse(name))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]


"""The owner sees who bought an order when an agent did: a badge on the console's order list
and order page (代理自购, 团队订单, 代理订单) and the buyer in the orders API. Before, the
buyer checkout recorded was nowhere to be seen, although it decides what the order earns."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api_clients import english_client
from tests.factories import AgentFactory
from weishang.orders import services
from weishang.orders.models import Order
from weishang.orders.services import CartLine, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders_by_buyer(stocked):
    """{buyer: order} in one agent's shop: a customer's, her team's, another agent's and her
    own (checkout refuses that one now; one from before is written as the migration left it)."""
    seller = AgentFactory()
    team, elsewhere = AgentFactory(upline=seller), AgentFactory()
    tea = stocked(20, price="30.00")

    def bought_by(phone):
        return services.place_order(
            shop=seller.user.shop, lines=[CartLine(tea.public_id, 1)],
            recipient=Recipient(name="买家", phone=phone, province="广东省", city="深圳市",
                                district="南山区", street="科技园1号"))

    placed = {"customer": bought_by("13812345678"), "team": bought_by(team.user.phone),
              "agent": bought_by(elsewhere.user.phone), "self": bought_by("13812340000")}
    Order.objects.filter(pk=placed["self"].pk).update(buyer_relation="self", buyer_agent=seller)
    return placed


BADGES = {"self": "代理自购", "team": "团队订单", "agent": "代理订单"}


def badge_of(page: str, relation: str) -> str:
    start = page.index(f'data-buyer="{relation}"')
    return page[page.index(">", start) + 1:page.index("</span>", start)]


def test_the_order_list_and_page_show_an_agents_order_with_its_badge(owner_client,
                                                                    orders_by_buyer):
    listing = owner_client.get(reverse("orders:list")).content.decode()
    assert {relation: badge_of(listing, relation) for relation in BADGES} == BADGES
    assert listing.count("data-buyer=") == 3, "a customer's order has no badge"
    for relation, badge in BADGES.items():
        page = owner_client.get(reverse("orders:detail",
                                        args=[orders_by_buyer[relation].number]))
        assert badge_of(page.content.decode(), relation) == badge
    customer = owner_client.get(reverse("orders:detail",
                                        args=[orders_by_buyer["customer"].number]))
    assert "data-buyer=" not in customer.content.decode()


def test_the_orders_api_names_the_buyer(owner, orders_by_buyer):
    rows = english_client(owner).get("/api/v1/orders/").json()["results"]
    seen = {row["number"]: (row["buyer_relation"], row["buyer_badge"]) for row in rows}
    assert {relation: seen[order.number] for relation, order in orders_by_buyer.items()} == {
        "customer": ("customer", ""), "team": ("team", "Team order"),
        "agent": ("agent", "Agent order"), "self": ("self", "Agent's own order")}
    chinese = APIClient()
    chinese.force_authenticate(owner)
    detail = chinese.get(f"/api/v1/orders/{orders_by_buyer['team'].number}/").json()
    assert (detail["buyer_relation"], detail["buyer_badge"]) == ("team", "团队订单")

"""Agent A against agent B, and agents against the owner's pages: an agent reads and changes
only their own shop, orders, customers, team and profile, on every page and endpoint. Every
route that takes an id is swept in tests/test_routes_permissions.py."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import AgentFactory, CustomerFactory, UserFactory
from tests.routes import named_routes
from weishang.accounts.models import Area
from weishang.customers.models import Customer, CustomerNote
from weishang.network.agent import services as agent_services
from weishang.network.models import HiddenProduct
from weishang.orders import services as orders
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db
#: Console sections an agent uses (their own data only); everything else is the owner's.
AGENT_SECTIONS = {"console", "agent"}
AGENT_PAGES = {"orders:list", "customers:list", "customers:create", "certificates:mine",
               "earnings:home", "earnings:withdraw", "earnings:my_withdrawals",
               "purchases:list", "purchases:new", "purchases:cloud", "purchases:buybacks",
               "purchases:buyback_new", "marketing:post_list"}


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def agent_a(owner):
    return AgentFactory(name="甲")


@pytest.fixture
def agent_b(owner):
    return AgentFactory(name="乙")


@pytest.fixture
def order_of(stocked, recipient):
    def place(agent):
        variant = stocked(5, price="40.00")
        return orders.place_order(shop=agent.user.shop, lines=[CartLine(variant.public_id, 1)],
                                  recipient=recipient)

    return place


def _console_pages():
    """(name, path) of every console page without arguments (an owner page unless an agent's)."""
    for name, path in named_routes():
        if path.startswith("console/") and "<" not in path:
            yield name, "/" + path


OWNER_PAGES = [(name, path) for name, path in _console_pages()
               if name.split(":")[0] not in AGENT_SECTIONS and name not in AGENT_PAGES]


def test_an_agent_may_manage_no_area(agent_a):
    assert not any(agent_a.user.can(area) for area in Area.values)


@pytest.mark.parametrize("name, path", OWNER_PAGES, ids=[name for name, _ in OWNER_PAGES])
def test_every_owner_page_refuses_an_agent(agent_a, name, path):
    client = login(agent_a.user)
    assert client.get(path).status_code == 403
    assert client.post(path, {}).status_code in (403, 405)


def test_an_agent_sees_only_their_own_shops_orders(agent_a, agent_b, order_of):
    mine, theirs = order_of(agent_a), order_of(agent_b)
    client = login(agent_a.user)
    page = client.get(reverse("orders:list")).content.decode()
    assert f'data-order="{mine.number}"' in page and f'data-order="{theirs.number}"' not in page
    assert client.get(reverse("orders:detail", args=[mine.number])).status_code == 200
    assert client.get(reverse("orders:detail", args=[theirs.number])).status_code == 404
    # Searching by B's number finds nothing either.
    assert f'data-order="{theirs.number}"' not in client.get(
        reverse("orders:list"), {"q": theirs.number}).content.decode()


def test_an_agent_reads_their_order_but_cannot_move_it(agent_a, order_of):
    mine = order_of(agent_a)
    client = login(agent_a.user)
    page = client.get(reverse("orders:detail", args=[mine.number])).content.decode()
    assert reverse("orders:action", args=[mine.number, "confirm_payment"]) not in page
    response = client.post(reverse("orders:action", args=[mine.number, "cancel"]), {"note": "x"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.state == "pending_payment"


def test_an_agent_sees_only_their_own_customers(agent_a, agent_b):
    mine = CustomerFactory(seller=agent_a.user, name="甲的客户")
    theirs = CustomerFactory(seller=agent_b.user, name="乙的客户")
    client = login(agent_a.user)
    page = client.get(reverse("customers:list")).content.decode()
    assert "甲的客户" in page and "乙的客户" not in page
    assert client.get(reverse("customers:detail", args=[mine.public_id])).status_code == 200
    for name in ("detail", "edit"):
        assert client.get(reverse(f"customers:{name}", args=[theirs.public_id])).status_code \
            == 404
    for name in ("add_note", "reveal_phone", "export"):
        response = client.post(reverse(f"customers:{name}", args=[theirs.public_id]),
                               {"text": "偷看", "file_format": "json"})
        assert response.status_code == 404
    assert not CustomerNote.objects.filter(customer=theirs).exists()


def test_a_customer_an_agent_adds_is_their_own(agent_a):
    client = login(agent_a.user)
    response = client.post(reverse("customers:create"), {"name": "新客户",
                                                         "phone": "13600001111"})
    assert response.status_code == 302
    assert Customer.objects.get(name="新客户").seller == agent_a.user


def test_the_customer_list_hides_the_owners_care_tools_from_agents(agent_a):
    page = login(agent_a.user).get(reverse("customers:list")).content.decode()
    assert reverse("customers:today") not in page
    assert reverse("customers:import_upload") not in page


def test_one_agents_hidden_products_do_not_touch_anothers(agent_a, agent_b, stocked):
    product = stocked(2).product
    agent_services.hide_product(agent_b, product.public_id)
    client = login(agent_a.user)
    client.post(reverse("agent:show_product", args=[product.public_id]))
    assert HiddenProduct.objects.filter(agent=agent_b, product=product).exists()
    page = client.get(reverse("agent:products")).content.decode()
    assert 'data-hidden="1"' not in page
    api = english_client(agent_a.user)
    assert api.delete(f"/api/v1/agent/hidden-products/{product.public_id}/").status_code == 204
    assert HiddenProduct.objects.filter(agent=agent_b, product=product).exists()
    assert api.get("/api/v1/agent/hidden-products/").json()["count"] == 0


def test_an_agent_sees_only_their_own_team(agent_a, agent_b):
    AgentFactory(upline=agent_b, name="乙的下级")
    assert "乙的下级" not in login(agent_a.user).get(reverse("agent:team")).content.decode()
    assert english_client(agent_a.user).get("/api/v1/agent/team/").json()["count"] == 0


def test_an_agents_profile_changes_touch_only_them(agent_a, agent_b):
    login(agent_a.user).post(reverse("agent:profile"), {"name": "甲改"})
    english_client(agent_a.user).patch("/api/v1/agent/profile/", {"wechat_id": "a1"},
                                       format="json")
    agent_b.refresh_from_db()
    assert (agent_b.name, agent_b.wechat_id) != ("甲改", "a1")
    assert english_client(agent_a.user).get("/api/v1/agent/profile/").json()["id"] \
        == agent_a.public_id


def test_the_api_gives_agent_a_none_of_agent_bs_orders(agent_a, agent_b, order_of):
    theirs = order_of(agent_b)
    api = english_client(agent_a.user)
    assert api.get("/api/v1/agent/orders/").json()["count"] == 0
    response = api.get(f"/api/v1/agent/orders/{theirs.number}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    # Nor through the owner's endpoints.
    assert api.get("/api/v1/orders/").status_code == 403
    assert api.get(f"/api/v1/orders/{theirs.number}/").status_code in (403, 404)


@pytest.mark.parametrize("path", ["profile/", "hidden-products/", "orders/", "team/"])
def test_the_agent_api_is_for_agents_only(owner, path):
    assert english_client(owner).get(f"/api/v1/agent/{path}").status_code == 403
    staff = UserFactory(role="staff", areas=["agents", "orders"])
    assert english_client(staff).get(f"/api/v1/agent/{path}").status_code == 403
    assert english_client().get(f"/api/v1/agent/{path}").status_code in (401, 403)


def test_a_login_with_the_agent_role_but_no_agent_record_gets_nothing(owner):
    user = UserFactory(role="agent")
    assert english_client(user).get("/api/v1/agent/profile/").status_code == 403
    assert login(user).get(reverse("agent:team")).status_code == 403
    assert login(user).get(reverse("console:home")).status_code == 403


def test_an_agent_cannot_reach_another_agents_shop_settings(agent_a):
    client = login(agent_a.user)
    assert client.get(reverse("orders:settings")).status_code == 403
    assert client.get(reverse("accounts:staff_list")).status_code == 403

"""Nobody earns on their own purchases: an agent is refused in her own shop (she buys stock on the
purchase page, within her level's limits), an upline earns nothing on an order she placed in a
downline's shop, and an order bought by any other agent — the seller's team, her upline, an
agent elsewhere — is no retail sale: flagged, never retail, shipped from the owner's stock,
earning only if the owner says so. All through the API, as an agent would try it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.commissions.earning import agent, balance, earned, money
from tests.factories import AgentFactory, AgentLevelFactory
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason, StockLevel
from weishang.network.models import LevelVariantRule
from weishang.orders.models import BuyerRelation, Order, OrderKind

pytestmark = pytest.mark.django_db

RECIPIENT = {"name": "李四", "phone": "13912340000", "province": "广东省", "city": "深圳市",
             "district": "南山区", "street": "粤海街道科技园南区8栋"}


def dashed(phone: str) -> str:
    """A mobile number as people type it: +86 139-1234-0000."""
    return f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"


def checkout(shop_owner, variant, quantity=1, *, phone=None, as_user=None):
    """A checkout in ``shop_owner``'s shop through the API (anonymous unless ``as_user``)."""
    return english_client(as_user).post("/api/v1/checkout/", {
        "shop_code": shop_owner.user.shop.code,
        "lines": [{"variant": variant.public_id, "quantity": quantity}],
        "recipient": {**RECIPIENT, "phone": phone or RECIPIENT["phone"]},
    }, format="json")


def pay(owner, answer):
    number = answer.json()["number"]
    paid = english_client(owner).post(f"/api/v1/orders/{number}/confirm-payment/", {},
                                      format="json")
    assert paid.status_code == 200
    return Order.objects.get(number=number)


def upline_commission_on(owner, percent="10"):
    answer = english_client(owner).patch("/api/v1/earnings/settings/", {
        "upline_enabled": True, "upline_percent": percent, "confirm_upline": True},
        format="json")
    assert answer.status_code == 200


def test_an_agent_refused_on_the_purchase_page_cannot_buy_through_her_own_shop(owner, stocked):
    tejue = AgentLevelFactory(rank=1, name="特约", discount_percent=Decimal("20"))
    serum = stocked(100, price="139.00", title="精华液")
    LevelVariantRule.objects.create(level=tejue, variant=serum, max_per_month=20)
    her = AgentFactory(level=tejue)
    api = english_client(her.user)
    refused = api.post("/api/v1/purchases/", {
        "lines": [{"variant": serum.public_id, "quantity": 25}], "delivery": "cloud"},
        format="json")
    assert refused.status_code == 400 and "at most 20 per month" in refused.json()["message"]

    attempts = [checkout(her, serum, 25, phone=her.user.phone),
                checkout(her, serum, 25, phone=dashed(her.user.phone)),
                checkout(her, serum, 25, as_user=her.user),  # logged in, a friend's number
                checkout(her, serum, 25, phone=her.user.phone, as_user=her.user)]
    for answer in attempts:
        assert answer.status_code == 409
        assert answer.json()["code"] == "own_shop"
        assert reverse("purchases:new") in answer.json()["message"]
        assert "level's purchase limits" in answer.json()["message"]
    assert not Order.objects.filter(kind=OrderKind.RETAIL).exists()
    assert not LedgerEntry.objects.exists(), "before: ¥695 credited for 25 serums"
    assert StockLevel.objects.get(variant=serum).quantity == 100


def test_an_agent_buys_in_her_own_shop_through_the_storefront_neither(client, owner, stocked):
    her = agent()
    tea = stocked(10, price="88.00")
    client.force_login(her.user)
    shop = her.user.shop.code
    client.post(reverse("storefront:cart_add", args=[shop]), {"variant": tea.public_id,
                                                              "quantity": 1})
    page = client.post(reverse("storefront:checkout", args=[shop]), {
        **RECIPIENT, "note": "", "idempotency_key": "k1", "action": "place"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "This is your own shop" in page.content.decode()
    assert not Order.objects.exists()


def test_an_upline_buying_in_her_downlines_shop_earns_no_commission_on_it(owner, stocked):
    upline_commission_on(owner)
    agents_orders_earn(owner)
    upline = agent()
    seller = agent(upline=upline)
    tea = stocked(10, price="100.00")
    order = pay(owner, checkout(seller, tea, phone=dashed(upline.user.phone)))
    assert (order.buyer_relation, order.buyer_agent) == (BuyerRelation.UPLINE, upline)
    assert earned(seller) == money(30), "the owner lets agents' orders earn: the seller does"
    assert earned(upline) == 0 and balance(upline) == {}
    # The same upline earns her commission on a customer's order.
    pay(owner, checkout(seller, tea))
    assert earned(upline, EntryKind.UPLINE) == money(3)


def test_an_order_by_the_sellers_team_is_a_team_order_earning_nothing_by_default(owner,
                                                                                  stocked):
    upline_commission_on(owner)
    top = agent()
    seller = agent(upline=top)
    downline = agent(upline=seller)
    below_that = agent(upline=downline)
    tea = stocked(20, price="100.00")
    inventory.adjust_stock(variant=tea, delta=5, reason=MovementReason.PURCHASE,
                           location=inventory.cloud_location(seller.user))
    by_login = pay(owner, checkout(seller, tea, as_user=downline.user))
    by_phone = pay(owner, checkout(seller, tea, phone=below_that.user.phone))
    for order, buyer in ((by_login, downline), (by_phone, below_that)):
        assert (order.buyer_relation, order.buyer_agent) == (BuyerRelation.TEAM, buyer)
        assert order.lines.get().stock_source == "warehouse", "cloud stock serves customers"
    assert StockLevel.objects.get(location__holder=seller.user).quantity == 5
    assert not LedgerEntry.objects.exists(), "neither the seller nor her upline earns"


def agents_orders_earn(owner):
    answer = english_client(owner).patch("/api/v1/earnings/settings/",
                                         {"team_orders_earn": True}, format="json")
    assert answer.status_code == 200 and answer.json()["team_orders_earn"] is True


def test_team_orders_earn_once_the_owner_switches_them_on(owner, stocked):
    agents_orders_earn(owner)
    seller = agent()
    downline = agent(upline=seller)
    tea = stocked(10, price="100.00")
    order = pay(owner, checkout(seller, tea, phone=downline.user.phone))
    assert order.buyer_relation == BuyerRelation.TEAM, "still a team order, never retail"
    assert earned(seller) == money(30)


def test_a_customer_and_an_applicant_are_customers_agents_are_not(owner, stocked):
    seller = agent()
    elsewhere = agent()
    applicant = agent(upline=seller, state="applied", joined_at=None)
    former = agent(upline=seller, state="exited")
    tea = stocked(10, price="100.00")
    orders = [pay(owner, checkout(seller, tea)),
              pay(owner, checkout(seller, tea, phone=elsewhere.user.phone)),
              pay(owner, checkout(seller, tea, phone=applicant.user.phone)),
              pay(owner, checkout(seller, tea, phone=former.user.phone))]
    assert [(o.buyer_relation, o.buyer_agent) for o in orders] == [
        (BuyerRelation.CUSTOMER, None), (BuyerRelation.AGENT, elsewhere),
        (BuyerRelation.CUSTOMER, None), (BuyerRelation.TEAM, former)]
    assert earned(seller) == money(60), "an agent who left stays in the team she left"


def test_agents_buying_in_each_others_shops_earn_nothing_by_default(owner, stocked):
    """Cross-buying: A buys at retail in B's shop, B in A's. Paid the margin back, each would
    buy at her level price past her level's limits (before: both earned ¥30, and A's order
    drew B's cloud stock)."""
    a, b = agent(), agent()
    tea = stocked(10, price="100.00")
    inventory.adjust_stock(variant=tea, delta=5, reason=MovementReason.PURCHASE,
                           location=inventory.cloud_location(b.user))
    by_a = pay(owner, checkout(b, tea, as_user=a.user))
    by_b = pay(owner, checkout(a, tea, phone=dashed(b.user.phone)))
    assert [(order.buyer_relation, order.buyer_agent) for order in (by_a, by_b)] == [
        (BuyerRelation.AGENT, a), (BuyerRelation.AGENT, b)]
    assert not LedgerEntry.objects.exists()
    assert by_a.lines.get().stock_source == "warehouse", "cloud stock serves customers"
    assert StockLevel.objects.get(location__holder=b.user).quantity == 5

    agents_orders_earn(owner)
    pay(owner, checkout(b, tea, as_user=a.user))
    assert (earned(a), earned(b)) == (0, money(30)), "the owner lets agents' orders earn"


def test_an_agent_buying_in_the_owners_shop_is_named_and_earns_nothing(owner, shop, stocked):
    buyer = agent()
    tea = stocked(10, price="100.00")
    answer = english_client(buyer.user).post("/api/v1/checkout/", {
        "shop_code": shop.code, "lines": [{"variant": tea.public_id, "quantity": 1}],
        "recipient": RECIPIENT}, format="json")
    order = pay(owner, answer)
    assert (order.buyer_relation, order.buyer_agent) == (BuyerRelation.AGENT, buyer)
    assert not LedgerEntry.objects.exists()

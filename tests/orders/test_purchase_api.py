"""The API of stock purchases, cloud stock and buy-backs: each agent only their own."""

from decimal import Decimal

import pytest

from tests.api_clients import english_client
from tests.factories import UserFactory
from tests.orders.purchasing import buy, buy_into_cloud, cloud, new_agent, rule, set_state

pytestmark = pytest.mark.django_db


def test_an_agent_buys_and_lists_only_their_own(owner, stocked):
    agent, other = new_agent(), new_agent("小丽")
    variant = stocked(20, price="100.00")
    buy(other, variant, 1)
    api = english_client(agent.user)
    created = api.post("/api/v1/purchases/", {
        "lines": [{"variant": variant.public_id, "quantity": 2}], "delivery": "cloud"},
        format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["lines"][0]["unit_price"] == "70.00"
    listed = api.get("/api/v1/purchases/").json()["results"]
    assert [row["number"] for row in listed] == [created.json()["number"]]


def test_a_purchase_outside_the_limits_is_a_clear_400(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    rule(agent.level, variant, max_per_order=3)
    answer = english_client(agent.user).post("/api/v1/purchases/", {
        "lines": [{"variant": variant.public_id, "quantity": 4}], "delivery": "cloud"},
        format="json")
    assert answer.status_code == 400
    assert "at most 3 per order" in answer.json()["message"]


def test_a_shipped_purchase_takes_the_recipient(owner, stocked):
    agent = new_agent()
    answer = english_client(agent.user).post("/api/v1/purchases/", {
        "lines": [{"variant": stocked(5).public_id, "quantity": 1}], "delivery": "ship",
        "recipient": {"name": "小美", "phone": "13912345678", "province": "广东省",
                      "city": "深圳市", "district": "南山区", "street": "科技园1号"}},
        format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["delivery"] == "ship"


def test_the_owner_lists_all_purchases_staff_without_the_area_may_not(owner, stocked):
    buy(new_agent(), stocked(5), 1)
    buy(new_agent("小丽"), stocked(5), 1)
    assert english_client(owner).get("/api/v1/purchases/").json()["count"] == 2
    assert english_client(UserFactory(role="staff")).get("/api/v1/purchases/").status_code == 403
    assert english_client().get("/api/v1/purchases/").status_code in (401, 403)


def test_cloud_stock_is_the_agents_own(owner, stocked):
    agent, other = new_agent(), new_agent("小丽")
    mine, theirs = stocked(20, title="面膜"), stocked(20, title="精华")
    buy_into_cloud(agent, mine, 3, owner)
    buy_into_cloud(other, theirs, 4, owner)
    rows = english_client(agent.user).get("/api/v1/cloud-stock/").json()["results"]
    assert [(row["variant"], row["quantity"]) for row in rows] == [(mine.public_id, 3)]


def test_buy_back_requested_by_the_exited_agent_paid_by_the_owner(owner, stocked):
    agent, other = new_agent(), new_agent("小丽")
    variant = stocked(20, price="100.00")
    buy_into_cloud(agent, variant, 2, owner)
    api = english_client(agent.user)
    body = {"lines": [{"variant": variant.public_id, "quantity": 2}]}
    refused = api.post("/api/v1/buybacks/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "agent_not_exited")
    set_state(agent, "exited")
    created = api.post("/api/v1/buybacks/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["amount"] == "126.00" and cloud(agent, variant) == 0
    public_id = created.json()["public_id"]
    assert english_client(other.user).get("/api/v1/buybacks/").json()["count"] == 0
    not_owner = english_client(other.user).post(f"/api/v1/buybacks/{public_id}/pay/",
                                                {"reference": "x"}, format="json")
    assert not_owner.status_code == 403
    paid = english_client(owner).post(f"/api/v1/buybacks/{public_id}/pay/",
                                      {"reference": "微信 42"}, format="json")
    assert paid.status_code == 200 and paid.json()["state"] == "paid"
    assert Decimal(paid.json()["percent"]) == 90


def test_an_unknown_variant_in_a_buy_back_is_a_400(owner):
    agent = set_state(new_agent(), "exited")
    answer = english_client(agent.user).post(
        "/api/v1/buybacks/", {"lines": [{"variant": "0" * 32, "quantity": 1}]}, format="json")
    assert answer.status_code == 400

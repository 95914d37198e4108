"""The network API: levels (lawful conditions only), agents with state, level and upline
changes for the owner, the public application; agents and other staff are refused."""

import pytest

from tests.api_clients import english_client
from tests.factories import AgentFactory, UserFactory
from weishang.network.models import Agent, AgentLevel, AgentState, LevelVariantRule

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return english_client(owner)


def test_levels_crud_with_conditions(api, entry_level):
    created = api.post("/api/v1/agent-levels/", {
        "rank": 2, "name": "一级", "discount_percent": "30", "combination": "any",
        "conditions": {"retail_sales": "5000", "months_active": "6"}}, format="json")
    assert created.status_code == 201, created.data
    assert created.data["conditions"] == {"retail_sales": "5000.00", "months_active": "6.00"}
    level_id = created.data["id"]
    changed = api.put(f"/api/v1/agent-levels/{level_id}/", {
        "rank": 2, "name": "一级代理", "discount_percent": "35"}, format="json")
    assert changed.status_code == 200 and changed.data["conditions"] == {}
    assert [level["name"] for level in api.get("/api/v1/agent-levels/").data] == [
        "特约", "一级代理"]
    assert api.delete(f"/api/v1/agent-levels/{level_id}/").status_code == 204


@pytest.mark.parametrize("metric", ["purchase_volume", "payments", "recruits"])
def test_a_condition_on_purchases_payments_or_recruits_is_refused(api, metric):
    response = api.post("/api/v1/agent-levels/", {
        "rank": 1, "name": "特约", "discount_percent": "10", "conditions": {metric: "1"}},
        format="json")
    assert response.status_code == 400
    assert response.data["code"] == "unlawful_condition"
    assert "never purchases, payments or people recruited" in response.data["message"]
    assert not AgentLevel.objects.exists()


def test_a_level_held_by_agents_is_not_deleted(api, entry_level):
    AgentFactory(level=entry_level)
    response = api.delete(f"/api/v1/agent-levels/{entry_level.pk}/")
    assert response.status_code == 409 and response.data["code"] == "level_in_use"


def test_variant_rules(api, entry_level, stocked):
    variant = stocked(3, price="100.00")
    url = f"/api/v1/agent-levels/{entry_level.pk}/rules/"
    response = api.post(url, {"variant": variant.public_id, "price": "66.00",
                              "max_per_month": 10}, format="json")
    assert response.status_code == 200
    assert response.data[0]["price"] == "66.00"
    bad = api.post(url, {"variant": variant.public_id, "min_per_order": 5, "max_per_order": 2},
                   format="json")
    assert bad.status_code == 400 and bad.data["fields"]["max_per_order"]
    assert api.post(url, {"variant": variant.public_id}, format="json").data == []
    assert not LevelVariantRule.objects.exists()


def test_apply_approve_move_and_level(api, inviter, senior_level, entry_level, owner):
    anonymous = english_client()
    response = anonymous.post("/api/v1/agent-applications/", {
        "code": inviter.code, "name": "王芳", "phone": "17712345678", "password": PASSWORD},
        format="json")
    assert response.status_code == 202 and response.data["state"] == "applied"
    assert "once your application is approved" in response.data["message"]
    # The same number again: the same answer, and nothing made (no word of an account).
    duplicate = anonymous.post("/api/v1/agent-applications/", {
        "name": "王芳", "phone": "17712345678", "password": PASSWORD}, format="json")
    assert (duplicate.status_code, duplicate.data) == (202, response.data)

    listed = api.get("/api/v1/agents/", {"state": "applied"}).data["results"]
    assert len(listed) == 1
    agent_id = listed[0]["id"]
    approved = api.post(f"/api/v1/agents/{agent_id}/state/", {"state": "active"},
                        format="json")
    assert approved.status_code == 200
    assert approved.data["state"] == "active" and approved.data["upline"] == inviter.public_id

    cycle = api.post(f"/api/v1/agents/{inviter.public_id}/upline/", {"upline": agent_id},
                     format="json")
    assert cycle.status_code == 409 and cycle.data["code"] == "upline_cycle"
    moved = api.post(f"/api/v1/agents/{agent_id}/upline/", {"upline": None}, format="json")
    assert moved.data["upline"] is None
    assert [change["reason"] for change in moved.data["upline_changes"]] == [
        "invitation", "owner_move"]

    levelled = api.post(f"/api/v1/agents/{agent_id}/level/", {"level": senior_level.pk,
                                                             "note": "奖励"}, format="json")
    assert levelled.data["level"] == "一级"
    found = api.get("/api/v1/agents/", {"q": "12345678"}).data["results"]
    assert [agent["id"] for agent in found] == [agent_id]


def test_a_closed_invitation_is_refused(inviter):
    inviter.state = AgentState.EXITED
    inviter.save()
    response = english_client().post("/api/v1/agent-applications/", {
        "code": inviter.code, "name": "王芳", "phone": "17712345678", "password": PASSWORD},
        format="json")
    assert response.status_code == 409 and response.data["code"] == "invitation_closed"
    assert not Agent.objects.filter(user__phone="17712345678").exists()


def test_agents_and_other_staff_cannot_use_the_owners_endpoints(entry_level):
    agent_a, agent_b = AgentFactory.create_batch(2, level=entry_level)
    for user in (agent_a.user, UserFactory(role="staff", areas=["orders"])):
        client = english_client(user)
        assert client.get("/api/v1/agents/").status_code == 403
        assert client.get(f"/api/v1/agents/{agent_b.public_id}/").status_code == 403
        assert client.get("/api/v1/agent-levels/").status_code == 403
        assert client.post(f"/api/v1/agents/{agent_b.public_id}/state/",
                           {"state": "suspended"}).status_code == 403
        assert client.post(f"/api/v1/agents/{agent_b.public_id}/upline/",
                           {"upline": agent_a.public_id}, format="json").status_code == 403
    agent_b.refresh_from_db()
    assert agent_b.state == AgentState.ACTIVE and agent_b.upline is None
    assert english_client().get("/api/v1/agents/").status_code in (401, 403)


def test_agent_list_query_count(api, entry_level, django_assert_max_num_queries):
    AgentFactory.create_batch(6, level=entry_level)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/agents/").data["results"]) == 6


@pytest.mark.parametrize(("method", "path"), [
    ("get", "abc/"), ("put", "abc/"), ("delete", "abc/"), ("get", "abc/rules/"),
    ("post", "abc/rules/"), ("get", "%C2%A2/")])
def test_a_level_id_that_is_not_a_number_is_not_found(api, method, path):
    """Not a 500 (ValueError: "Field 'id' expected a number")."""
    response = getattr(api, method)(f"/api/v1/agent-levels/{path}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_a_rank_beyond_the_column_is_refused(api):
    response = api.post("/api/v1/agent-levels/", {
        "rank": 40000, "name": "至尊", "discount_percent": "10"}, format="json")
    assert response.status_code == 400 and "rank" in response.data["fields"]
    assert not AgentLevel.objects.exists()


def test_a_binding_longer_than_a_century_is_refused(api):
    """Its end would be past the last date there is: every later binding failed."""
    rules = {"binding_mode": "first", "auto_approve": True, "buyback_percent": "90"}
    response = api.put("/api/v1/network-settings/", {**rules, "binding_days": 10**9},
                       format="json")
    assert response.status_code == 400 and "binding_days" in response.data["fields"]
    assert api.get("/api/v1/network-settings/").data["binding_days"] is None


def test_rules_refuse_a_buyback_below_90(api, entry_level):
    assert api.get("/api/v1/network-settings/").data["buyback_percent"] == "90.00"
    rules = {"binding_mode": "signup", "binding_days": None, "auto_approve": True}
    refused = api.put("/api/v1/network-settings/", {**rules, "buyback_percent": "80"},
                      format="json")
    assert refused.status_code == 400 and refused.data["code"] == "buyback_too_low"
    saved = api.put("/api/v1/network-settings/", {**rules, "buyback_percent": "92.5"},
                    format="json")
    assert saved.data == {**rules, "buyback_percent": "92.50", "upgrade_review": "flag"}
    agent = AgentFactory(level=entry_level)
    assert english_client(agent.user).get("/api/v1/network-settings/").status_code == 403

"""The owner's agent pages and the public joining pages, as a person uses them; an agent
opens none of the owner's pages."""

import re
from io import BytesIO

import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import AgentFactory, UserFactory
from weishang.network import services
from weishang.network.models import Agent, AgentLevel, AgentState, NetworkSettings

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def owner_shop_ready(shop):
    return shop


def _apply(client, url, phone="17712345678", **kwargs):
    return client.post(url, {"name": "王芳", "phone": phone, "wechat_id": "wf88",
                             "region": "广东 深圳", "note": "", "password": PASSWORD}, **kwargs)


def test_an_invitation_leads_to_an_application_then_approval_then_login(
        client, owner, owner_shop_ready, inviter, english):
    page = client.get(reverse("join:apply", args=[inviter.code]))
    assert page.status_code == 200
    assert "李娜 invites you" in page.content.decode()
    assert "no fee and nothing to buy" in page.content.decode()
    response = _apply(client, reverse("join:apply", args=[inviter.code]))
    assert response.status_code == 302 and response.url == reverse("join:done")
    assert "Application sent" in client.get(response.url).content.decode()
    agent = Agent.objects.get(user__phone="17712345678")
    assert agent.state == AgentState.APPLIED and agent.invited_by == inviter

    client.force_login(owner)
    listed = client.get(reverse("network:applications")).content.decode()
    assert agent.public_id in listed
    response = client.post(reverse("network:change_state", args=[agent.public_id]),
                           {"state": "active", "note": ""})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.state == AgentState.ACTIVE and agent.upline == inviter
    client.logout()
    login = client.post(reverse("accounts:login"), {"username": "17712345678",
                                                     "password": PASSWORD})
    assert login.status_code == 302


def test_a_number_with_an_account_gets_the_same_answer_as_a_new_one(
        owner_shop_ready, entry_level, english):
    """What the applicant sees never says whether the number had an account; it says what
    to do if it had one."""
    def answer(client):
        response = _apply(client, reverse("join:owner"))
        page = client.get(response.url).content.decode()
        return response.status_code, response.url, page[page.index("data-join-done"):]

    first = answer(Client(HTTP_ACCEPT_LANGUAGE="en"))
    assert answer(Client(HTTP_ACCEPT_LANGUAGE="en")) == first
    assert "If this number already had an account" in first[2]
    assert Agent.objects.count() == 1


def test_the_done_page_is_only_after_applying(client, owner_shop_ready):
    response = client.get(reverse("join:done"))
    assert response.status_code == 302 and response.url == reverse("join:owner")


def test_a_closed_invitation_shows_a_clear_page(client, owner_shop_ready, inviter, english):
    inviter.state = AgentState.SUSPENDED
    inviter.save()
    response = client.get(reverse("join:apply", args=[inviter.code]))
    assert response.status_code == 409
    assert "not in use any more" in response.content.decode()
    assert client.get(reverse("join:poster", args=[inviter.code])).status_code == 404
    assert client.get(reverse("join:apply", args=["nosuchcd"])).status_code == 404


def test_auto_approve_welcomes_at_once(client, owner_shop_ready, inviter, english):
    NetworkSettings.objects.update_or_create(singleton=True, defaults={"auto_approve": True})
    response = _apply(client, reverse("join:apply", args=[inviter.code]), follow=True)
    assert "You can log in now" in response.content.decode()
    assert Agent.objects.get(user__phone="17712345678").state == AgentState.ACTIVE


def test_the_invitation_poster_is_a_png_whose_qr_code_opens_the_link(client, owner_shop_ready,
                                                                      inviter):
    for url, link in ((reverse("join:poster", args=[inviter.code]),
                       reverse("join:apply", args=[inviter.code])),
                      (reverse("join:owner_poster"), reverse("join:owner"))):
        response = client.get(url)
        assert response["Content-Type"] == "image/png"
        poster = Image.open(BytesIO(response.content))
        assert poster.size == (750, 1334)
        assert [found.text for found in zxingcpp.read_barcodes(poster)] == [
            f"http://testserver{link}"]


def test_agent_list_filters_and_searches(owner_client, entry_level,
                                         django_assert_max_num_queries):
    AgentFactory(level=entry_level, name="张伟")
    AgentFactory(level=entry_level, name="刘洋", state="suspended")
    AgentFactory.create_batch(5, level=entry_level)
    with django_assert_max_num_queries(12):
        page = owner_client.get(reverse("network:list")).content.decode()
    assert "张伟" in page and "刘洋" in page
    page = owner_client.get(reverse("network:list"), {"state": "suspended"}).content.decode()
    assert "刘洋" in page and "张伟" not in page
    page = owner_client.get(reverse("network:list"), {"q": "张"}).content.decode()
    assert "张伟" in page and "刘洋" not in page


def test_agent_page_shows_level_upline_team_and_histories(owner_client, owner, entry_level,
                                                          senior_level, english):
    upline = AgentFactory(level=entry_level, name="上级甲")
    agent = AgentFactory(level=entry_level, name="乙")
    AgentFactory(level=entry_level, upline=agent)
    services.move(owner, agent, upline)
    url = reverse("network:detail", args=[agent.public_id])
    page = owner_client.get(url).content.decode()
    assert "上级甲" in page and "Moved by the owner" in page

    response = owner_client.post(reverse("network:set_level", args=[agent.public_id]),
                                 {"level": senior_level.pk, "note": "奖励"})
    assert response.status_code == 302
    assert Agent.objects.get(pk=agent.pk).level == senior_level

    response = owner_client.post(reverse("network:move", args=[upline.public_id]),
                                 {"upline_code": agent.code})
    assert response.status_code == 400
    assert "own team" in response.content.decode()
    response = owner_client.post(reverse("network:move", args=[agent.public_id]),
                                 {"upline_code": ""})
    assert response.status_code == 302
    assert Agent.objects.get(pk=agent.pk).upline is None


def test_levels_pages(owner_client, entry_level, english):
    response = owner_client.post(reverse("network:level_create"), {
        "rank": 2, "name": "一级", "discount_percent": "30", "may_invite": "on",
        "combination": "all", "retail_sales": "5000", "retail_customers": "",
        "months_active": "3"})
    assert response.status_code == 302
    level = AgentLevel.objects.get(name="一级")
    assert level.conditions.count() == 2
    page = owner_client.get(reverse("network:levels")).content.decode()
    assert "Retail sales to customers" in page
    page = owner_client.get(reverse("network:level_edit", args=[level.pk])).content.decode()
    assert 'name="retail_sales"' in page
    assert 'name="purchase' not in page and 'name="recruit' not in page
    # A crafted request naming a purchase metric only sees the lawful fields: nothing else is
    # stored.
    response = owner_client.post(reverse("network:level_edit", args=[level.pk]), {
        "rank": 2, "name": "一级", "discount_percent": "30", "combination": "any",
        "purchase_volume": "1", "recruits": "3"})
    assert response.status_code == 302
    assert not level.conditions.exists()

    AgentFactory(level=entry_level)
    response = owner_client.post(reverse("network:level_delete", args=[entry_level.pk]),
                                 follow=True)
    assert "Agents hold this level" in response.content.decode()
    assert AgentLevel.objects.filter(pk=entry_level.pk).exists()


def test_the_level_form_shows_counts_as_whole_numbers(owner_client, english):
    """Months and customers are counted: the form said 24.00 months."""
    owner_client.post(reverse("network:level_create"), {
        "rank": 2, "name": "总代", "discount_percent": "40", "combination": "any",
        "retail_sales": "5000.50", "retail_customers": "30", "months_active": "24"})
    level = AgentLevel.objects.get(name="总代")
    page = owner_client.get(reverse("network:level_edit", args=[level.pk])).content.decode()
    assert re.search(r'name="months_active" value="24"[^>]*inputmode="numeric"', page)
    assert 'name="retail_customers" value="30"' in page
    assert 'name="retail_sales" value="5000.50"' in page
    refused = owner_client.post(reverse("network:level_edit", args=[level.pk]), {
        "rank": 2, "name": "总代", "discount_percent": "40", "combination": "any",
        "months_active": "2.5"})
    assert refused.status_code == 400 and "whole number" in refused.content.decode()


def test_level_variant_rule(owner_client, entry_level, stocked, english):
    variant = stocked(5, price="100.00")
    url = reverse("network:level_rule", args=[entry_level.pk])
    response = owner_client.post(url, {"variant": variant.pk, "price": "70",
                                       "min_per_order": "5", "max_per_order": "2"})
    assert response.status_code == 400
    response = owner_client.post(url, {"variant": variant.pk, "price": "70",
                                       "max_per_month": "20"})
    assert response.status_code == 302
    rule = entry_level.variant_rules.get()
    assert owner_client.post(reverse("network:level_rule_remove",
                                     args=[entry_level.pk, rule.pk])).status_code == 302
    assert not entry_level.variant_rules.exists()


def test_settings_page_refuses_a_buyback_below_90(owner_client, english):
    data = {"binding_mode": "overwrite", "binding_days": "30", "auto_approve": "on",
            "upgrade_review": "recompute"}
    response = owner_client.post(reverse("network:settings"), {**data, "buyback_percent": "85"})
    assert response.status_code == 400
    assert "at least 90%" in response.content.decode()
    response = owner_client.post(reverse("network:settings"), {**data, "buyback_percent": "95"})
    assert response.status_code == 302
    rules = NetworkSettings.load()
    assert (rules.binding_mode, rules.binding_days, rules.auto_approve,
            rules.upgrade_review) == ("overwrite", 30, True, "recompute")


def test_agents_and_other_staff_open_none_of_the_owners_pages(client, entry_level):
    agent_a = AgentFactory(level=entry_level)
    agent_b = AgentFactory(level=entry_level)
    urls = [reverse("network:list"), reverse("network:applications"), reverse("network:levels"),
            reverse("network:settings"), reverse("network:level_edit", args=[entry_level.pk]),
            reverse("network:detail", args=[agent_b.public_id])]
    posts = [reverse("network:change_state", args=[agent_b.public_id]),
             reverse("network:move", args=[agent_b.public_id]),
             reverse("network:set_level", args=[agent_b.public_id])]
    for user in (agent_a.user, UserFactory(role="staff", areas=["orders"])):
        client.force_login(user)
        assert all(client.get(url).status_code == 403 for url in urls)
        assert all(client.post(url, {"state": "suspended"}).status_code == 403 for url in posts)
    assert Agent.objects.get(pk=agent_b.pk).state == AgentState.ACTIVE
    client.force_login(UserFactory(role="staff", areas=["agents"]))
    assert client.get(reverse("network:list")).status_code == 200


@pytest.mark.parametrize("mode, rebinds", [("overwrite", True), ("first", False),
                                           ("signup", False)])
def test_an_agent_opening_a_later_invitation_rebinds_only_if_the_mode_allows(
        mode, rebinds, client, owner_shop_ready, entry_level, english):
    NetworkSettings.objects.update_or_create(singleton=True, defaults={"binding_mode": mode})
    first, later = AgentFactory.create_batch(2, level=entry_level)
    member = AgentFactory(level=entry_level, upline=first)
    client.force_login(member.user)
    url = reverse("join:apply", args=[later.code])
    page = client.get(url).content.decode()
    assert 'id="join-form"' not in page
    assert ("team: they become your upline" in page) is rebinds
    client.post(url)
    member.refresh_from_db()
    assert member.upline == (later if rebinds else first)


@pytest.mark.parametrize("language, expected", [
    ("zh-hans", ["— → 已申请", "已申请 → 正常", "正常 → 已暂停"]),
    ("en", ["— → Applied", "Applied → Active", "Active → Suspended"])])
def test_the_agent_history_names_states_in_the_readers_language(
        owner_client, owner, applicant, language, expected):
    """Not the stored codes (`— → applied`, `active → suspended`)."""
    agent = applicant()
    services.approve(owner, agent)
    services.change_state(owner, agent, AgentState.SUSPENDED, "暂停合作")
    page = owner_client.get(reverse("network:detail", args=[agent.public_id]),
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
    histories = [line for line in page.splitlines() if "data-event" in line]
    for change in expected:
        assert any(change in line for line in histories), (change, histories)

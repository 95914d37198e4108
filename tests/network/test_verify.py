"""The public check /verify/<number>: valid, expired or revoked with the date, the agent's
name, level and partly masked WeChat ID, in Chinese by default, without a login; an unknown
number is a friendly 404; a number typed in the form or in lower case finds its page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgentFactory, AgentLevelFactory
from weishang.accounts.models import Shop
from weishang.network.certificates import queries
from weishang.network.certificates import services as certificates


@pytest.fixture
def certificate(owner):
    Shop.objects.create(seller=owner, name="茶香坊")
    agent = AgentFactory(name="王芳", wechat_id="wangfang_888",
                         level=AgentLevelFactory(rank=1, name="特约"))
    return certificates.issue(agent)


def page(client, number):
    return client.get(reverse("verify:certificate", args=[number]))


def test_a_valid_certificate_says_so_in_chinese_with_the_wechat_id_masked(client, certificate):
    response = page(client, certificate.number)
    assert response.status_code == 200
    text = response.text
    assert 'data-state="valid"' in text
    assert "王芳" in text and "特约" in text and "茶香坊" in text
    assert "wa********88" in text and "wangfang_888" not in text
    assert 'lang="zh-hans"' in text


def test_an_expired_certificate_says_expired_with_its_date(client, certificate):
    certificate.valid_from = date(2023, 1, 1)
    certificate.valid_until = date(2023, 12, 31)
    certificate.save()
    text = page(client, certificate.number).text
    assert 'data-state="expired"' in text and "2023-12-31" in text


def test_a_revoked_certificate_says_revoked_with_the_date_but_not_the_reason(client,
                                                                             certificate):
    when = timezone.now() - timedelta(days=3)
    certificates.revoke(certificate, reason="内部原因", now=when)
    text = page(client, certificate.number).text
    assert 'data-state="revoked"' in text
    assert timezone.localdate(when).isoformat() in text and "内部原因" not in text


def test_an_unknown_number_is_a_friendly_not_found(client, db):
    response = page(client, "WS20250101ZZZZZZ")
    assert response.status_code == 404
    assert 'data-state="unknown"' in response.text and "WS20250101ZZZZZZ" in response.text


def test_the_form_and_a_typed_number_lead_to_the_page(client, certificate):
    assert client.get(reverse("verify:form")).status_code == 200
    typed = f" {certificate.number.lower()} "
    response = client.get(reverse("verify:form"), {"number": typed})
    assert response.url == reverse("verify:certificate", args=[certificate.number])
    lower = page(client, certificate.number.lower())
    assert lower.status_code == 302 and lower.url.endswith(certificate.number)


def test_the_page_follows_the_visitors_language(client, certificate):
    response = client.get(reverse("verify:certificate", args=[certificate.number]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid: this agent is authorised until" in response.text


def test_the_wechat_id_mask():
    assert queries.mask_wechat_id("wangfang_888") == "wa********88"
    assert queries.mask_wechat_id("abcd") == "a***"
    assert queries.mask_wechat_id("") == ""


@pytest.mark.parametrize("typed, answer", [
    ("wangfang_888", "matches"), (" WangFang_888 ", "matches"),
    ("wanghang_888", "differs"), ("wa********88", "differs")])
def test_the_buyer_checks_the_wechat_id_they_are_talking_to(client, certificate, typed, answer):
    """The page hides most of the ID, so it cannot ask the buyer to compare it: the buyer
    types the ID they know and the page says whether it is the agent's."""
    response = client.get(reverse("verify:certificate", args=[certificate.number]),
                          {"wechat": typed}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'data-wechat="{answer}"' in response.text
    assert "wangfang_888" not in response.text.replace(typed.strip(), "")


def test_before_a_check_the_page_asks_for_the_id_instead_of_comparing_a_masked_one(
        client, certificate):
    text = client.get(reverse("verify:certificate", args=[certificate.number]),
                      HTTP_ACCEPT_LANGUAGE="en").text
    assert 'name="wechat"' in text and "data-wechat=" not in text
    assert "Compare the name and WeChat ID" not in text

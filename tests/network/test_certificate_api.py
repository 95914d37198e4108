"""Certificates through the API: the owner lists, issues, renews and revokes; an agent reads
only their own; anyone checks a number without logging in and sees only the public fields."""

import pytest

from tests.api_clients import english_client
from tests.factories import AgentFactory, UserFactory
from weishang.network.certificates import services as certificates
from weishang.network.models import Certificate

URL = "/api/v1/certificates/"


@pytest.fixture
def agent(db):
    return AgentFactory(name="王芳", wechat_id="wangfang_888")


def test_the_owner_issues_lists_renews_and_revokes(owner, agent):
    api = english_client(owner)
    issued = api.post(URL, {"agent": agent.public_id}, format="json")
    assert issued.status_code == 201
    number = issued.json()["number"]
    assert issued.json()["state"] == "valid" and issued.json()["wechat_id"] == "wangfang_888"
    assert issued.json()["png_url"].endswith(f"/console/certificates/{number}/certificate.png")

    renewed = api.post(f"{URL}{number}/renew/")
    assert renewed.status_code == 201 and renewed.json()["number"] != number

    refused = api.post(f"{URL}{number}/revoke/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    revoked = api.post(f"{URL}{number}/revoke/", {"reason": "left"}, format="json")
    assert revoked.json()["state"] == "revoked" and revoked.json()["revoked_on"]
    again = api.post(f"{URL}{number}/revoke/", {"reason": "left"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"

    listed = api.get(URL, {"agent": agent.public_id, "state": "valid"}).json()
    assert [row["number"] for row in listed["results"]] == [renewed.json()["number"]]
    assert api.get(URL, {"state": "nonsense"}).status_code == 400


def test_issuing_for_an_unknown_or_inactive_agent_is_refused(owner, agent):
    api = english_client(owner)
    unknown = api.post(URL, {"agent": "nobody"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["fields"] == {"agent": [
        unknown.json()["message"]]}
    agent.state = "exited"
    agent.save()
    inactive = api.post(URL, {"agent": agent.public_id}, format="json")
    assert inactive.status_code == 409 and inactive.json()["code"] == "agent_not_active"
    assert not Certificate.objects.exists()


def test_an_agent_reads_only_their_own_and_manages_nothing(agent):
    mine = certificates.issue(agent)
    other = certificates.issue(AgentFactory())
    api = english_client(agent.user)
    own = api.get(f"{URL}mine/")
    assert [row["number"] for row in own.json()] == [mine.number]
    assert api.get(URL).status_code == 403
    assert api.post(URL, {"agent": agent.public_id}, format="json").status_code == 403
    assert api.post(f"{URL}{other.number}/renew/").status_code == 403
    assert api.post(f"{URL}{other.number}/revoke/", {"reason": "x"},
                    format="json").status_code == 403
    other.refresh_from_db()
    assert other.revoked_at is None and Certificate.objects.count() == 2


def test_someone_who_is_not_an_agent_has_no_own_certificates(owner):
    assert english_client(owner).get(f"{URL}mine/").status_code == 404
    assert english_client(UserFactory(role="staff")).get(URL).status_code == 403


def test_the_public_check_needs_no_login_and_masks_the_wechat_id(agent):
    certificate = certificates.issue(agent)
    answer = english_client().get(f"/api/v1/verify/{certificate.number.lower()}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "valid" and body["wechat_id"] == "wa********88"
    assert set(body) == {"number", "state", "agent_name", "level_name", "wechat_id",
                         "valid_from", "valid_until", "revoked_on", "shop_name"}
    missing = english_client().get("/api/v1/verify/WS20250101ZZZZZZ/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

"""The posting plan's API: list by date range and channel, plan (400/409 with the reasons),
move, posted, skip, delete, the dry run and the due reminders."""

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import PostFactory, ProductFactory, UserFactory
from tests.marketing.planning import at, entry, other_post, plan_day, product_post
from weishang.marketing import services
from weishang.marketing.models import PlannedPost, PlanState
from weishang.marketing.plan import services as plan

PLANS = "/api/v1/plans/"


@pytest.fixture
def api(owner):
    return english_client(owner)


def body(post, code="wechat_moments", clock="10:00", offset=0, **extra):
    return {"post": post.public_id, "channel": code, "planned_at": at(clock, offset).isoformat(),
            **extra}


def detail(planned, suffix=""):
    return f"{PLANS}{planned.pk}/{suffix}"


def test_the_urls_are_where_the_docs_say():
    assert reverse("api:plan-list") == PLANS
    assert reverse("api:plan-check") == f"{PLANS}check/"


def test_plan_a_post(api, owner):
    post = other_post(title="早安问候")
    response = api.post(PLANS, body(post, clock="09:30", account=" 大号 "), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["post"] == post.public_id and data["post_title"] == "早安问候"
    assert (data["channel"], data["channel_name"], data["account"]) == (
        "wechat_moments", "朋友圈", "大号")
    assert data["state"] == "planned" and data["warnings"] == []
    assert data["planned_at"] == at("09:30").isoformat()
    assert PlannedPost.objects.get().seller == owner


def test_a_plan_that_breaks_rules_answers_409_with_every_reason(api, owner):
    cream = ProductFactory(title="面霜")
    entry(owner, product_post(cream, title="面霜上新"), clock="10:00")
    response = api.post(PLANS, body(product_post(cream), clock="11:00"), format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "plan_rule"
    assert [violation["code"] for violation in data["violations"]] == [
        "too_close", "same_product_in_a_row", "product_share"]
    assert data["violations"][0]["message"] == (
        "At least 120 minutes between posts on 朋友圈: the nearest is at 10:00.")
    assert data["message"].startswith("Not planned: At least 120 minutes")
    assert PlannedPost.objects.count() == 1


def test_over_the_cap_answers_409(api, owner):
    for clock in ("08:00", "10:00", "12:00", "14:00", "16:00"):
        entry(owner, other_post(), clock=clock)
    response = api.post(PLANS, body(other_post(), clock="20:00"), format="json")
    assert response.status_code == 409
    assert response.json()["violations"] == [{"code": "daily_cap", "message": (
        f"朋友圈 allows 5 posts a day; {plan_day().isoformat()} already has 5.")}]


def test_warn_only_saves_with_the_warnings(api, owner):
    services.update_marketing_settings(owner, rule_mode="warn")
    entry(owner, other_post(), clock="10:00")
    response = api.post(PLANS, body(other_post(), clock="11:00"), format="json")
    assert response.status_code == 201
    assert [warning["code"] for warning in response.json()["warnings"]] == ["too_close"]


@pytest.mark.parametrize(("change", "field"), [
    ({"channel": "myspace"}, "channel"),
    ({"post": "0" * 32}, "post"),
    ({"planned_at": "tomorrow morning"}, "planned_at"),
    ({"planned_at": "2020-01-01T10:00:00+08:00"}, "planned_at"),
    ({"account": "群" * 41}, "account"),
    ({"post": "unpublished"}, "post"),
], ids=["channel", "post", "time", "past", "account", "unpublished"])
def test_bad_input_answers_400_and_saves_nothing(api, change, field):
    if change.get("post") == "unpublished":
        change = {"post": PostFactory(is_published=False).public_id}
    response = api.post(PLANS, {**body(other_post()), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not PlannedPost.objects.exists()


def test_the_list_filters_by_dates_channel_and_state(api, owner):
    first = entry(owner, other_post(), clock="10:00")
    weibo = entry(owner, other_post(), code="weibo", clock="10:00")
    later = entry(owner, other_post(), clock="10:00", offset=3)
    plan.skip(weibo)

    def ids(**query):
        response = api.get(PLANS, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [first.pk, weibo.pk, later.pk]
    day = plan_day().isoformat()
    assert ids(date_from=day, date_to=day) == [first.pk, weibo.pk]
    assert ids(date_from=plan_day(1).isoformat()) == [later.pk]
    assert ids(channel="weibo") == [weibo.pk]
    assert ids(state="skipped") == [weibo.pk]


@pytest.mark.parametrize("query", [
    {"date_from": "2026-12-10", "date_to": "2026-12-01"},
    {"date_from": "2026-01-01", "date_to": "2026-12-31"},
    {"date_from": "soon"},
    {"channel": "myspace"},
    {"state": "maybe"},
], ids=["backwards", "too-long", "not-a-date", "channel", "state"])
def test_a_filter_that_does_not_parse_answers_400(api, query):
    response = api.get(PLANS, query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_list_takes_a_fixed_number_of_queries(api, owner, django_assert_max_num_queries):
    for number in range(3):
        entry(owner, other_post(), code="weibo", clock=f"{8 + number}:00")
    api.get(PLANS)
    with django_assert_max_num_queries(8) as few:
        assert len(api.get(PLANS).json()["results"]) == 3
    for offset in range(1, 8):
        for number, code in enumerate(["wechat_moments", "weibo", "qq", "qzone"]):
            entry(owner, other_post(), code=code, clock=f"{8 + number * 3}:00", offset=offset)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(PLANS).json()["count"] == 31


def test_move_a_planned_post(api, owner):
    planned = entry(owner, other_post(), clock="10:00")
    response = api.patch(detail(planned), {"planned_at": at("10:30").isoformat()}, format="json")
    assert response.status_code == 200
    assert response.json()["planned_at"] == at("10:30").isoformat()
    moved = api.patch(detail(planned), {"channel": "weibo", "account": "小号"}, format="json")
    assert (moved.json()["channel"], moved.json()["account"]) == ("weibo", "小号")
    assert moved.json()["planned_at"] == at("10:30").isoformat()


def test_a_refused_move_answers_409_and_changes_nothing(api, owner):
    entry(owner, other_post(), clock="10:00")
    planned = entry(owner, other_post(), clock="14:00")
    response = api.patch(detail(planned), {"planned_at": at("11:00").isoformat()}, format="json")
    assert response.status_code == 409
    assert response.json()["violations"][0]["code"] == "too_close"
    planned.refresh_from_db()
    assert planned.planned_at == at("14:00")


def test_posted_skip_and_delete(api, owner):
    planned = entry(owner, other_post(), clock="10:00")
    first = api.post(detail(planned, "mark-posted/"))
    again = api.post(detail(planned, "mark-posted/"))
    assert first.status_code == again.status_code == 200
    assert first.json()["posted_at"] == again.json()["posted_at"] is not None
    refused = api.post(detail(planned, "skip/"))
    assert refused.status_code == 409 and refused.json()["code"] == "already_posted"
    assert api.delete(detail(planned)).status_code == 409
    other = entry(owner, other_post(), clock="14:00")
    assert api.post(detail(other, "skip/")).json()["state"] == PlanState.SKIPPED
    assert api.delete(detail(other)).status_code == 204
    assert list(PlannedPost.objects.values_list("pk", flat=True)) == [planned.pk]


def test_the_dry_run_reports_without_saving(api, owner):
    entry(owner, other_post(), clock="10:00")
    response = api.post(f"{PLANS}check/", body(other_post(), clock="11:00"), format="json")
    assert response.status_code == 200
    assert response.json()["rule_mode"] == "refuse"
    assert [violation["code"] for violation in response.json()["violations"]] == ["too_close"]
    fine = api.post(f"{PLANS}check/", body(other_post(), clock="14:00"), format="json")
    assert fine.json()["violations"] == []
    past = api.post(f"{PLANS}check/", body(other_post(), clock="10:00", offset=-30),
                    format="json")
    assert past.status_code == 400
    assert PlannedPost.objects.count() == 1


def test_due_lists_what_waits_to_be_posted(api, owner):
    due = PlannedPost.objects.create(seller=owner, post=other_post(), channel_id=1,
                                     planned_at=at("08:00", offset=-20))
    entry(owner, other_post(), clock="08:00")
    response = api.get(f"{PLANS}due/")
    assert [row["id"] for row in response.json()] == [due.pk]


def test_staff_with_the_area_plan_for_the_owner(owner):
    staff_api = english_client(UserFactory(role="staff", areas=["marketing"]))
    response = staff_api.post(PLANS, body(other_post()), format="json")
    assert response.status_code == 201
    assert PlannedPost.objects.get().seller == owner
    assert staff_api.get(PLANS).json()["count"] == 1


def test_others_are_turned_away(owner, staff):
    planned = entry(owner, other_post(), clock="10:00")
    assert english_client().get(PLANS).status_code in (401, 403)
    assert english_client(staff).get(PLANS).status_code == 403
    assert english_client(staff).post(detail(planned, "skip/")).status_code == 403
    assert english_client(UserFactory(role="agent")).get(detail(planned)).status_code in (403,
                                                                                         404)
    assert PlannedPost.objects.get().state == PlanState.PLANNED


def test_an_unknown_entry_is_404(api):
    response = api.post(f"{PLANS}999999/skip/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

"""The posting plan in the console: the week (a day list on the phone, a grid per channel on a
wide screen), planning and moving with the reasons of a refusal, the buttons posted / skip /
delete, the share kit's part and the reminders."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, UserFactory
from tests.marketing.planning import at, entry, other_post, plan_day, product_post
from weishang.marketing import services
from weishang.marketing.models import PlannedPost, PlanState
from weishang.marketing.plan import queries as plan_queries
from weishang.marketing.plan import services as plan

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PLAN_URL = reverse("marketing:plan")
ADD_URL = reverse("marketing:plan_add")


def week_url(offset=0):
    day = plan_day(offset)
    return f"{PLAN_URL}?week={day.isoformat()}"


def form_data(post, code="wechat_moments", clock="10:00", offset=0, account="", action="save"):
    return {"post": post.public_id, "channel": code, "account": account,
            "day": plan_day(offset).isoformat(), "at": clock, "action": action}


def text(response) -> str:
    return response.content.decode()


def test_the_week_shows_each_day_and_each_channel(owner_client, owner):
    entry(owner, other_post(title="早安问候"), clock="08:00")
    entry(owner, product_post(title="新品面霜"), code="weibo", clock="12:30")
    plan.skip(entry(owner, other_post(title="改天再发"), code="qq", clock="20:00"))
    response = owner_client.get(week_url(), **EN)
    assert response.status_code == 200
    page = text(response)
    for title in ("早安问候", "新品面霜", "改天再发"):
        assert title in page
    assert f'id="plan-day-{plan_day().isoformat()}"' in page
    assert 'id="plan-channel-weibo"' in page
    assert "1 of 2 product posts" in page  # the skipped one does not count
    assert "the first product post of a day is always allowed" in page
    assert 'data-state="skipped"' in page


def test_a_channel_filter_shows_only_that_channel(owner_client, owner):
    entry(owner, other_post(title="早安问候"), clock="08:00")
    entry(owner, other_post(title="微博日常"), code="weibo", clock="08:00")
    page = text(owner_client.get(week_url() + "&channel=weibo", **EN))
    assert "微博日常" in page and "早安问候" not in page


def test_a_week_that_does_not_parse_shows_this_week(owner_client):
    response = owner_client.get(f"{PLAN_URL}?week=soon&channel=%3Cb%3E", **EN)
    assert response.status_code == 200


def test_the_week_takes_a_fixed_number_of_queries(owner_client, owner,
                                                  django_assert_max_num_queries):
    for number in range(3):
        entry(owner, other_post(), code="weibo", clock=f"{8 + number}:00")
    owner_client.get(week_url(), **EN)
    with django_assert_max_num_queries(12) as few:
        owner_client.get(week_url(), **EN)
    for offset in range(1, 6):
        for number, code in enumerate(["wechat_moments", "weibo", "qq", "qzone"]):
            entry(owner, other_post(), code=code, clock=f"{8 + number * 3}:00", offset=offset)
    with django_assert_max_num_queries(len(few.captured_queries)):
        owner_client.get(week_url(), **EN)


# -- Planning ---------------------------------------------------------------------------------

def test_the_form_is_filled_from_a_share_kit_link(owner_client, owner):
    post = other_post(title="护肤小知识", kind="knowledge")
    response = owner_client.get(f"{ADD_URL}?post={post.public_id}&channel=weibo", **EN)
    page = text(response)
    assert f'<option value="{post.public_id}" selected>护肤小知识 · Know-how</option>' in page
    assert '<option value="weibo" selected>' in page


def test_planning_a_post_saves_it_and_goes_to_its_week(owner_client, owner):
    post = other_post(title="早安问候")
    response = owner_client.post(ADD_URL, form_data(post, clock="09:30"), **EN)
    assert response.status_code == 302
    monday = plan_day() - timedelta(days=plan_day().weekday())
    assert response.url == f"{PLAN_URL}?week={monday.isoformat()}"
    planned = PlannedPost.objects.get()
    assert (planned.seller, planned.post, planned.planned_at) == (owner, post, at("09:30"))
    page = text(owner_client.get(response.url, **EN))
    assert f"Planned “早安问候” on 朋友圈 at {plan_day().isoformat()} 09:30." in page


def test_a_refused_plan_shows_every_reason_and_saves_nothing(owner_client, owner):
    cream = ProductFactory(title="面霜")
    entry(owner, product_post(cream, title="面霜上新"), clock="10:00")
    response = owner_client.post(ADD_URL, form_data(product_post(cream), clock="11:00"), **EN)
    assert response.status_code == 409
    page = text(response)
    assert "Not planned: it breaks the posting rules." in page
    assert "the nearest is at 10:00." in page
    assert "“面霜” would be on 朋友圈 twice in a row" in page
    assert 'data-code="product_share"' in page
    assert PlannedPost.objects.count() == 1


def test_checking_first_shows_the_reasons_without_saving(owner_client, owner):
    entry(owner, other_post(), clock="10:00")
    response = owner_client.post(ADD_URL, form_data(other_post(), clock="11:00",
                                                    action="check"), **EN)
    assert response.status_code == 200
    assert "It breaks these rules and would be refused:" in text(response)
    assert 'data-code="too_close"' in text(response)
    ok = owner_client.post(ADD_URL, form_data(other_post(), clock="14:00", action="check"), **EN)
    assert "Within every posting rule." in text(ok)
    assert PlannedPost.objects.count() == 1


def test_warn_only_saves_and_shows_the_warning(owner_client, owner):
    services.update_marketing_settings(owner, rule_mode="warn")
    entry(owner, other_post(), clock="10:00")
    response = owner_client.post(ADD_URL, form_data(other_post(), clock="11:00"), follow=True,
                                 **EN)
    page = text(response)
    assert ("Saved although it breaks a rule: At least 120 minutes between posts on 朋友圈: the "
            "nearest is at 10:00.") in page
    assert "warn only" in page
    assert PlannedPost.objects.count() == 2


@pytest.mark.parametrize(("change", "message"), [
    ({"day": "tomorrow"}, "Enter a valid date."),
    ({"at": "25:00"}, "Enter a valid time."),
    ({"channel": "myspace"}, "Select a valid choice."),
    ({"post": "0" * 32}, "Select a valid choice."),
    ({"day": "2020-01-01"}, "Choose a time from now on."),
], ids=["day", "time", "channel", "post", "past"])
def test_bad_input_is_shown_and_saves_nothing(owner_client, change, message):
    response = owner_client.post(ADD_URL, {**form_data(other_post()), **change}, **EN)
    assert response.status_code == 400
    assert message in text(response)
    assert not PlannedPost.objects.exists()


def test_moving_an_entry_checks_the_rules_without_itself(owner_client, owner):
    planned = entry(owner, other_post(), clock="10:00")
    url = reverse("marketing:plan_edit", args=[planned.pk])
    assert 'value="10:00"' in text(owner_client.get(url, **EN))
    response = owner_client.post(url, form_data(planned.post, clock="11:00"), **EN)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.planned_at == at("11:00")


# -- Posted, skip, delete ---------------------------------------------------------------------

def test_mark_posted_skip_and_delete(owner_client, owner):
    first = entry(owner, other_post(), clock="08:00")
    second = entry(owner, other_post(), clock="12:00")
    third = entry(owner, other_post(), clock="16:00")
    back = week_url()
    owner_client.post(reverse("marketing:plan_posted", args=[first.pk]), {"next": back}, **EN)
    owner_client.post(reverse("marketing:plan_skip", args=[second.pk]), **EN)
    response = owner_client.post(reverse("marketing:plan_delete", args=[third.pk]),
                                 {"next": "https://evil.example/"}, **EN)
    assert response.url.startswith(PLAN_URL)  # never off the site
    states = dict(PlannedPost.objects.values_list("pk", "state"))
    assert states == {first.pk: PlanState.POSTED, second.pk: PlanState.SKIPPED}


def test_a_posted_entry_cannot_be_skipped_and_says_why(owner_client, owner):
    planned = plan.mark_posted(entry(owner, other_post(), clock="08:00"))
    response = owner_client.post(reverse("marketing:plan_skip", args=[planned.pk]), follow=True,
                                 **EN)
    assert "Nothing was changed: This post is already marked as posted." in text(response)


def test_the_buttons_only_take_post(owner_client, owner):
    planned = entry(owner, other_post(), clock="08:00")
    assert owner_client.get(reverse("marketing:plan_posted", args=[planned.pk])).status_code == 405


# -- The share kit and the reminders ----------------------------------------------------------

def test_the_share_kit_marks_its_planned_entry_as_posted(owner_client, owner, shop):
    post = other_post(title="早安问候")
    kit_url = reverse("marketing:kit", args=[post.public_id, "weibo"])
    page = text(owner_client.get(kit_url, **EN))
    assert "This post is not in your plan for 微博." in page
    assert f"{ADD_URL}?post={post.public_id}&amp;channel=weibo" in page
    planned = entry(owner, post, code="weibo", clock="10:00")
    page = text(owner_client.get(kit_url, **EN))
    assert "data-plan-posted" in page
    response = owner_client.post(reverse("marketing:plan_posted", args=[planned.pk]),
                                 {"next": kit_url}, **EN)
    assert response.url == kit_url
    planned.refresh_from_db()
    assert planned.state == PlanState.POSTED


def test_due_posts_are_reminded_with_the_share_kit_one_tap_away(owner_client, owner):
    planned = PlannedPost.objects.create(seller=owner, post=other_post(title="该发了"),
                                         channel_id=1, planned_at=at("08:00", offset=-20))
    page = text(owner_client.get(PLAN_URL, **EN))
    assert "1 planned post to share now" in page
    assert reverse("marketing:kit", args=[planned.post.public_id, planned.channel.code]) in page
    assert plan_queries.due_count(owner) == 1


# -- Who may -----------------------------------------------------------------------------------

def test_staff_plan_for_the_owner(client, owner):
    client.force_login(UserFactory(role="staff", areas=["marketing"]))
    response = client.post(ADD_URL, form_data(other_post()), **EN)
    assert response.status_code == 302
    assert PlannedPost.objects.get().seller == owner


def test_staff_without_the_marketing_area_are_turned_away(client, owner, staff):
    planned = entry(owner, other_post(), clock="08:00")
    client.force_login(staff)
    assert client.get(PLAN_URL).status_code == 403
    assert client.post(reverse("marketing:plan_posted", args=[planned.pk])).status_code == 403


def test_another_seller_cannot_touch_the_owners_plan(client, owner):
    """Agents are kept out of the console for now; once in, they find only their own plan."""
    planned = entry(owner, other_post(), clock="08:00")
    client.force_login(UserFactory(role="agent"))
    assert client.post(reverse("marketing:plan_skip", args=[planned.pk])).status_code in (403,
                                                                                          404)
    assert client.get(reverse("marketing:plan_edit", args=[planned.pk])).status_code in (403, 404)
    assert PlannedPost.objects.get().state == PlanState.PLANNED


def test_visitors_log_in_first(client):
    response = client.get(PLAN_URL)
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_editing_a_planned_post_keeps_its_date_and_time_in_every_language(
        owner_client, owner, language):
    """A date picker takes only 2026-12-08: the Chinese format, 2026/12/08, left it empty and
    the date was lost on saving."""
    planned = entry(owner, other_post(), clock="09:30")
    page = text(owner_client.get(reverse("marketing:plan_edit", args=[planned.pk]),
                                 HTTP_ACCEPT_LANGUAGE=language))
    assert f'type="date" name="day" value="{plan_day().isoformat()}"' in page
    assert 'type="time" name="at" value="09:30"' in page

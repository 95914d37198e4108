"""The posting plan's rules and changes: caps, spacing, variety, product share, warn-only mode,
per-account caps, skipped entries, days at midnight in Shanghai."""

from datetime import UTC, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PostFactory, ProductFactory, UserFactory
from tests.marketing.planning import at, entry, other_post, plan_day, product_post
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.marketing import services
from weishang.marketing.models import Channel, PlannedPost, PlanState
from weishang.marketing.plan import queries as plan_queries
from weishang.marketing.plan import services as plan

pytestmark = pytest.mark.usefixtures("english")


def codes(violations):
    return [violation.code for violation in violations]


def refused(seller, post, **where) -> plan.PlanRefused:
    with pytest.raises(plan.PlanRefused) as caught:
        entry(seller, post, **where)
    return caught.value


@pytest.fixture
def rules(owner):
    """rules(product_share_percent=..., rule_mode=...): the owner changes the marketing rules."""
    return lambda **fields: services.update_marketing_settings(owner, **fields)


def test_a_plan_within_the_rules_is_saved(owner):
    planned = entry(owner, other_post(), clock="09:00")
    assert planned.state == PlanState.PLANNED
    assert planned.warnings == []
    assert plan_queries.local_day(planned.planned_at) == plan_day()


# -- Daily cap --------------------------------------------------------------------------------

def test_over_the_daily_cap_is_refused_with_the_numbers(owner):
    for clock in ("08:00", "10:00", "12:00", "14:00", "16:00"):
        entry(owner, other_post(), clock=clock)
    error = refused(owner, other_post(), clock="20:00")
    assert error.code == "plan_rule" and error.status == 409
    assert codes(error.violations) == ["daily_cap"]
    assert error.violations[0].message == (
        f"朋友圈 allows 5 posts a day; {plan_day().isoformat()} already has 5.")
    assert PlannedPost.objects.count() == 5
    entry(owner, other_post(), clock="20:00", offset=1)  # the next day has room


def test_the_cap_is_per_seller(owner):
    other_seller = UserFactory(role="agent")
    for clock in ("08:00", "10:00", "12:00", "14:00", "16:00"):
        entry(owner, other_post(), clock=clock)
    assert entry(other_seller, other_post(), clock="08:00").seller == other_seller


def test_skipped_entries_do_not_count(owner):
    entries = [entry(owner, other_post(), clock=clock)
               for clock in ("08:00", "10:00", "12:00", "14:00", "16:00")]
    plan.skip(entries[2])
    entry(owner, other_post(), clock="20:00")
    assert PlannedPost.objects.filter(state=PlanState.PLANNED).count() == 5


def test_posted_entries_count(owner):
    entries = [entry(owner, other_post(), clock=clock)
               for clock in ("08:00", "10:00", "12:00", "14:00", "16:00")]
    plan.mark_posted(entries[0])
    assert codes(refused(owner, other_post(), clock="20:00").violations) == ["daily_cap"]


# -- Days in Shanghai -------------------------------------------------------------------------

@pytest.fixture
def one_a_day(owner):
    """公众号: one push a day; no spacing, so only the day decides."""
    channel = Channel.objects.get(code="wechat_oa")
    return services.update_channel(owner, channel, daily_cap=1, min_spacing_minutes=0)


def test_days_end_at_midnight_in_shanghai(owner, one_a_day):
    late = entry(owner, other_post(), code="wechat_oa", clock="23:59")
    early = entry(owner, other_post(), code="wechat_oa", clock="00:00", offset=1)
    # In UTC both are on the same day: a server day would have refused the second.
    assert late.planned_at.astimezone(UTC).date() == early.planned_at.astimezone(UTC).date()
    error = refused(owner, other_post(), code="wechat_oa", clock="07:59", offset=1)
    assert error.violations[0].message == (
        f"公众号 allows 1 post a day; {plan_day(1).isoformat()} already has 1.")


def test_the_minute_before_midnight_belongs_to_the_day_before(owner, one_a_day):
    entry(owner, other_post(), code="wechat_oa", clock="00:00", offset=1)
    entry(owner, other_post(), code="wechat_oa", clock="23:59")
    error = refused(owner, other_post(), code="wechat_oa", clock="00:00")
    assert plan_day().isoformat() in error.violations[0].message


# -- Spacing ----------------------------------------------------------------------------------

def test_too_close_to_another_post_is_refused_with_the_nearest_time(owner):
    entry(owner, other_post(), clock="10:30")
    entry(owner, other_post(), clock="16:00")
    error = refused(owner, other_post(), clock="12:00")
    assert codes(error.violations) == ["too_close"]
    assert error.violations[0].message == (
        "At least 120 minutes between posts on 朋友圈: the nearest is at 10:30.")
    assert codes(refused(owner, other_post(), clock="09:00").violations) == ["too_close"]
    entry(owner, other_post(), clock="12:30")  # exactly the spacing is enough


def test_spacing_holds_across_midnight(owner):
    entry(owner, other_post(), clock="23:30")
    error = refused(owner, other_post(), clock="00:30", offset=1)
    assert error.violations[0].message == (
        "At least 120 minutes between posts on 朋友圈: the nearest is at "
        f"{plan_day().isoformat()} 23:30.")


def test_spacing_is_per_channel(owner):
    entry(owner, other_post(), clock="10:00")
    assert entry(owner, other_post(), code="weibo", clock="10:00").channel.code == "weibo"


# -- Per-account caps -------------------------------------------------------------------------

def test_group_caps_count_per_group(owner):
    for clock in ("09:00", "11:00", "13:00"):
        entry(owner, other_post(), code="wechat_group", clock=clock, account="老客户群")
    error = refused(owner, other_post(), code="wechat_group", clock="20:00", account="老客户群")
    assert error.violations[0].message == (
        f"微信群 (老客户群) allows 3 posts a day; {plan_day().isoformat()} already has 3.")
    # Another group has its own cap and its own spacing.
    entry(owner, other_post(), code="wechat_group", clock="09:10", account="新人群")


def test_a_channel_without_per_account_caps_counts_every_account(owner):
    for clock in ("08:00", "10:00", "12:00", "14:00", "16:00"):
        entry(owner, other_post(), clock=clock, account="大号")
    error = refused(owner, other_post(), clock="20:00", account="小号")
    assert codes(error.violations) == ["daily_cap"]


# -- Same product in a row --------------------------------------------------------------------

@pytest.fixture
def any_share(rules):
    """Product posts unlimited, so only the variety rule speaks."""
    rules(product_share_percent=100)


@pytest.mark.usefixtures("any_share")
def test_the_same_product_twice_in_a_row_is_refused(owner):
    cream = ProductFactory(title="面霜")
    entry(owner, product_post(cream, title="面霜上新"), clock="10:00")
    error = refused(owner, product_post(cream), clock="14:00")
    assert codes(error.violations) == ["same_product_in_a_row"]
    assert error.violations[0].message == (
        "“面霜” would be on 朋友圈 twice in a row: “面霜上新” at 10:00 shows it too.")
    entry(owner, product_post(cream), code="weibo", clock="14:00")  # another channel
    entry(owner, product_post(ProductFactory()), clock="14:00")


@pytest.mark.usefixtures("any_share")
def test_a_post_between_two_others_is_checked_against_both(owner):
    cream, toner = ProductFactory(title="面霜"), ProductFactory(title="爽肤水")
    entry(owner, product_post(cream), clock="08:00")
    entry(owner, product_post(toner), clock="18:00")
    assert codes(refused(owner, product_post(toner), clock="12:00").violations) == [
        "same_product_in_a_row"]
    assert codes(refused(owner, product_post(cream), clock="12:00").violations) == [
        "same_product_in_a_row"]
    both = refused(owner, product_post(cream, toner), clock="12:00")
    assert codes(both.violations) == ["same_product_in_a_row", "same_product_in_a_row"]
    assert "at 08:00" in both.violations[0].message and "at 18:00" in both.violations[1].message
    entry(owner, other_post(), clock="12:00")  # something else in between


@pytest.mark.usefixtures("any_share")
def test_a_skipped_neighbour_does_not_count(owner):
    cream = ProductFactory()
    plan.skip(entry(owner, product_post(cream), clock="10:00"))
    entry(owner, product_post(cream), clock="14:00")


@pytest.mark.usefixtures("any_share")
def test_a_post_of_the_previous_day_is_a_neighbour(owner):
    cream = ProductFactory()
    entry(owner, product_post(cream), clock="21:00")
    assert codes(refused(owner, product_post(cream), clock="09:00", offset=1).violations) == [
        "same_product_in_a_row"]


# -- Product share ----------------------------------------------------------------------------

def test_the_first_product_post_of_a_day_is_always_allowed(owner, rules):
    rules(product_share_percent=0)
    entry(owner, product_post(), clock="09:00")
    error = refused(owner, product_post(), code="weibo", clock="12:00")
    assert codes(error.violations) == ["product_share"]


def test_product_posts_stay_within_the_share_across_channels(owner):
    entry(owner, product_post(), clock="08:00")
    error = refused(owner, product_post(), code="weibo", clock="09:00")
    assert error.violations[0].message == (
        f"At most 60% of a day's posts may be product posts: {plan_day().isoformat()} would "
        "have 2 product posts out of 2 (1 allowed). Plan customer feedback, know-how or life "
        "posts too.")
    entry(owner, other_post("feedback"), code="weibo", clock="09:00")
    # 2 of 3 is 67%: still too many.
    assert codes(refused(owner, product_post(), code="qq", clock="10:00").violations) == [
        "product_share"]
    entry(owner, other_post("knowledge"), code="qq", clock="10:00")
    entry(owner, product_post(), code="qzone", clock="11:00")  # 2 of 4: 50%


def test_other_days_do_not_count_for_the_share(owner):
    entry(owner, product_post(), clock="08:00")
    entry(owner, product_post(), clock="08:00", offset=1)


def test_skipped_product_posts_do_not_count_for_the_share(owner):
    plan.skip(entry(owner, product_post(), clock="08:00"))
    entry(owner, product_post(), code="weibo", clock="09:00")


@pytest.mark.parametrize(("total", "percent", "allowed"), [
    (1, 60, 1), (2, 60, 1), (3, 60, 1), (4, 60, 2), (5, 60, 3), (10, 60, 6), (3, 0, 1),
    (3, 100, 3), (7, 50, 3),
], ids=lambda value: str(value))
def test_allowed_product_posts(total, percent, allowed):
    assert plan.allowed_product_posts(total, percent) == allowed


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(["product", "feedback", "knowledge", "life"]),
                      min_size=1, max_size=10),
       percent=st.integers(min_value=0, max_value=100))
def test_a_day_never_holds_more_product_posts_than_its_share(owner, rules, kinds, percent):
    """Whatever the order sellers plan in, the refused ones keep the day within the share."""
    with transaction.atomic():
        rules(product_share_percent=percent)
        channel_codes = ["wechat_moments", "weibo", "qq", "qzone", "momo"]
        for number, kind in enumerate(kinds):
            post = product_post() if kind == "product" else other_post(kind)
            try:
                entry(owner, post, code=channel_codes[number % 5],
                      clock=f"{8 + number // 5 * 3:02d}:00")
            except plan.PlanRefused as error:
                assert codes(error.violations) == ["product_share"]
        day = list(PlannedPost.objects.values_list("post__kind", flat=True))
        products = day.count("product")
        assert products <= plan.allowed_product_posts(len(day), percent)
        transaction.set_rollback(True)


# -- Warn only --------------------------------------------------------------------------------

def test_warn_only_saves_the_plan_with_its_warnings(owner, rules):
    rules(rule_mode="warn")
    entry(owner, other_post(), clock="10:30")
    planned = entry(owner, product_post(), clock="11:00")
    assert planned.pk is not None
    assert [warning["code"] for warning in planned.warnings] == ["too_close"]
    assert planned.warnings[0]["message"] == (
        "At least 120 minutes between posts on 朋友圈: the nearest is at 10:30.")


# -- Dry run ----------------------------------------------------------------------------------

def test_check_plan_reports_every_broken_rule_without_saving(owner):
    cream = ProductFactory(title="面霜")
    entry(owner, product_post(cream), clock="10:00")
    violations = plan.check_plan(seller=owner, post=product_post(cream),
                                 channel=Channel.objects.get(code="wechat_moments"),
                                 account="", planned_at=at("11:00"))
    assert codes(violations) == ["too_close", "same_product_in_a_row", "product_share"]
    assert PlannedPost.objects.count() == 1


# -- Changes ----------------------------------------------------------------------------------

def test_rescheduling_leaves_the_entry_itself_out(owner):
    planned = entry(owner, other_post(), clock="10:00")
    moved = plan.reschedule(planned, planned_at=at("10:30"))
    assert moved.planned_at == at("10:30")


def test_a_refused_move_changes_nothing(owner):
    entry(owner, other_post(), clock="10:00")
    planned = entry(owner, other_post(), clock="14:00")
    with pytest.raises(plan.PlanRefused):
        plan.reschedule(planned, planned_at=at("11:00"))
    planned.refresh_from_db()
    assert planned.planned_at == at("14:00")


def test_a_move_to_another_channel_is_checked_there(owner):
    for clock in ("08:00", "12:00", "16:00"):
        entry(owner, other_post(), code="qq", clock=clock)
    planned = entry(owner, other_post(), clock="20:00")
    error = pytest.raises(plan.PlanRefused, plan.reschedule, planned, planned_at=at("20:00"),
                          channel=Channel.objects.get(code="qq")).value
    assert codes(error.violations) == ["daily_cap"]


def test_mark_posted_is_idempotent(owner):
    planned = entry(owner, other_post(), clock="10:00")
    first = plan.mark_posted(planned, now=at("10:05"))
    again = plan.mark_posted(planned, now=at("10:20"))
    assert first.state == again.state == PlanState.POSTED
    assert again.posted_at == at("10:05")


def test_a_posted_entry_cannot_be_skipped_moved_or_deleted(owner):
    planned = plan.mark_posted(entry(owner, other_post(), clock="10:00"))
    for change in (lambda: plan.skip(planned), lambda: plan.delete(planned),
                   lambda: plan.reschedule(planned, planned_at=at("12:00"))):
        with pytest.raises(Conflict) as caught:
            change()
        assert caught.value.code == "already_posted"
    assert PlannedPost.objects.get().state == PlanState.POSTED


def test_a_skipped_entry_can_still_be_marked_posted_or_planned_again(owner):
    planned = plan.skip(entry(owner, other_post(), clock="10:00"))
    assert plan.skip(planned).state == PlanState.SKIPPED
    assert plan.reschedule(planned, planned_at=at("11:00")).state == PlanState.PLANNED
    assert plan.mark_posted(plan.skip(planned)).state == PlanState.POSTED


def test_delete_takes_the_entry_out(owner):
    plan.delete(entry(owner, other_post(), clock="10:00"))
    assert not PlannedPost.objects.exists()


# -- Bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field", "message"), [
    ({"post": "unpublished"}, "post", "Choose a post from the library."),
    ({"channel": "inactive"}, "channel", "Choose a channel in use."),
    ({"account": "群" * 41}, "account", "An account or group name can have at most 40 "
                                         "characters."),
    ({"planned_at": "past"}, "planned_at", "Choose a time from now on."),
    ({"planned_at": "far"}, "planned_at", "Plan at most a year ahead."),
    ({"planned_at": None}, "planned_at", "Enter a date and a time."),
], ids=["unpublished", "inactive-channel", "long-account", "past", "far", "no-time"])
def test_bad_input_is_refused_and_saves_nothing(owner, change, field, message):
    from django.utils import timezone

    moments = Channel.objects.get(code="wechat_moments")
    arguments = {"seller": owner, "post": other_post(), "channel": moments, "account": "",
                 "planned_at": at("10:00")}
    values = {"unpublished": PostFactory(is_published=False),
              "inactive": services.update_channel(owner, moments, is_active=False),
              "past": timezone.now() - timedelta(hours=1),
              "far": timezone.now() + timedelta(days=400)}
    arguments.update({name: values.get(value, value) if isinstance(value, str) else value
                      for name, value in change.items()})
    with pytest.raises(InvalidInput) as caught:
        plan.plan_post(**arguments)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert not PlannedPost.objects.exists()


# -- Reads ------------------------------------------------------------------------------------

def test_due_reminders_are_planned_entries_whose_time_has_come(owner):
    due = entry(owner, other_post(), clock="08:00")
    posted = plan.mark_posted(entry(owner, other_post(), code="weibo", clock="08:00"))
    skipped = plan.skip(entry(owner, other_post(), code="qq", clock="08:00"))
    later = entry(owner, other_post(), code="qzone", clock="12:00")
    assert list(plan_queries.due_reminders(owner, at("09:00"))) == [due]
    assert list(plan_queries.due_reminders(owner, at("12:00"))) == [due, later]
    assert posted not in plan_queries.due_reminders(owner, at("23:00"))
    assert skipped not in plan_queries.due_reminders(owner, at("23:00"))


def test_staff_work_on_the_owners_plan_and_others_see_nothing_of_it(owner, staff, shop):
    planned = entry(owner, other_post(), clock="10:00")
    marketing_staff = UserFactory(role="staff", areas=["marketing"])
    assert plan_queries.entry_for(marketing_staff, planned.pk) == planned
    with pytest.raises(NotFound):
        plan_queries.entry_for(UserFactory(role="agent"), planned.pk)
    assert plan_queries.due_count(marketing_staff) == 0
    assert plan_queries.due_count(staff) == 0  # no marketing area

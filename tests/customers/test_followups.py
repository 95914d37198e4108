"""Follow-ups (跟进): planned on a customer's page, changed, snoozed, done; and the owner's
customer-care settings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from weishang.customers import services
from weishang.customers.care import queries as care_queries
from weishang.customers.care import services as care
from weishang.customers.models import CustomerSettings, FollowUp, FollowUpState

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def li(add_customer):
    return add_customer(name="李四", phone="13900001111")


def test_a_follow_up_belongs_to_the_customers_seller(owner, li):
    staff = UserFactory(role="staff", areas=["customers"])
    follow_up = care.create_follow_up(staff, li, due_on=MONDAY, kind="visit", note=" 送 样品 ",
                                      today=MONDAY)
    assert (follow_up.seller, follow_up.created_by) == (owner, staff)
    assert (follow_up.kind, follow_up.note, follow_up.state) == ("visit", "送 样品", "open")


@pytest.mark.parametrize("changes, field, message", [
    ({"due_on": MONDAY - timedelta(days=1)}, "due_on", "Choose today or a later day."),
    ({"due_on": MONDAY + timedelta(days=400)}, "due_on", "Plan at most a year ahead."),
    ({"due_on": "3月5日"}, "due_on", "Enter a date, e.g. 2026-03-02."),
    ({"kind": "fax"}, "kind", "Choose a type of follow-up."),
    ({"note": "x" * 201}, "note", "At most 200 characters, please."),
], ids=["yesterday", "too-far", "not-a-date", "kind", "long-note"])
def test_bad_follow_up_is_refused(owner, li, english, changes, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        care.create_follow_up(owner, li, **{"due_on": MONDAY, **changes}, today=MONDAY)
    assert refused.value.field == field
    assert not FollowUp.objects.exists()


def test_snooze_by_steps_or_to_a_day(owner, li, english):
    follow_up = care.create_follow_up(owner, li, due_on=MONDAY, today=MONDAY)
    late = MONDAY + timedelta(days=5)  # overdue: snoozing counts from today
    assert care.snooze_follow_up(owner, follow_up, days=1, today=late).due_on == \
        late + timedelta(days=1)
    assert care.snooze_follow_up(owner, follow_up, days=3, until=date(2026, 4, 1),
                                 today=late).due_on == late + timedelta(days=3)
    assert care.snooze_follow_up(owner, follow_up, until="2026-04-01",
                                 today=late).due_on == date(2026, 4, 1)
    for bad, message in (({"days": 7}, "Snooze for 1 or 3 days"), ({}, "Snooze for 1 or 3"),
                         ({"until": late}, "Choose a day after today.")):
        with pytest.raises(InvalidInput, match=message):
            care.snooze_follow_up(owner, follow_up, **bad, today=late)
    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.snooze_count) == (date(2026, 4, 1), 3)


def test_reschedule_changes_only_what_is_given(owner, li):
    follow_up = care.create_follow_up(owner, li, due_on=MONDAY, kind="call", note="尺码",
                                      today=MONDAY)
    care.reschedule_follow_up(owner, follow_up, note="颜色", today=MONDAY)
    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.kind, follow_up.note) == (MONDAY, "call", "颜色")


def test_done_is_final(owner, li, english):
    follow_up = care.create_follow_up(owner, li, due_on=MONDAY, today=MONDAY)
    care.complete_follow_up(owner, follow_up)
    for change in (lambda: care.complete_follow_up(owner, follow_up),
                   lambda: care.snooze_follow_up(owner, follow_up, days=1, today=MONDAY),
                   lambda: care.delete_follow_up(owner, follow_up)):
        with pytest.raises(Conflict, match="done already"):
            change()
    assert FollowUp.objects.get().state == FollowUpState.DONE


def test_follow_ups_stay_within_the_users_reach(owner, li, english):
    follow_up = care.create_follow_up(owner, li, due_on=MONDAY, today=MONDAY)
    agent = UserFactory(role="agent")
    assert not care_queries.follow_ups_for(agent).exists()
    with pytest.raises(NotFound):
        care.complete_follow_up(agent, follow_up)
    with pytest.raises(NotFound):
        care.create_follow_up(agent, li, due_on=MONDAY, today=MONDAY)
    services.erase_customer(owner, li)
    with pytest.raises(Conflict, match="erased"):
        care.create_follow_up(owner, li, due_on=MONDAY, today=MONDAY)


# -- Pages ------------------------------------------------------------------------------------

def detail(client, customer):
    return client.get(reverse("customers:detail", args=[customer.public_id]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_customer_page_plans_and_lists_follow_ups(owner_client, li):
    tomorrow = timezone.localdate() + timedelta(days=1)
    page_url = reverse("customers:detail", args=[li.public_id])
    response = owner_client.post(reverse("customers:followup_add", args=[li.public_id]), {
        "kind": "call", "due_on": tomorrow.isoformat(), "note": "问问尺码", "next": page_url})
    assert response.status_code == 302 and response["Location"] == page_url
    page = detail(owner_client, li)
    assert "data-follow-ups" in page and "问问尺码" in page
    assert f"{tomorrow:%Y-%m-%d} · Call" in page
    assert 'data-segment=' not in page  # no paid order yet: no segment


def test_customer_page_shows_the_segment(owner, owner_client, li):
    li.order_count, li.total_spent = 3, Decimal("800")
    li.last_order_at = timezone.now()
    li.save()
    assert 'data-segment="important_value"' in detail(owner_client, li)


def test_bad_follow_up_form_shows_why_and_writes_nothing(owner_client, li):
    response = owner_client.post(reverse("customers:followup_add", args=[li.public_id]), {
        "kind": "call", "due_on": "2000-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose today or a later day." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_edit_page_reschedules_and_removes(owner, owner_client, li):
    today = timezone.localdate()
    follow_up = care.create_follow_up(owner, li, due_on=today)
    url = reverse("customers:followup_edit", args=[follow_up.pk])
    assert owner_client.get(url).status_code == 200
    later = today + timedelta(days=7)
    owner_client.post(url, {"kind": "visit", "due_on": later.isoformat(), "note": ""})
    follow_up.refresh_from_db()
    assert (follow_up.kind, follow_up.due_on) == ("visit", later)
    owner_client.post(reverse("customers:followup_delete", args=[follow_up.pk]))
    assert not FollowUp.objects.exists()


def test_follow_up_pages_of_unknown_ones_are_404(owner_client):
    assert owner_client.get(reverse("customers:followup_edit", args=[999])).status_code == 404
    assert owner_client.get(reverse("customers:followup_add", args=["0" * 32])
                            ).status_code == 404


# -- Settings ---------------------------------------------------------------------------------

SETTINGS_URL = reverse("customers:settings")
VALID = {"remind_days_before": "5", "birthday_reminders": "on", "recency_days": "60",
         "frequency_orders": "3", "monetary_amount": "800.50"}


def test_owner_changes_the_settings(owner_client):
    assert owner_client.get(SETTINGS_URL).status_code == 200
    response = owner_client.post(SETTINGS_URL, VALID)
    assert response.status_code == 302
    settings = CustomerSettings.objects.get()
    assert (settings.remind_days_before, settings.birthday_reminders, settings.recency_days,
            settings.frequency_orders, settings.monetary_amount) == (
        5, True, 60, 3, Decimal("800.50"))


@pytest.mark.parametrize("field, value, message", [
    ("remind_days_before", "61", "Ensure this value is less than or equal to 60."),
    ("recency_days", "0", "Ensure this value is greater than or equal to 1."),
    ("monetary_amount", "-1", "Ensure this value is greater than or equal to 0."),
    ("frequency_orders", "两", "Enter a whole number."),
], ids=["notice", "recency", "amount", "frequency"])
def test_bad_settings_change_nothing(owner_client, field, value, message):
    response = owner_client.post(SETTINGS_URL, {**VALID, field: value},
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CustomerSettings.load().recency_days == 90


def test_settings_are_the_owners(client, english):
    staff = UserFactory(role="staff", areas=["customers"])
    client.force_login(staff)
    assert client.get(SETTINGS_URL).status_code == 403
    with pytest.raises(NotPermitted):
        care.update_customer_settings(staff, recency_days=30)
    assert CustomerSettings.load().recency_days == 90


def test_settings_service_checks_every_value(owner, english):
    with pytest.raises(InvalidInput, match="from 1 to 3650") as refused:
        care.update_customer_settings(owner, recency_days=0)
    assert refused.value.field == "recency_days"
    with pytest.raises(InvalidInput, match="Enter an amount"):
        care.update_customer_settings(owner, monetary_amount="很多")
    with pytest.raises(InvalidInput, match="Unknown field"):
        care.update_customer_settings(owner, ownership_days=30)
    settings = care.update_customer_settings(owner, recency_days=30, monetary_amount="99.5")
    assert (settings.recency_days, settings.monetary_amount) == (30, Decimal("99.50"))

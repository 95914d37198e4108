"""The today page (今日待联系): who to contact and why, a message and a WeChat ID to copy, done
and snooze, at a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.customers.care import buy
from tests.factories import UserFactory
from weishang.customers import queries, services
from weishang.customers.care import queries as care_queries
from weishang.customers.care import services as care
from weishang.customers.models import (
    CustomerSettings,
    FollowUp,
    FollowUpState,
    ReminderHandled,
    ReminderKind,
)

pytestmark = pytest.mark.django_db

URL = reverse("customers:today")


def born_on(day: date) -> date:
    """A birthday on ``day``'s month and day (1992 had a 29 February)."""
    return day.replace(year=1992)


def today_page(client):
    return client.get(URL, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def due_today(owner, place, stocked, add_customer):
    """One of each reason, due today: a follow-up, a product running out, a birthday."""
    today = timezone.localdate()
    month_supply = stocked(title="益生菌", usage_days=30)
    buy(place, owner, month_supply, on=today - timedelta(days=27))  # runs out in 3 days
    zhang = services.update_customer(owner, queries.customers_for(owner).get(
        phone="13812345678"), wechat_id="zhang_wx")
    wang = add_customer(name="王芳", phone="13700001234", birthday=born_on(today))
    li = add_customer(name="李四", phone="13900001111")
    follow_up = care.create_follow_up(owner, li, due_on=today, kind="after_sales",
                                      note="问问面霜用得怎样")
    return {"zhang": zhang, "wang": wang, "li": li, "follow_up": follow_up,
            "product": month_supply.product}


def test_page_lists_each_reason_with_what_to_send(owner_client, due_today):
    response = today_page(owner_client)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-total="3"' in page
    assert page.index('data-group="follow_up"') < page.index('data-group="repurchase"') < \
        page.index('data-group="birthday"')
    assert "After-sales · 问问面霜用得怎样" in page
    assert "Hello 李四, how are you getting on with what you bought?" in page
    assert "益生菌 runs out around" in page
    assert "张三, the 益生菌 you bought last time must be nearly used up." in page
    assert "Happy birthday, 王芳!" in page
    # Numbers masked; the WeChat ID ready to copy.
    assert "138****5678" in page and "13812345678" not in page
    assert 'value="zhang_wx" readonly data-wechat' in page
    assert page.count("data-copy=") == 4  # three messages and one WeChat ID
    assert f'href="{reverse("customers:detail", args=[due_today["zhang"].public_id])}"' in page


@pytest.mark.parametrize("count", [1, 12], ids=["one-each", "twelve-each"])
def test_page_queries_do_not_grow_with_the_contacts(owner, owner_client, place, stocked,
                                                    add_customer, count,
                                                    django_assert_max_num_queries):
    today = timezone.localdate()
    month_supply = stocked(100, title="益生菌", usage_days=30)
    for number in range(count):
        buy(place, owner, month_supply, on=today - timedelta(days=27), name=f"客{number}",
            phone=f"1380000{number:04d}")
        customer = add_customer(name=f"友{number}", phone=f"1390000{number:04d}",
                                birthday=born_on(today))
        care.create_follow_up(owner, customer, due_on=today)
    CustomerSettings.load()
    with django_assert_max_num_queries(10):
        response = today_page(owner_client)
    assert f'data-total="{3 * count}"' in response.content.decode()


def test_nobody_today_says_how_the_page_fills(owner_client):
    page = today_page(owner_client).content.decode()
    assert "Nobody to contact today." in page and "data-empty" in page


def test_done_takes_a_follow_up_off_the_page(owner_client, due_today):
    follow_up = due_today["follow_up"]
    response = owner_client.post(reverse("customers:followup_done", args=[follow_up.pk]),
                                 {"next": URL}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == URL
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.DONE and follow_up.done_at is not None
    assert 'data-total="2"' in today_page(owner_client).content.decode()


def test_done_handles_a_repurchase_reminder(owner, owner_client, due_today):
    [reminder] = [item for item in care_queries.today_for(owner)
                  if item.kind == ReminderKind.REPURCHASE]
    response = owner_client.post(reverse("customers:reminder_done"), {
        "customer": reminder.customer.public_id, "kind": reminder.kind, "key": reminder.key,
        "next": URL})
    assert response.status_code == 302
    assert ReminderHandled.objects.filter(kind=ReminderKind.REPURCHASE, key=reminder.key,
                                          handled_by=owner).exists()
    assert 'data-group="repurchase"' not in today_page(owner_client).content.decode()


def test_snooze_puts_a_birthday_off_as_a_follow_up(owner, owner_client, due_today):
    today = timezone.localdate()
    [reminder] = [item for item in care_queries.today_for(owner)
                  if item.kind == ReminderKind.BIRTHDAY]
    owner_client.post(reverse("customers:reminder_snooze"), {
        "customer": reminder.customer.public_id, "kind": reminder.kind, "key": reminder.key,
        "days": "1", "next": URL})
    assert FollowUp.objects.get(customer=due_today["wang"]).due_on == today + timedelta(days=1)
    assert 'data-group="birthday"' not in today_page(owner_client).content.decode()


def test_snooze_a_follow_up_to_a_chosen_day(owner_client, due_today):
    follow_up = due_today["follow_up"]
    later = timezone.localdate() + timedelta(days=10)
    owner_client.post(reverse("customers:followup_snooze", args=[follow_up.pk]),
                      {"until": later.isoformat(), "next": URL})
    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.snooze_count) == (later, 1)


@pytest.mark.parametrize("data, message", [
    ({}, "Snooze for 1 or 3 days, or choose a day."),
    ({"days": "7"}, "Select a valid choice."),
    ({"until": "2000-01-01"}, "Choose today or a later day."),
    ({"until": "tomorrow"}, "Enter a valid date."),
], ids=["nothing", "seven-days", "past-day", "not-a-date"])
def test_a_bad_snooze_changes_nothing(owner_client, due_today, data, message):
    follow_up = due_today["follow_up"]
    response = owner_client.post(reverse("customers:followup_snooze", args=[follow_up.pk]),
                                 {**data, "next": URL}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert message in response.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).due_on == follow_up.due_on


def test_a_forged_reminder_changes_nothing(owner_client, due_today):
    response = owner_client.post(reverse("customers:reminder_done"), {
        "customer": due_today["zhang"].public_id, "kind": "repurchase", "key": "x:2020-01-01",
        "next": URL}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "This reminder is not due any more; reload the page." in response.content.decode()
    assert not ReminderHandled.objects.exists()


def test_next_never_leaves_the_site(owner_client, due_today):
    response = owner_client.post(
        reverse("customers:followup_done", args=[due_today["follow_up"].pk]),
        {"next": "https://evil.example/"})
    assert response["Location"] == URL


def test_today_page_needs_the_customers_area(client, due_today):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(URL).status_code == 403
    response = client.post(reverse("customers:followup_done",
                                   args=[due_today["follow_up"].pk]))
    assert response.status_code == 403
    assert FollowUp.objects.get().state == FollowUpState.OPEN


def test_today_count_for_the_console_home(owner, due_today):
    assert care_queries.today_count(owner) == 3
    assert care_queries.today_count(UserFactory(role="agent")) == 0

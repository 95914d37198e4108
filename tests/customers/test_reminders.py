"""Repurchase and birthday reminders appear on the right day (the day is passed in), stay until
dealt with, and come back when they should."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.customers.care import buy
from tests.factories import UserFactory
from weishang.core.errors import Conflict
from weishang.customers import services
from weishang.customers.care import queries as care_queries
from weishang.customers.care import services as care
from weishang.customers.models import Customer, CustomerSettings, FollowUp, ReminderKind
from weishang.orders import services as orders

pytestmark = pytest.mark.django_db

MARCH_1 = date(2026, 3, 1)


def kinds_on(owner, day):
    return [(reminder.kind, reminder.customer.name, reminder.product)
            for reminder in care_queries.today_for(owner, today=day)]


@pytest.fixture
def month_supply(stocked):
    """A month's supply: one unit lasts 30 days."""
    return stocked(title="益生菌", usage_days=30)


def test_repurchase_is_due_days_before_it_runs_out_and_stays_two_weeks(owner, place,
                                                                      month_supply, english):
    # Paid on 1 March, runs out on 31 March; with the default 3 days' notice, due on 28 March.
    buy(place, owner, month_supply, on=MARCH_1)
    assert kinds_on(owner, date(2026, 3, 27)) == []
    [reminder] = care_queries.today_for(owner, today=date(2026, 3, 28))
    assert (reminder.kind, reminder.customer.name, reminder.product) == (
        ReminderKind.REPURCHASE, "张三", "益生菌")
    assert reminder.run_out_on == date(2026, 3, 31)
    assert reminder.reason == "益生菌 runs out around 03-31"
    assert reminder.message == ("张三, the 益生菌 you bought last time must be nearly used up. "
                                "Shall I send you another one?")
    late = date(2026, 3, 28) + timedelta(days=care_queries.OVERDUE_WINDOW_DAYS)
    assert (care_queries.today_for(owner, today=late)[0].days_late(late)
            == care_queries.OVERDUE_WINDOW_DAYS)
    assert kinds_on(owner, late + timedelta(days=1)) == []


def test_quantity_and_the_notice_period_move_the_day(owner, place, month_supply):
    CustomerSettings.load()
    care.update_customer_settings(owner, remind_days_before=7)
    buy(place, owner, month_supply, on=MARCH_1, quantity=2)  # 60 days: runs out 30 April
    assert kinds_on(owner, date(2026, 4, 22)) == []
    due = care_queries.today_for(owner, today=date(2026, 4, 23))
    assert [reminder.run_out_on for reminder in due] == [date(2026, 4, 30)]


def test_the_paid_day_counts_not_the_day_the_order_was_placed(owner, place, month_supply):
    buy(place, owner, month_supply, on=MARCH_1, paid_on=date(2026, 3, 6))
    assert kinds_on(owner, date(2026, 3, 28)) == []
    assert len(care_queries.today_for(owner, today=date(2026, 4, 2))) == 1


def test_a_later_order_of_the_product_resets_the_reminder(owner, place, month_supply):
    buy(place, owner, month_supply, on=MARCH_1)
    buy(place, owner, month_supply, on=date(2026, 3, 25))
    assert kinds_on(owner, date(2026, 3, 28)) == []
    [reminder] = care_queries.today_for(owner, today=date(2026, 4, 21))
    assert reminder.run_out_on == date(2026, 4, 24)


def test_unpaid_and_cancelled_orders_neither_remind_nor_reset(owner, place, month_supply):
    buy(place, owner, month_supply, on=MARCH_1)
    buy(place, owner, month_supply, on=date(2026, 3, 20), pay=False)
    cancelled = buy(place, owner, month_supply, on=date(2026, 3, 21), pay=False)
    orders.cancel_order(cancelled, actor=owner)
    due = care_queries.today_for(owner, today=date(2026, 3, 28))
    assert [reminder.run_out_on for reminder in due] == [date(2026, 3, 31)]


def test_products_without_a_usage_period_never_remind(owner, place, stocked):
    buy(place, owner, stocked(title="T恤"), on=MARCH_1)
    assert all(kinds_on(owner, MARCH_1 + timedelta(days=n)) == [] for n in (0, 30, 365))


def test_each_customer_and_product_reminds_on_its_own(owner, place, month_supply, stocked):
    cream = stocked(title="面霜", usage_days=60)
    buy(place, owner, month_supply, on=MARCH_1)
    buy(place, owner, cream, on=date(2026, 1, 31))  # runs out 1 April: due 29 March
    buy(place, owner, month_supply, on=date(2026, 3, 2), name="李四", phone="13900001111")
    assert kinds_on(owner, date(2026, 3, 29)) == [
        (ReminderKind.REPURCHASE, "张三", "益生菌"),  # due the day before: first
        (ReminderKind.REPURCHASE, "张三", "面霜"),
        (ReminderKind.REPURCHASE, "李四", "益生菌"),
    ]


def test_handled_reminder_leaves_the_list_until_the_next_purchase(owner, place, month_supply):
    buy(place, owner, month_supply, on=MARCH_1)
    [reminder] = care_queries.today_for(owner, today=date(2026, 3, 28))
    care.handle_reminder(owner, reminder.customer, kind=reminder.kind, key=reminder.key,
                         today=date(2026, 3, 28))
    care.handle_reminder(owner, reminder.customer, kind=reminder.kind, key=reminder.key,
                         today=date(2026, 3, 28))  # a second tap changes nothing
    assert kinds_on(owner, date(2026, 3, 29)) == []
    buy(place, owner, month_supply, on=date(2026, 4, 2))
    due = care_queries.today_for(owner, today=date(2026, 4, 29))
    assert [reminder.run_out_on for reminder in due] == [date(2026, 5, 2)]


def test_a_reminder_that_is_not_due_cannot_be_handled(owner, place, month_supply, english):
    buy(place, owner, month_supply, on=MARCH_1)
    customer = Customer.objects.get()
    key = f"{month_supply.product.public_id}:2026-03-31"
    with pytest.raises(Conflict, match="not due any more"):
        care.handle_reminder(owner, customer, kind=ReminderKind.REPURCHASE, key=key,
                             today=date(2026, 3, 20))
    with pytest.raises(Conflict):
        care.handle_reminder(owner, customer, kind=ReminderKind.REPURCHASE, key="made-up",
                             today=date(2026, 3, 28))
    assert care_queries.today_for(owner, today=date(2026, 3, 28))[0].key == key


def test_snoozed_reminder_comes_back_as_a_follow_up(owner, place, month_supply, english):
    buy(place, owner, month_supply, on=MARCH_1)
    [reminder] = care_queries.today_for(owner, today=date(2026, 3, 28))
    follow_up = care.snooze_reminder(owner, reminder.customer, kind=reminder.kind,
                                     key=reminder.key, days=3, today=date(2026, 3, 28))
    assert follow_up.due_on == date(2026, 3, 31)
    assert follow_up.note == "益生菌 runs out around 03-31"
    assert kinds_on(owner, date(2026, 3, 30)) == []
    assert kinds_on(owner, date(2026, 3, 31)) == [(ReminderKind.FOLLOW_UP, "张三", "")]


@pytest.fixture
def birthday_girl(add_customer):
    return add_customer(name="王芳", phone="13700001234", birthday=date(1990, 5, 20))


def test_birthday_appears_on_the_day_only(owner, birthday_girl, english):
    assert kinds_on(owner, date(2026, 5, 19)) == []
    [reminder] = care_queries.today_for(owner, today=date(2026, 5, 20))
    assert (reminder.kind, reminder.reason) == (ReminderKind.BIRTHDAY, "Birthday today")
    assert reminder.message.startswith("Happy birthday, 王芳!")
    assert kinds_on(owner, date(2026, 5, 21)) == []


def test_birthday_handled_once_a_year(owner, birthday_girl):
    care.handle_reminder(owner, birthday_girl, kind=ReminderKind.BIRTHDAY, key="2026",
                         today=date(2026, 5, 20))
    assert kinds_on(owner, date(2026, 5, 20)) == []
    assert kinds_on(owner, date(2027, 5, 20)) == [(ReminderKind.BIRTHDAY, "王芳", "")]


def test_leap_day_birthdays_fall_on_28_february_in_other_years(owner, add_customer):
    add_customer(name="闰日", birthday=date(2000, 2, 29))
    assert kinds_on(owner, date(2027, 2, 28)) == [(ReminderKind.BIRTHDAY, "闰日", "")]
    assert kinds_on(owner, date(2028, 2, 28)) == []
    assert kinds_on(owner, date(2028, 2, 29)) == [(ReminderKind.BIRTHDAY, "闰日", "")]


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_every_birthday_is_celebrated_once_a_year(birthday):
    year = 2027 if birthday.year % 2 else 2028  # with and without a 29 February
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)
            if (date(year, 1, 1) + timedelta(days=n)).year == year]
    assert sum(birthday.strftime("%m-%d") in care_queries.birthday_days(day) for day in days) == 1


def test_birthday_reminders_can_be_switched_off(owner, birthday_girl):
    care.update_customer_settings(owner, birthday_reminders=False)
    assert kinds_on(owner, date(2026, 5, 20)) == []


def test_erased_customers_and_other_peoples_customers_stay_off_the_list(
        owner, place, month_supply, birthday_girl):
    order = buy(place, owner, month_supply, on=MARCH_1)
    orders.complete_order(orders.ship_order(order, actor=owner, carrier="SF",
                                            tracking_number="SF1234567890123"), actor=owner)
    services.erase_customer(owner, Customer.objects.get(phone="13812345678"))
    assert kinds_on(owner, date(2026, 3, 28)) == []
    agent = UserFactory(role="agent")
    assert care_queries.today_for(agent, today=date(2026, 5, 20)) == []
    assert care_queries.today_for(UserFactory(role="staff", areas=["orders"]),
                          today=date(2026, 5, 20)) == []
    assert FollowUp.objects.count() == 0


def test_today_count_adds_every_reason(owner, place, month_supply, birthday_girl):
    buy(place, owner, month_supply, on=date(2026, 4, 23))  # due 20 May
    care.create_follow_up(owner, birthday_girl, due_on=date(2026, 5, 18),
                          today=date(2026, 5, 18))
    assert care_queries.today_count(owner, today=date(2026, 5, 20)) == 3

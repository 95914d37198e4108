"""Reads of customer care: the follow-ups a user may see, and the reminders due on a day.

Reminders are computed, not stored: a product with a usage period runs out some days after it
was bought, and a birthday comes once a year. A ReminderHandled row takes a computed reminder
off the list once the seller dealt with it (``services``). Every date is a local
(Asia/Shanghai) day passed in as ``today``, so tests and jobs control time.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.orders.models import SALE_STATES, OrderLine

from .. import queries
from ..models import (
    Customer,
    CustomerSettings,
    FollowUp,
    FollowUpKind,
    FollowUpState,
    ReminderHandled,
    ReminderKind,
)

#: A repurchase reminder not dealt with stays on the list this many days after it was due.
OVERDUE_WINDOW_DAYS = 14


def follow_ups_for(user) -> QuerySet:
    """The follow-ups of the customers ``user`` may see (queries.customers_for decides)."""
    return FollowUp.objects.filter(customer__in=queries.customers_for(user)).select_related(
        "customer")


class PlusDays(Func):
    """``day + days`` as a date, where ``days`` may be computed per row (SQLite, PostgreSQL)."""

    output_field = DateField()
    arity = 2

    def _parts(self, compiler):
        day, days = (compiler.compile(expression) for expression in self.get_source_expressions())
        return day, days

    def as_sql(self, compiler, connection, **extra_context):
        (day_sql, day_params), (days_sql, days_params) = self._parts(compiler)
        return f"({day_sql} + CAST({days_sql} AS integer))", (*day_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (day_sql, day_params), (days_sql, days_params) = self._parts(compiler)
        return f"date({day_sql}, ({days_sql}) || ' days')", (*day_params, *days_params)


@dataclass(frozen=True)
class Reminder:
    """Someone to contact on a day, and why."""

    kind: str
    customer: Customer
    due_on: date
    #: Names a computed reminder for ReminderHandled ("" for a follow-up).
    key: str = ""
    product: str = ""
    run_out_on: date | None = None
    follow_up: FollowUp | None = None

    @property
    def reason(self) -> str:
        if self.kind == ReminderKind.REPURCHASE:
            return _("%(product)s runs out around %(day)s") % {
                "product": self.product, "day": self.run_out_on.strftime("%m-%d")}
        if self.kind == ReminderKind.BIRTHDAY:
            return _("Birthday today")
        kind = self.follow_up.get_kind_display()
        return f"{kind} · {self.follow_up.note}" if self.follow_up.note else kind

    @property
    def message(self) -> str:
        return suggested_message(self)

    def days_late(self, today: date) -> int:
        return max((today - self.due_on).days, 0)


def suggested_message(reminder: Reminder) -> str:
    """A friendly message to copy into WeChat, in the seller's language."""
    name = reminder.customer.name
    if reminder.kind == ReminderKind.REPURCHASE:
        return _("%(name)s, the %(product)s you bought last time must be nearly used up. "
                 "Shall I send you another one?") % {"name": name, "product": reminder.product}
    if reminder.kind == ReminderKind.BIRTHDAY:
        return _("Happy birthday, %(name)s! Wishing you health and happiness in the year "
                 "ahead.") % {"name": name}
    if reminder.follow_up.kind == FollowUpKind.AFTER_SALES:
        return _("Hello %(name)s, how are you getting on with what you bought? If anything is "
                 "not right, just tell me and I will sort it out.") % {"name": name}
    return _("Hello %(name)s, how have you been? Some new products have just arrived; shall "
             "I send you a few pictures?") % {"name": name}


def birthday_days(today: date) -> list[str]:
    """The "MM-DD" birthdays celebrated on ``today``: 29 February falls on the 28th in a year
    without one."""
    days = [today.strftime("%m-%d")]
    if today.month == 2 and today.day == 28 and not _is_leap(today.year):
        days.append("02-29")
    return days


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _repurchase_key(product_public_id: str, run_out_on: date) -> str:
    return f"{product_public_id}:{run_out_on.isoformat()}"


def _follow_ups_due(customers: QuerySet, today: date) -> list[Reminder]:
    due = (FollowUp.objects.filter(customer__in=customers, state=FollowUpState.OPEN,
                                   due_on__lte=today)
           .select_related("customer").order_by("due_on", "id"))
    return [Reminder(kind=ReminderKind.FOLLOW_UP, customer=follow_up.customer,
                     due_on=follow_up.due_on, follow_up=follow_up) for follow_up in due]


def _repurchases_due(customers: QuerySet, today: date,
                     settings: CustomerSettings) -> list[Reminder]:
    """For each product with a usage period a customer bought, the latest counted order: it
    runs out ``usage_days × quantity`` days after it was paid; the reminder is due
    ``remind_days_before`` earlier and stays until handled or ``OVERDUE_WINDOW_DAYS`` pass."""
    customer_ref = "order__customer_link__customer_id"
    bought_later = OrderLine.objects.filter(
        order__state__in=SALE_STATES,
        variant__product_id=OuterRef("variant__product_id"),
        order__customer_link__customer_id=OuterRef(customer_ref),
        order__created_at__gt=OuterRef("order__created_at"))
    units = ExpressionWrapper(F("usage_days") * F("units"), output_field=IntegerField())
    rows = (OrderLine.objects
            .filter(order__state__in=SALE_STATES,
                    order__customer_link__customer__in=customers,
                    variant__product__usage_days__gt=0)
            .filter(~Exists(bought_later))
            .values(customer_ref, "order_id", "variant__product__public_id",
                    "variant__product__title",
                    usage_days=F("variant__product__usage_days"),
                    bought_on=TruncDate(Coalesce("order__paid_at", "order__created_at")))
            .annotate(units=Sum("quantity"))
            .annotate(run_out_on=PlusDays(F("bought_on"), units),
                      due_on=PlusDays(F("bought_on"), units - settings.remind_days_before))
            .filter(due_on__lte=today,
                    due_on__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS))
            .order_by("due_on", customer_ref))
    rows = list(rows)
    if not rows:
        return []
    customer_ids = {row[customer_ref] for row in rows}
    handled = set(ReminderHandled.objects.filter(
        kind=ReminderKind.REPURCHASE, customer_id__in=customer_ids).values_list(
        "customer_id", "key"))
    by_id = Customer.objects.in_bulk(customer_ids)
    reminders = []
    for row in rows:
        key = _repurchase_key(row["variant__product__public_id"], row["run_out_on"])
        if (row[customer_ref], key) in handled:
            continue
        reminders.append(Reminder(
            kind=ReminderKind.REPURCHASE, customer=by_id[row[customer_ref]],
            due_on=row["due_on"], key=key, product=row["variant__product__title"],
            run_out_on=row["run_out_on"]))
    return reminders


def _birthdays(customers: QuerySet, today: date, settings: CustomerSettings) -> list[Reminder]:
    if not settings.birthday_reminders:
        return []
    key = str(today.year)
    celebrating = customers.filter(birthday_md__in=birthday_days(today)).exclude(Exists(
        ReminderHandled.objects.filter(customer=OuterRef("pk"), kind=ReminderKind.BIRTHDAY,
                                       key=key))).order_by("name", "pk")
    return [Reminder(kind=ReminderKind.BIRTHDAY, customer=customer, due_on=today, key=key)
            for customer in celebrating]


def reminders_due(customers: QuerySet, *, today: date,
                  settings: CustomerSettings | None = None) -> list[Reminder]:
    """Everyone among ``customers`` to contact on ``today``: open follow-ups due (or late),
    repurchase reminders due (or late, within the window) and birthdays, in that order."""
    settings = settings or CustomerSettings.load()
    customers = customers.filter(erased_at__isnull=True)
    return [*_follow_ups_due(customers, today), *_repurchases_due(customers, today, settings),
            *_birthdays(customers, today, settings)]


def today_for(user, *, today: date | None = None) -> list[Reminder]:
    """The today page (今日待联系) of ``user``: the customers they may see."""
    return reminders_due(queries.customers_for(user), today=today or timezone.localdate())


def today_count(user, *, today: date | None = None) -> int:
    """How many contacts are waiting today (the console home's badge)."""
    return len(today_for(user, today=today))

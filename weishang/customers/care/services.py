"""Every change of customer care (客户维护): follow-ups planned, changed, done, snoozed or removed;
computed reminders dealt with or snoozed; the owner's customer-care settings.

Follow-ups are tasks the seller writes down (call 王姐 on Friday). Reminders are computed
(``queries``); when the seller deals with one, a ReminderHandled row takes it off the list, and
a later order of the same product starts a new one by itself. Every date is a local
(Asia/Shanghai) day passed in as ``today``, so tests and jobs control time.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_owner
from weishang.core.cleaning import clean_line
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.core.money import to_money

from .. import services
from ..models import (
    Customer,
    CustomerSettings,
    FollowUp,
    FollowUpKind,
    FollowUpState,
    ReminderHandled,
    ReminderKind,
)
from .queries import Reminder, follow_ups_for, reminders_due

#: Snoozing offers these steps (days); any later day can be picked instead.
SNOOZE_DAYS = (1, 3)
#: A follow-up is planned at most this far ahead.
MAX_DAYS_AHEAD = 366
NOTE_MAX_LENGTH = FollowUp._meta.get_field("note").max_length

#: Ranges of the customer-care settings (the form and the API show the same limits).
SETTING_LIMITS = {
    "remind_days_before": (0, 60),
    "recency_days": (1, 3650),
    "frequency_orders": (1, 1000),
    "monetary_amount": (Decimal("0"), Decimal("99999999.99")),
}


# ---------------------------------------------------------------------------------------------
# Follow-ups


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _clean_kind(kind) -> str:
    kind = kind or FollowUpKind.MESSAGE
    if kind not in FollowUpKind.values:
        raise InvalidInput(_("Choose a type of follow-up."), field="kind")
    return kind


def _clean_note(note) -> str:
    note = clean_line(note, field="note", limit=NOTE_MAX_LENGTH)
    services.refuse_id_numbers(note, field="note")
    return note


def _clean_due_on(due_on, *, today: date, field: str = "due_on") -> date:
    if not isinstance(due_on, date):
        try:
            due_on = date.fromisoformat(str(due_on))
        except ValueError:
            raise InvalidInput(_("Enter a date, e.g. %(example)s.")
                               % {"example": today.isoformat()}, field=field) from None
    if due_on < today:
        raise InvalidInput(_("Choose today or a later day."), field=field)
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(_("Plan at most a year ahead."), field=field)
    return due_on


def _open_follow_up(actor, follow_up: FollowUp) -> FollowUp:
    """The follow-up as stored now, locked, if ``actor`` may see it and it is still open."""
    current = follow_ups_for(actor).select_for_update(of=("self",)).filter(
        pk=follow_up.pk).first()
    if current is None:
        raise NotFound(_("No such follow-up."))
    if current.state != FollowUpState.OPEN:
        raise Conflict(_("This follow-up is done already."), code="follow_up_done")
    return current


@transaction.atomic
def create_follow_up(actor, customer: Customer, *, due_on, kind=FollowUpKind.MESSAGE,
                     note: str = "", today: date | None = None) -> FollowUp:
    """A task to contact ``customer`` on ``due_on`` (today at the earliest). It belongs to the
    customer's seller, who sees it on their today page."""
    today = _today(today)
    customer = services.visible_customer(actor, customer)
    return FollowUp.objects.create(
        customer=customer, seller=customer.seller, created_by=actor, kind=_clean_kind(kind),
        due_on=_clean_due_on(due_on, today=today), note=_clean_note(note))


@transaction.atomic
def complete_follow_up(actor, follow_up: FollowUp) -> FollowUp:
    follow_up = _open_follow_up(actor, follow_up)
    follow_up.state = FollowUpState.DONE
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["state", "done_at", "updated_at"])
    return follow_up


@transaction.atomic
def snooze_follow_up(actor, follow_up: FollowUp, *, days: int | None = None, until=None,
                     today: date | None = None) -> FollowUp:
    """Put a follow-up off by ``days`` from today (1 or 3) or until a later day."""
    today = _today(today)
    follow_up = _open_follow_up(actor, follow_up)
    follow_up.due_on = _snoozed_until(days=days, until=until, today=today)
    follow_up.snooze_count += 1
    follow_up.save(update_fields=["due_on", "snooze_count", "updated_at"])
    return follow_up


def _snoozed_until(*, days, until, today: date) -> date:
    """A step of days wins over a day also picked (the step is the button that was tapped)."""
    if days is not None:
        if days not in SNOOZE_DAYS:
            raise InvalidInput(_("Snooze for 1 or 3 days, or choose a day."), field="days")
        return today + timedelta(days=days)
    if until in (None, ""):
        raise InvalidInput(_("Snooze for 1 or 3 days, or choose a day."), field="days")
    until = _clean_due_on(until, today=today, field="until")
    if until == today:
        raise InvalidInput(_("Choose a day after today."), field="until")
    return until


@transaction.atomic
def reschedule_follow_up(actor, follow_up: FollowUp, *, due_on=None, kind=None, note=None,
                         today: date | None = None) -> FollowUp:
    """Change the day, type or note of an open follow-up; what is left out stays."""
    today = _today(today)
    follow_up = _open_follow_up(actor, follow_up)
    if due_on is not None:
        follow_up.due_on = _clean_due_on(due_on, today=today)
    if kind is not None:
        follow_up.kind = _clean_kind(kind)
    if note is not None:
        follow_up.note = _clean_note(note)
    follow_up.save(update_fields=["due_on", "kind", "note", "updated_at"])
    return follow_up


@transaction.atomic
def delete_follow_up(actor, follow_up: FollowUp) -> None:
    """Remove a follow-up written by mistake (a done one stays as a record of the contact)."""
    _open_follow_up(actor, follow_up).delete()


# ---------------------------------------------------------------------------------------------

def _due_reminder(actor, customer: Customer, kind: str, key: str, today: date) -> Reminder:
    if kind not in (ReminderKind.REPURCHASE, ReminderKind.BIRTHDAY):
        raise InvalidInput(_("Choose a repurchase or birthday reminder."), field="kind")
    customer = services.visible_customer(actor, customer, lock=True)
    due = reminders_due(Customer.objects.filter(pk=customer.pk), today=today)
    found = next((reminder for reminder in due
                  if reminder.kind == kind and reminder.key == key), None)
    if found is None:
        raise Conflict(_("This reminder is not due any more; reload the page."),
                       code="reminder_not_due")
    return found


@transaction.atomic
def handle_reminder(actor, customer: Customer, *, kind: str, key: str,
                    today: date | None = None) -> None:
    """The seller contacted the customer about a computed reminder: it leaves the list (a
    second tap on the same reminder changes nothing)."""
    if ReminderHandled.objects.filter(customer_id=customer.pk, kind=kind, key=key).exists():
        return
    reminder = _due_reminder(actor, customer, kind, key, _today(today))
    try:
        with transaction.atomic():
            ReminderHandled.objects.create(customer=reminder.customer, kind=kind, key=key,
                                           handled_by=actor)
    except IntegrityError:
        pass  # handled at the same moment from another device


@transaction.atomic
def snooze_reminder(actor, customer: Customer, *, kind: str, key: str, days: int | None = None,
                    until=None, today: date | None = None) -> FollowUp:
    """Deal with a computed reminder later: it becomes a follow-up on the chosen day (with the
    reason as its note) and leaves today's list."""
    today = _today(today)
    reminder = _due_reminder(actor, customer, kind, key, today)
    due_on = _snoozed_until(days=days, until=until, today=today)
    ReminderHandled.objects.get_or_create(customer=reminder.customer, kind=kind, key=key,
                                          defaults={"handled_by": actor})
    return create_follow_up(actor, reminder.customer, due_on=due_on, today=today,
                            note=reminder.reason[:NOTE_MAX_LENGTH])


# ---------------------------------------------------------------------------------------------
# Settings


def _in_range(name: str, value, *, field_label: str):
    low, high = SETTING_LIMITS[name]
    if value is None or not low <= value <= high:
        raise InvalidInput(_("%(field)s must be from %(low)s to %(high)s.")
                           % {"field": field_label, "low": low, "high": high}, field=name)
    return value


def _whole_number(name: str, value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise InvalidInput(_("Enter a whole number."), field=name)
    return int(text)


def _amount(name: str, value) -> Decimal:
    try:
        return to_money(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter an amount, e.g. 500 or 499.90."), field=name) from None


@transaction.atomic
def update_customer_settings(actor, **fields) -> CustomerSettings:
    """Change the customer-care rules (owner only); fields left out stay as they are."""
    require_owner(actor, _("Only the owner can change the customer-care settings."))
    unknown = set(fields) - {*SETTING_LIMITS, "birthday_reminders"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]})
    settings = CustomerSettings.load(lock=True)
    for name, value in fields.items():
        label = str(CustomerSettings._meta.get_field(name).verbose_name)
        if name == "birthday_reminders":
            value = bool(value)
        elif name == "monetary_amount":
            value = _in_range(name, _amount(name, value), field_label=label)
        else:
            value = _in_range(name, _whole_number(name, value), field_label=label)
        setattr(settings, name, value)
    settings.save()
    return settings

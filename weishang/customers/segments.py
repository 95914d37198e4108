"""RFM segments (客户分层): recency, frequency and monetary value against the owner's thresholds.

A customer who bought at least once is "high" on recency when their last counted order falls
within ``recency_days``, on frequency with at least ``frequency_orders`` counted orders, on
monetary value having spent at least ``monetary_amount`` (CustomerSettings). The three yes/no
answers give the standard eight segments. Everything is worked out by the database from the
order statistics kept on each customer (services.refresh_order_stats), so a count or a list is
one query whatever the number of customers.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import CustomerSettings


@dataclass(frozen=True)
class Segment:
    code: str
    label: Promise
    recent: bool
    frequent: bool
    valuable: bool
    advice: Promise


#: The eight segments, most valuable first. Codes are stable (API, links, saved filters).
SEGMENTS = (
    Segment("important_value", _("Important value customers"), True, True, True,
            _("Your best customers: thank them, give them first look at new products.")),
    Segment("important_growth", _("Important growth customers"), True, False, True,
            _("Spent a lot in few orders, recently: invite them back so they buy more often.")),
    Segment("important_retain", _("Important retention customers"), False, True, True,
            _("Bought often and much, but not lately: get in touch before they drift away.")),
    Segment("important_winback", _("Important win-back customers"), False, False, True,
            _("Spent a lot once, long ago: a personal message may win them back.")),
    Segment("general_value", _("General value customers"), True, True, False,
            _("Loyal and recent, small baskets: suggest bundles or larger packs.")),
    Segment("general_growth", _("General growth customers"), True, False, False,
            _("New or occasional buyers: follow up on their first purchase.")),
    Segment("general_retain", _("General retention customers"), False, True, False,
            _("Used to buy often, not lately: a reminder or small offer helps.")),
    Segment("general_winback", _("General win-back customers"), False, False, False,
            _("Bought little, long ago: include them in general offers only.")),
)
SEGMENTS_BY_CODE = {segment.code: segment for segment in SEGMENTS}


def segment_choices() -> list[tuple[str, Promise]]:
    return [(segment.code, segment.label) for segment in SEGMENTS]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Thresholds:
    """The three conditions of the settings, as database filters for one day."""

    recent: Q
    frequent: Q
    valuable: Q

    @classmethod
    def of(cls, settings: CustomerSettings | None = None, *, today: date | None = None):
        settings = settings or CustomerSettings.load()
        today = today or timezone.localdate()
        return cls(
            recent=Q(last_order_at__gte=_start_of(today - timedelta(days=settings.recency_days))),
            frequent=Q(order_count__gte=settings.frequency_orders),
            valuable=Q(total_spent__gte=settings.monetary_amount),
        )

    def of_segment(self, segment: Segment) -> Q:
        condition = Q()
        for name in ("recent", "frequent", "valuable"):
            test = getattr(self, name)
            condition &= test if getattr(segment, name) else ~test
        return condition


#: Who is classified: customers with at least one counted order whose data is still there.
BUYERS = Q(order_count__gte=1, erased_at__isnull=True)


def segment_filter(customers: QuerySet, code: str, *, today: date | None = None,
                   settings: CustomerSettings | None = None) -> QuerySet:
    """The customers of ``customers`` in segment ``code`` (none for an unknown code)."""
    segment = SEGMENTS_BY_CODE.get(code)
    if segment is None:
        return customers.none()
    return customers.filter(BUYERS, Thresholds.of(settings, today=today).of_segment(segment))


def with_segment(customers: QuerySet, *, today: date | None = None,
                 settings: CustomerSettings | None = None) -> QuerySet:
    """``customers`` annotated with ``segment`` (a code, or "" for those who never bought)."""
    thresholds = Thresholds.of(settings, today=today)
    return customers.annotate(segment=Case(
        *(When(BUYERS & thresholds.of_segment(segment), then=Value(segment.code))
          for segment in SEGMENTS),
        default=Value(""), output_field=CharField()))


def segment_of(customer, *, today: date | None = None,
               settings: CustomerSettings | None = None) -> Segment | None:
    """The segment of one customer already loaded, without a query (the detail page's badge)."""
    if customer.order_count < 1 or customer.is_erased:
        return None
    settings = settings or CustomerSettings.load()
    today = today or timezone.localdate()
    recent = (customer.last_order_at is not None and customer.last_order_at
              >= _start_of(today - timedelta(days=settings.recency_days)))
    frequent = customer.order_count >= settings.frequency_orders
    valuable = customer.total_spent >= settings.monetary_amount
    return next(segment for segment in SEGMENTS
                if (segment.recent, segment.frequent, segment.valuable)
                == (recent, frequent, valuable))


@dataclass(frozen=True)
class Overview:
    """Customers per segment and the repeat-purchase rate (buyers with two or more orders
    among those with at least one)."""

    counts: list[tuple[Segment, int]]
    buyers: int
    repeat_buyers: int

    @property
    def repeat_rate(self) -> Decimal | None:
        """Repeat buyers as a percentage of buyers, one decimal (None without buyers)."""
        if not self.buyers:
            return None
        return (Decimal(100) * self.repeat_buyers / self.buyers).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)


def overview(customers: QuerySet, *, today: date | None = None,
             settings: CustomerSettings | None = None) -> Overview:
    """Counts for ``customers`` (e.g. queries.customers_for(user)) in one query."""
    thresholds = Thresholds.of(settings, today=today)
    totals = customers.filter(BUYERS).aggregate(
        buyers=Count("pk"), repeat_buyers=Count("pk", filter=Q(order_count__gte=2)),
        **{segment.code: Count("pk", filter=thresholds.of_segment(segment))
           for segment in SEGMENTS})
    return Overview(counts=[(segment, totals[segment.code]) for segment in SEGMENTS],
                    buyers=totals["buyers"], repeat_buyers=totals["repeat_buyers"])

"""What sharing brought: clicks, orders, revenue and conversion per post, channel, seller and
tracked link.

Clicks are Click rows (by the time of the click); orders are the orders that carry a tracked
link (``Order.source_link``, by the time they were placed). Revenue counts only sales
(``orders.models.SALE_STATES``): an unpaid, cancelled or refunded order brought nothing, nor
one whose refund is being asked for.
Conversion is orders per click. Each breakdown runs a fixed number of queries (clicks grouped,
orders grouped, the labels), however many clicks and orders there are.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Role, User
from weishang.core.days import between_days
from weishang.marketing.models import Channel, Click, Post, TrackedLink
from weishang.orders.models import SALE_STATES, Order

ZERO = Decimal("0.00")
CONVERSION_PLACES = Decimal("0.0001")
DEFAULT_PERIOD_DAYS = 30


class By:
    POST = "post"
    CHANNEL = "channel"
    SELLER = "seller"
    LINK = "link"
    CHOICES = (POST, CHANNEL, SELLER, LINK)


@dataclass
class ResultRow:
    """One post, channel, seller or link with what it brought. ``key`` is the post's public
    id ("" for shop links without a post), the channel's code, the seller's id or the link's
    code; ``item`` the Post, Channel, User or TrackedLink when it still exists."""

    key: str
    label: str = ""
    item: object = None
    clicks: int = 0
    orders: int = 0
    paid_orders: int = 0
    revenue: Decimal = field(default_factory=lambda: ZERO)

    @property
    def conversion(self) -> Decimal | None:
        """Orders per click (0.0250 is 2.5%); None before the first click."""
        if not self.clicks:
            return None
        return (Decimal(self.orders) / Decimal(self.clicks)).quantize(
            CONVERSION_PLACES, rounding=ROUND_HALF_UP)

    @property
    def conversion_percent(self) -> Decimal | None:
        conversion = self.conversion
        return None if conversion is None else (conversion * 100).quantize(Decimal("0.1"))

    def add(self, other: "ResultRow") -> None:
        self.clicks += other.clicks
        self.orders += other.orders
        self.paid_orders += other.paid_orders
        self.revenue += other.revenue


@dataclass(frozen=True)
class Period:
    """Local dates, both ends included; None: open on that side."""

    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def last_days(cls, days: int = DEFAULT_PERIOD_DAYS) -> "Period":
        today = timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)

    def bounds(self, name: str) -> Q:
        return between_days(name, self.date_from, self.date_to)


ALL_TIME = Period()



def seller_scope(user) -> User | None:
    """Whose results and links ``user`` may see: None for everyone's (the owner and staff who
    manage marketing), the user themself for a seller who is not the owner (agents)."""
    return user if user.role == Role.AGENT else None


# How each breakdown groups clicks (through the link) and orders (by their source fields).
_GROUPING = {
    By.POST: ("link__post__public_id", "source_post"),
    By.CHANNEL: ("link__channel__code", "source_channel"),
    By.SELLER: ("link__seller_id", "source_seller_id"),
    By.LINK: ("link__code", "source_link"),
}


def _clicks(period: Period, seller, post: Post | None, links: Iterable | None) -> QuerySet:
    clicks = Click.objects.filter(period.bounds("at"))
    if seller is not None:
        clicks = clicks.filter(link__seller=seller)
    if post is not None:
        clicks = clicks.filter(link__post=post)
    if links is not None:
        clicks = clicks.filter(link__in=links)
    return clicks


def _orders(period: Period, seller, post: Post | None, links: Iterable | None) -> QuerySet:
    orders = Order.objects.exclude(source_link="").filter(period.bounds("created_at"))
    if seller is not None:
        orders = orders.filter(source_seller=seller)
    if post is not None:
        orders = orders.filter(source_post=post.public_id)
    if links is not None:
        orders = orders.filter(source_link__in=[link.code for link in links])
    return orders


def _key(value) -> str:
    return "" if value is None else str(value)


def _label_rows(by: str, rows: dict[str, ResultRow]) -> None:
    keys = [key for key in rows if key]
    if by == By.POST:
        items = {post.public_id: post for post in Post.objects.filter(public_id__in=keys)}
    elif by == By.CHANNEL:
        items = {channel.code: channel for channel in Channel.objects.filter(code__in=keys)}
    elif by == By.SELLER:
        items = {str(user.pk): user for user in User.objects.filter(pk__in=keys)}
    else:
        items = {link.code: link for link in TrackedLink.objects.filter(code__in=keys)
                 .select_related("post", "channel")}
    for key, row in rows.items():
        row.item = items.get(key)
        if row.item is not None:
            row.label = _link_label(row.item) if by == By.LINK else str(row.item)
        elif by == By.POST and not key:
            row.label = _("Shop link (no post)")
        elif by == By.CHANNEL and key:
            row.label = key  # a channel code that no longer exists
        else:
            row.label = _("(deleted)")


def _link_label(link: TrackedLink) -> str:
    what = link.post.title if link.post_id else _("Shop link (no post)")
    return f"{what} · {link.channel}"


def _ranked(rows: Iterable[ResultRow]) -> list[ResultRow]:
    return sorted(rows, key=lambda row: (-row.revenue, -row.orders, -row.clicks, row.label))


def breakdown(by: str, *, period: Period = ALL_TIME, seller=None, post: Post | None = None,
              links: Iterable[TrackedLink] | None = None) -> list[ResultRow]:
    """Results per post, channel, seller or link (``by``), best first (revenue, then orders,
    then clicks). ``seller`` keeps one seller's links (see ``seller_scope``); ``post`` one
    post's; ``links`` only those links. Three queries."""
    if by not in _GROUPING:
        raise ValueError(f"unknown breakdown: {by}")
    click_field, order_field = _GROUPING[by]
    links = list(links) if links is not None else None
    rows: dict[str, ResultRow] = {}

    def row(key) -> ResultRow:
        key = _key(key)
        return rows.setdefault(key, ResultRow(key))

    clicks = _clicks(period, seller, post, links).order_by().values(click_field)
    for group in clicks.annotate(count=Count("pk")):
        row(group[click_field]).clicks += group["count"]
    paid = Q(state__in=SALE_STATES)
    orders = _orders(period, seller, post, links).order_by().values(order_field).annotate(
        count=Count("pk"), paid=Count("pk", filter=paid), revenue=Sum("payable", filter=paid))
    for group in orders:
        found = row(group[order_field])
        found.orders += group["count"]
        found.paid_orders += group["paid"]
        found.revenue += group["revenue"] or ZERO
    _label_rows(by, rows)
    return _ranked(rows.values())


def total(rows: Iterable[ResultRow]) -> ResultRow:
    summed = ResultRow("", label=_("Total"))
    for row in rows:
        summed.add(row)
    return summed


def for_links(links: Iterable[TrackedLink]) -> dict[str, ResultRow]:
    """All-time results of each link, by code (links without any are there with zeros)."""
    links = list(links)
    if not links:
        return {}
    found = {row.key: row for row in breakdown(By.LINK, links=links)}
    return {link.code: found.get(link.code) or ResultRow(link.code, label=_link_label(link),
                                                         item=link)
            for link in links}

"""Every change of a seller's posting plan (发圈计划), and the rules that keep a feed from turning
into a spam wall (its reads are in queries.py).

The rules, checked for every new or moved entry (``check_plan``):

- **Daily cap** (``daily_cap``): a channel takes at most ``Channel.daily_cap`` posts a day from
  one seller; per account or group when ``Channel.cap_per_account``.
- **Spacing** (``too_close``): at least ``Channel.min_spacing_minutes`` between two posts on the
  channel (on the same account when the cap is per account), across midnight too.
- **Variety** (``same_product_in_a_row``): two neighbouring entries on a channel (same scope as
  above, in time order) never show the same product; an entry put between two others is
  checked against both.
- **Product share** (``product_share``): among a seller's posts of a day on all channels,
  counting the new one, product posts may be at most ``max(1, floor(share% × total))``. The
  first product post of a day is always allowed, else nobody could plan a product first;
  the next ones need other kinds of posts (feedback, know-how, life) around them.

Skipped entries count for nothing; planned and posted ones count alike. Days are days in
Asia/Shanghai whatever the server's clock says. When the owner set the rules to "warn only"
(``MarketingSettings.rule_mode``) a plan that breaks a rule is saved with its warnings;
otherwise it is refused with the reasons (``PlanRefused``, code ``plan_rule``).

Every change locks the seller's row first, so two plans made at the same moment are checked
one after the other and cannot both take the last place under a cap.
"""

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from weishang.catalog.models import Product
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.marketing import queries
from weishang.marketing.models import (
    Channel,
    MarketingSettings,
    PlannedPost,
    PlanState,
    Post,
    PostKind,
    RuleMode,
)

from .queries import PLAN_TIME_ZONE, day_start, local_day

ACCOUNT_MAX_LENGTH = PlannedPost._meta.get_field("account").max_length
#: A form filled in slowly still saves "now".
PAST_GRACE = timedelta(minutes=10)
MAX_DAYS_AHEAD = 366
COUNTED_STATES = (PlanState.PLANNED, PlanState.POSTED)
RULE_CODES = ("daily_cap", "too_close", "same_product_in_a_row", "product_share")


@dataclass(frozen=True)
class Violation:
    """A rule a planned entry breaks: ``code`` for programs, ``message`` for people."""

    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class PlanRefused(Conflict):
    """A plan that breaks the posting rules while the owner has them refuse (409)."""

    code = "plan_rule"
    default_message = gettext_lazy("This plan breaks the posting rules.")

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(_("Not planned: %(reasons)s") % {
            "reasons": " ".join(violation.message for violation in violations)})


# -- Rules ------------------------------------------------------------------------------------

def _counted_entries(seller, exclude: PlannedPost | None) -> QuerySet:
    entries = PlannedPost.objects.filter(seller=seller, state__in=COUNTED_STATES)
    return entries.exclude(pk=exclude.pk) if exclude is not None else entries


def _on_channel(entries: QuerySet, channel: Channel, account: str) -> QuerySet:
    """The entries a channel's rules compare with: the channel's, or its account's."""
    entries = entries.filter(channel=channel)
    return entries.filter(account=account) if channel.cap_per_account else entries


def _clock(moment: datetime, day: date) -> str:
    local = moment.astimezone(PLAN_TIME_ZONE)
    return local.strftime("%H:%M") if local.date() == day else local.strftime("%Y-%m-%d %H:%M")


def _where(channel: Channel, account: str) -> str:
    if channel.cap_per_account and account:
        return _("%(channel)s (%(account)s)") % {"channel": channel.name, "account": account}
    return channel.name


def _daily_cap(scope: QuerySet, channel, account, day) -> Violation | None:
    count = scope.filter(planned_at__gte=day_start(day),
                         planned_at__lt=day_start(day + timedelta(days=1))).count()
    if count < channel.daily_cap:
        return None
    return Violation("daily_cap", ngettext(
        "%(channel)s allows %(cap)d post a day; %(day)s already has %(count)d.",
        "%(channel)s allows %(cap)d posts a day; %(day)s already has %(count)d.",
        channel.daily_cap,
    ) % {"channel": _where(channel, account), "cap": channel.daily_cap,
         "day": day.isoformat(), "count": count})


def _neighbours(scope: QuerySet, planned_at: datetime) -> list[PlannedPost]:
    """The entries just before and just after ``planned_at`` (one at the same minute counts as
    before), each with its post's products."""
    with_products = scope.select_related("post").prefetch_related(
        Prefetch("post__products", queryset=Product.objects.only("pk", "title"),
                 to_attr="plan_products"))
    before = with_products.filter(planned_at__lte=planned_at).order_by("-planned_at", "-id")
    after = with_products.filter(planned_at__gt=planned_at).order_by("planned_at", "id")
    return [entry for entry in (before.first(), after.first()) if entry is not None]


def _too_close(neighbours, channel, account, planned_at, day) -> Violation | None:
    spacing = timedelta(minutes=channel.min_spacing_minutes)
    close = [entry for entry in neighbours if abs(entry.planned_at - planned_at) < spacing]
    if not close:
        return None
    nearest = min(close, key=lambda entry: abs(entry.planned_at - planned_at))
    return Violation("too_close", ngettext(
        "At least %(minutes)d minute between posts on %(channel)s: the nearest is at %(time)s.",
        "At least %(minutes)d minutes between posts on %(channel)s: the nearest is at "
        "%(time)s.",
        channel.min_spacing_minutes,
    ) % {"minutes": channel.min_spacing_minutes, "channel": _where(channel, account),
         "time": _clock(nearest.planned_at, day)})


def _same_product(neighbours, products, channel, account, day) -> list[Violation]:
    shown = {product.pk for product in products}
    violations = []
    for entry in neighbours:
        repeated = [product for product in entry.post.plan_products if product.pk in shown]
        if repeated:
            violations.append(Violation("same_product_in_a_row", _(
                "“%(product)s” would be on %(channel)s twice in a row: “%(post)s” at %(time)s "
                "shows it too."
            ) % {"product": repeated[0].title, "channel": _where(channel, account),
                 "post": entry.post.title, "time": _clock(entry.planned_at, day)}))
    return violations


def allowed_product_posts(total: int, percent: int) -> int:
    """How many product posts a day of ``total`` posts may have: the share, rounded down, but
    always at least one (the first product post of a day is always allowed)."""
    return max(1, math.floor(total * percent / 100))


def _product_share(seller, exclude, day, percent) -> Violation | None:
    kinds = list(_counted_entries(seller, exclude).filter(
        planned_at__gte=day_start(day), planned_at__lt=day_start(day + timedelta(days=1)),
    ).values_list("post__kind", flat=True))
    total = len(kinds) + 1
    products = sum(kind == PostKind.PRODUCT for kind in kinds) + 1
    allowed = allowed_product_posts(total, percent)
    if products <= allowed:
        return None
    return Violation("product_share", _(
        "At most %(percent)d%% of a day's posts may be product posts: %(day)s would have "
        "%(products)d product posts out of %(total)d (%(allowed)d allowed). Plan customer "
        "feedback, know-how or life posts too."
    ) % {"percent": percent, "day": day.isoformat(), "products": products, "total": total,
         "allowed": allowed})


def check_plan(*, seller, post: Post, channel: Channel, account: str, planned_at: datetime,
               exclude: PlannedPost | None = None) -> list[Violation]:
    """The rules ``post`` on ``channel`` (``account``) at ``planned_at`` would break in
    ``seller``'s plan, with ``exclude`` (the entry being moved) left out. Empty: all is well."""
    account = (account or "").strip()
    day = local_day(planned_at)
    scope = _on_channel(_counted_entries(seller, exclude), channel, account)
    neighbours = _neighbours(scope, planned_at)
    products = getattr(post, "product_list", None)
    if products is None:
        products = list(post.products.only("pk", "title"))
    violations = [
        _daily_cap(scope, channel, account, day),
        _too_close(neighbours, channel, account, planned_at, day),
        *_same_product(neighbours, products, channel, account, day),
    ]
    if post.kind == PostKind.PRODUCT:
        violations.append(_product_share(seller, exclude, day,
                                         MarketingSettings.load().product_share_percent))
    return [violation for violation in violations if violation is not None]


# -- Changes ----------------------------------------------------------------------------------

def _lock_seller(seller) -> None:
    """Serialises every change of one seller's plan (the product share spans channels, so a
    lock per channel would not do)."""
    get_user_model().objects.select_for_update().filter(pk=seller.pk).exists()


def _clean_entry(seller, post, channel, account, planned_at) -> str:
    if post is None or not queries.library_for(seller).filter(pk=post.pk).exists():
        raise InvalidInput(_("Choose a post from the library."), field="post")
    if channel is None or not channel.is_active:
        raise InvalidInput(_("Choose a channel in use."), field="channel")
    account = (account or "").strip()
    if len(account) > ACCOUNT_MAX_LENGTH:
        raise InvalidInput(_("An account or group name can have at most %(limit)d characters.")
                           % {"limit": ACCOUNT_MAX_LENGTH}, field="account")
    if planned_at is None or timezone.is_naive(planned_at):
        raise InvalidInput(_("Enter a date and a time."), field="planned_at")
    now = timezone.now()
    if planned_at < now - PAST_GRACE:
        raise InvalidInput(_("Choose a time from now on."), field="planned_at")
    if planned_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(_("Plan at most a year ahead."), field="planned_at")
    return account


def dry_run(*, seller, post: Post, channel: Channel, account: str, planned_at: datetime,
            exclude: PlannedPost | None = None) -> list[Violation]:
    """What planning would say, without saving: InvalidInput for bad input, else the rules it
    would break."""
    account = _clean_entry(seller, post, channel, account, planned_at)
    return check_plan(seller=seller, post=post, channel=channel, account=account,
                      planned_at=planned_at, exclude=exclude)


def _checked(seller, post, channel, account, planned_at, exclude=None) -> list[dict]:
    """The warnings to keep with the entry; raises PlanRefused when the rules refuse."""
    violations = check_plan(seller=seller, post=post, channel=channel, account=account,
                            planned_at=planned_at, exclude=exclude)
    if violations and MarketingSettings.load().rule_mode == RuleMode.REFUSE:
        raise PlanRefused(violations)
    return [violation.as_dict() for violation in violations]


@transaction.atomic
def plan_post(*, seller, post: Post, channel: Channel, account: str = "",
              planned_at: datetime) -> PlannedPost:
    """Put ``post`` in ``seller``'s plan on ``channel`` at ``planned_at``.

    Refused (PlanRefused) when it breaks a rule and the rules refuse; saved with its
    ``warnings`` when the owner set them to warn only."""
    account = _clean_entry(seller, post, channel, account, planned_at)
    _lock_seller(seller)
    warnings = _checked(seller, post, channel, account, planned_at)
    return PlannedPost.objects.create(seller=seller, post=post, channel=channel, account=account,
                                      planned_at=planned_at, warnings=warnings)


def _locked_entry(entry: PlannedPost) -> PlannedPost:
    _lock_seller(entry.seller)
    try:
        return (PlannedPost.objects.select_for_update().select_related("post", "channel")
                .get(pk=entry.pk))
    except PlannedPost.DoesNotExist as exc:
        raise NotFound(_("This planned post does not exist.")) from exc


def _ensure_not_posted(entry: PlannedPost) -> None:
    if entry.state == PlanState.POSTED:
        raise Conflict(_("This post is already marked as posted."), code="already_posted")


@transaction.atomic
def reschedule(entry: PlannedPost, *, planned_at: datetime, post: Post | None = None,
               channel: Channel | None = None, account: str | None = None) -> PlannedPost:
    """Move an entry not posted yet (and change its post, channel or account when given);
    the rules are checked again as for a new entry. A skipped entry moved is planned again."""
    entry = _locked_entry(entry)
    _ensure_not_posted(entry)
    post = post or entry.post
    channel = channel or entry.channel
    account = _clean_entry(entry.seller, post, channel,
                           entry.account if account is None else account, planned_at)
    entry.warnings = _checked(entry.seller, post, channel, account, planned_at, exclude=entry)
    entry.post, entry.channel, entry.account, entry.planned_at = post, channel, account, planned_at
    entry.state = PlanState.PLANNED
    entry.save()
    return entry


@transaction.atomic
def mark_posted(entry: PlannedPost, *, now: datetime | None = None) -> PlannedPost:
    """The seller posted it (a skipped entry too, if they posted after all). Marking it again
    changes nothing."""
    entry = _locked_entry(entry)
    if entry.state != PlanState.POSTED:
        entry.state = PlanState.POSTED
        entry.posted_at = now or timezone.now()
        entry.save(update_fields=["state", "posted_at", "updated_at"])
    return entry


@transaction.atomic
def skip(entry: PlannedPost) -> PlannedPost:
    """The seller will not post it: it stays in the plan but counts for no rule."""
    entry = _locked_entry(entry)
    _ensure_not_posted(entry)
    if entry.state != PlanState.SKIPPED:
        entry.state = PlanState.SKIPPED
        entry.save(update_fields=["state", "updated_at"])
    return entry


@transaction.atomic
def delete(entry: PlannedPost) -> None:
    """Take an entry out of the plan; a posted one stays, as the record of what was posted."""
    entry = _locked_entry(entry)
    _ensure_not_posted(entry)
    entry.delete()

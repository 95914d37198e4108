"""The owner's earnings rules (CommissionSettings): the withdrawal minimum and fee, the upline
commission (a share of the seller's earning, out of the owner's share) and whether orders
bought by agents earn (``team_orders_earn``: by the seller's team, an upline or any other
agent). How long earnings stay frozen is not one of them: it is each order's after-sales
window (Order.after_sales_until, fixed from ShopSettings.after_sales_days when it completes),
so a refund never comes after the earnings it takes back were settled.

The upline commission reaches the direct upline only. Paying uplines on their downlines' sales
across levels is 团队计酬, which 禁止传销条例 Art. 7 forbids: a depth other than one is refused
here with a message, and the database refuses it too. Switching the commission on needs an
explicit confirmation that the owner read the warning.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weishang.accounts.permissions import require_manager
from weishang.core.cleaning import amount
from weishang.core.errors import InvalidInput

from ..models import MAX_UPLINE_DEPTH, CommissionSettings

MAX_WITHDRAWAL_MINIMUM = Decimal("100000.00")
#: Both percentages stay below 100 (the database says so), with at most two decimals.
HIGHEST_PERCENT = Decimal("99.99")

UPLINE_WARNING = gettext_lazy(
    "Paying uplines a share of their team's sales is 团队计酬 (team-based pay), one of the "
    "three marks of a pyramid scheme under Art. 7 of the 禁止传销条例. Weishang pays the direct "
    "upline only (one level, never deeper), only on what real customers paid, and never more "
    "than the seller earned: the percentage is of the seller's earning on each sale, paid out "
    "of your share (never below the goods' cost you entered). Switch it on only if you are "
    "sure this suits your business.")


def _percent(value, *, field: str) -> Decimal:
    try:
        percent = Decimal(str(value).strip())
    except ArithmeticError:
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not percent.is_finite() or percent != percent.quantize(Decimal("0.01")):
        raise InvalidInput(_("Enter a number with at most two decimals."), field=field)
    if not Decimal(0) <= percent <= HIGHEST_PERCENT:
        raise InvalidInput(_("Enter a percentage from 0 to below 100."), field=field)
    return percent


def refuse_deeper_upline(depth) -> None:
    """Any upline depth but one is 团队计酬: refused with the reason."""
    if depth != MAX_UPLINE_DEPTH:
        raise InvalidInput(
            _("The upline commission reaches the direct upline only (depth 1). Paying across "
              "more levels is 团队计酬, which Art. 7 of the 禁止传销条例 forbids."),
            code="upline_depth", field="upline_depth")


@transaction.atomic
def update_commission_settings(actor, *, confirm_upline: bool = False,
                               **changes) -> CommissionSettings:
    """Change the given rules (others stay). ``changes`` may hold withdrawal_minimum,
    withdrawal_fee_percent, upline_enabled, upline_percent (of the seller's earning),
    upline_depth (only 1 is accepted) and team_orders_earn. Switching the upline commission on
    needs ``confirm_upline`` (the owner saw UPLINE_WARNING)."""
    require_manager(actor, "agents")
    if "upline_depth" in changes:
        refuse_deeper_upline(changes.pop("upline_depth"))
    unknown = set(changes) - {"withdrawal_minimum", "withdrawal_fee_percent", "upline_enabled",
                              "upline_percent", "team_orders_earn"}
    if unknown:
        raise InvalidInput(field=sorted(unknown)[0])
    settings = CommissionSettings.load(lock=True)
    if "withdrawal_minimum" in changes:
        settings.withdrawal_minimum = amount(changes["withdrawal_minimum"],
                                             field="withdrawal_minimum",
                                             maximum=MAX_WITHDRAWAL_MINIMUM)
    if "withdrawal_fee_percent" in changes:
        settings.withdrawal_fee_percent = _percent(changes["withdrawal_fee_percent"],
                                                   field="withdrawal_fee_percent")
    if "upline_percent" in changes:
        settings.upline_percent = _percent(changes["upline_percent"], field="upline_percent")
    if "upline_enabled" in changes:
        switching_on = bool(changes["upline_enabled"]) and not settings.upline_enabled
        if switching_on and not confirm_upline:
            raise InvalidInput(
                _("Confirm that you read the warning about 团队计酬 to switch the upline "
                  "commission on."), code="confirm_upline", field="confirm_upline")
        settings.upline_enabled = bool(changes["upline_enabled"])
    if "team_orders_earn" in changes:
        settings.team_orders_earn = bool(changes["team_orders_earn"])
    if settings.upline_enabled and settings.upline_percent <= 0:
        raise InvalidInput(_("Enter the upline commission's percentage (above 0)."),
                           field="upline_percent")
    settings.save()
    return settings

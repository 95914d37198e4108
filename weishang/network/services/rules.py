"""The owner's network rules (NetworkSettings): binding, approval, buy-back, upgrade review."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.core.errors import InvalidInput

from ..models import MIN_BUYBACK_PERCENT, BindingMode, NetworkSettings, UpgradeReview
from ..pricing import HUNDRED

#: A binding ends on a date, which must exist (9999-12-31 is the last): a century at most; for
#: longer, the binding has no end at all (None, "for good").
MAX_BINDING_DAYS = 36500


def update_settings(actor, *, binding_mode: str, binding_days: int | None, auto_approve: bool,
                    buyback_percent: Decimal, upgrade_review: str | None = None
                    ) -> NetworkSettings:
    """The owner's rules; ``upgrade_review`` None keeps the one in place."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    if upgrade_review is not None and upgrade_review not in UpgradeReview.values:
        raise InvalidInput(_("Choose what happens when refunds undo an upgrade."),
                           field="upgrade_review")
    if binding_mode not in BindingMode.values:
        raise InvalidInput(_("Choose who becomes the upline."), field="binding_mode")
    if binding_days is not None and binding_days < 1:
        raise InvalidInput(_("A binding lasts at least 1 day (or leave it empty: for good)."),
                           field="binding_days")
    if binding_days is not None and binding_days > MAX_BINDING_DAYS:
        raise InvalidInput(_("A binding lasts at most %(days)d days (or leave it empty: for "
                             "good).") % {"days": MAX_BINDING_DAYS}, field="binding_days")
    if buyback_percent is None or not (MIN_BUYBACK_PERCENT <= buyback_percent <= HUNDRED):
        raise InvalidInput(_("The buy-back refund is at least %(least)d%% and at most 100%%: "
                             "the law protects an agent who leaves.") % {
                                 "least": MIN_BUYBACK_PERCENT},
                           field="buyback_percent", code="buyback_too_low")
    with transaction.atomic():
        rules = NetworkSettings.load(lock=True)
        rules.binding_mode, rules.binding_days = binding_mode, binding_days
        rules.auto_approve, rules.buyback_percent = bool(auto_approve), buyback_percent
        rules.upgrade_review = upgrade_review or rules.upgrade_review
        rules.save()
    return rules

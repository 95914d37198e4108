"""The agent levels: their rank, name and discount, their upgrade conditions (only what the
law allows to be measured) and their own prices and limits per variant."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.catalog.models import Variant
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.models import largest_value_of

from ..models import (
    Agent,
    AgentLevel,
    Combination,
    LevelVariantRule,
    UpgradeCondition,
    UpgradeMetric,
)
from ..pricing import HUNDRED
from .base import clean_text


@dataclass(frozen=True)
class LevelData:
    rank: int
    name: str
    discount_percent: Decimal
    may_invite: bool = True
    combination: str = Combination.ALL
    #: {UpgradeMetric value: threshold}; empty: the level is reached by hand only.
    conditions: dict | None = None


def lawful_conditions(conditions: dict | None) -> dict[str, Decimal]:
    """The conditions if each measures only what the law allows; a condition on anything else
    (purchase volume, payments, people recruited) is refused with a message."""
    cleaned = {}
    for metric, threshold in (conditions or {}).items():
        if metric not in UpgradeMetric.values:
            raise InvalidInput(
                _("An upgrade can only measure retail sales to customers, distinct retail "
                  "customers or months active; never purchases, payments or people recruited."),
                field="conditions", code="unlawful_condition")
        try:
            threshold = Decimal(str(threshold))
        except ArithmeticError:
            threshold = None
        if threshold is None or not threshold.is_finite() or threshold < 0:
            raise InvalidInput(_("A threshold is a number of at least 0."), field="conditions")
        cleaned[metric] = threshold.quantize(Decimal("0.01"))
    return cleaned


def _clean_level(data: LevelData, level: AgentLevel | None) -> dict:
    if data.rank is None or data.rank < 1:
        raise InvalidInput(_("The rank is a whole number of at least 1."), field="rank")
    if data.rank > largest_value_of(AgentLevel, "rank"):
        raise InvalidInput(_("The rank is at most %(largest)d.") % {
            "largest": largest_value_of(AgentLevel, "rank")}, field="rank")
    name = clean_text(data.name, "name", AgentLevel, required=True, label=_("a name"))
    others = AgentLevel.objects.exclude(pk=level.pk) if level else AgentLevel.objects.all()
    if others.filter(rank=data.rank).exists():
        raise InvalidInput(_("Another level has this rank."), field="rank")
    if others.filter(name=name).exists():
        raise InvalidInput(_("Another level has this name."), field="name")
    discount = Decimal(data.discount_percent)
    if not (0 <= discount < HUNDRED):
        raise InvalidInput(_("The discount is at least 0% and below 100%."),
                           field="discount_percent")
    if data.combination not in Combination.values:
        raise InvalidInput(_("Choose how the conditions combine."), field="combination")
    return {"rank": data.rank, "name": name, "discount_percent": discount,
            "may_invite": bool(data.may_invite), "combination": data.combination}


def save_level(actor, data: LevelData, level: AgentLevel | None = None) -> AgentLevel:
    """Create a level, or change ``level``; its upgrade conditions become ``data.conditions``."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    fields = _clean_level(data, level)
    conditions = lawful_conditions(data.conditions)
    try:
        with transaction.atomic():
            if level is None:
                level = AgentLevel.objects.create(**fields)
            else:
                for name, value in fields.items():
                    setattr(level, name, value)
                level.save()
            level.conditions.exclude(metric__in=conditions).delete()
            for metric, threshold in conditions.items():
                UpgradeCondition.objects.update_or_create(
                    level=level, metric=metric, defaults={"threshold": threshold})
    except IntegrityError as error:
        raise Conflict(_("Another level was just given this rank or name; try again."),
                       code="level_taken") from error
    return level


def delete_level(actor, level: AgentLevel) -> None:
    """Remove a level nobody holds (applicants and former agents included: their history
    names it)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        if Agent.objects.filter(level=level).exists():
            raise Conflict(_("Agents hold this level: move them to another level first."),
                           code="level_in_use")
        level.delete()


def set_variant_rule(actor, level: AgentLevel, variant: Variant, *,
                     price: Decimal | None = None, min_per_order: int | None = None,
                     max_per_order: int | None = None,
                     max_per_month: int | None = None) -> LevelVariantRule | None:
    """The level's own price and limits for ``variant``; all empty removes the rule."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    if price is not None and price <= 0:
        raise InvalidInput(_("A level price is more than 0."), field="price")
    for field, value in (("min_per_order", min_per_order), ("max_per_order", max_per_order),
                         ("max_per_month", max_per_month)):
        if value is not None and value < 1:
            raise InvalidInput(_("A limit is at least 1."), field=field)
        if value is not None and value > largest_value_of(LevelVariantRule, field):
            raise InvalidInput(_("A limit is at most %(largest)d.") % {
                "largest": largest_value_of(LevelVariantRule, field)}, field=field)
    if min_per_order and max_per_order and min_per_order > max_per_order:
        raise InvalidInput(_("The least per order cannot be above the most per order."),
                           field="max_per_order")
    values = {"price": price, "min_per_order": min_per_order, "max_per_order": max_per_order,
              "max_per_month": max_per_month}
    with transaction.atomic():
        if all(value is None for value in values.values()):
            LevelVariantRule.objects.filter(level=level, variant=variant).delete()
            return None
        rule, _created = LevelVariantRule.objects.update_or_create(
            level=level, variant=variant, defaults=values)
    return rule


def entry_level() -> AgentLevel:
    """The level a new agent starts at: the lowest rank."""
    level = AgentLevel.objects.order_by("rank").first()
    if level is None:
        raise Conflict(_("Agents cannot join yet: the owner has not set up any agent level."),
                       code="no_levels")
    return level

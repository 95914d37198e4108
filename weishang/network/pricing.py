"""What an agent pays the owner for a variant: the level price (the variant's retail price less
the level's discount, unless the level sets its own price for it)."""

from collections.abc import Iterable
from decimal import Decimal

from weishang.catalog.models import Variant
from weishang.core.money import to_money

from .models import AgentLevel, LevelVariantRule

HUNDRED = Decimal(100)


def discounted(retail: Decimal, level: AgentLevel) -> Decimal:
    return to_money(retail * (HUNDRED - level.discount_percent) / HUNDRED)


def level_prices(level: AgentLevel, variants: Iterable[Variant]) -> dict[int, Decimal]:
    """{variant id: level price} for ``variants`` (one query for the level's own prices)."""
    variants = list(variants)
    own = dict(LevelVariantRule.objects.filter(
        level=level, variant__in=variants, price__isnull=False).values_list("variant_id", "price"))
    return {variant.pk: own.get(variant.pk) or discounted(variant.retail_price, level)
            for variant in variants}


def level_price(level: AgentLevel, variant: Variant) -> Decimal:
    return level_prices(level, [variant])[variant.pk]

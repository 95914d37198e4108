"""Spec options and variants.

Variants are the combinations of a product's spec options (颜色 × 尺码 ...), one variant each. A
product without spec options has a single variant with an empty ``spec_label``. When the options
change, variants whose label still exists are kept (same public id, so stock and orders stay
attached), new combinations get new variants, and variants whose combination is gone are
switched off (``is_active=False``), never deleted: stock movements and orders may point at them.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Product, Variant
from weishang.core.errors import InvalidInput
from weishang.core.money import CENT, MAX_DIGITS, to_money
from weishang.core.versions import shop_pages_changed

from .clashes import unique_clash_as_conflict

MAX_SPECS = 3
MAX_SPEC_VALUES = 20
MAX_VARIANTS = 200
SPEC_NAME_MAX_LENGTH = 20
SPEC_VALUE_MAX_LENGTH = 30
SPEC_LABEL_SEPARATOR = " / "
SKU_CODE_MAX_LENGTH = Variant._meta.get_field("sku_code").max_length
BARCODE_MAX_LENGTH = Variant._meta.get_field("barcode").max_length
MAX_WEIGHT_GRAMS = 1_000_000
LARGEST_AMOUNT = Decimal(10) ** (MAX_DIGITS - 2)


@dataclass
class VariantData:
    """What the seller enters for one combination of spec options.

    ``spec_values`` names the combination ({"颜色": "红", "尺码": "M"}; empty without specs).
    Amounts are ``Decimal``, ``int`` or ``str`` in yuan with at most two decimals.
    """

    retail_price: Decimal | int | str | None
    spec_values: Mapping[str, str] = field(default_factory=dict)
    market_price: Decimal | int | str | None = None
    cost_price: Decimal | int | str | None = None
    weight_grams: int | None = 0
    barcode: str = ""
    sku_code: str = ""


def spec_label(values: Sequence[str]) -> str:
    """"红 / M" for the combination ("红", "M"); "" without specs."""
    return SPEC_LABEL_SEPARATOR.join(values)


def variant_name(label: str) -> str:
    """How a variant is named in messages: its label, or "default spec" without specs."""
    return label or _("Default spec")


def clean_specs(specs: Iterable[Mapping]) -> list[dict]:
    """Trimmed spec options [{"name": ..., "values": [...]}]; InvalidInput when not usable.

    At most three options, each with a name and at least one value; no name or value twice.
    """
    cleaned = []
    for option in specs or []:
        name = str(option.get("name") or "").strip()
        values = [str(value).strip() for value in option.get("values") or []]
        values = [value for value in values if value]
        if not name and not values:
            continue
        if not name:
            raise InvalidInput(_("Give each spec a name, such as “颜色”."), field="specs")
        if len(name) > SPEC_NAME_MAX_LENGTH:
            raise InvalidInput(
                _("A spec name can have at most %(limit)d characters.")
                % {"limit": SPEC_NAME_MAX_LENGTH},
                field="specs",
            )
        if not values:
            raise InvalidInput(
                _("Spec “%(name)s” needs at least one value.") % {"name": name}, field="specs"
            )
        if len(values) > MAX_SPEC_VALUES:
            raise InvalidInput(
                _("Spec “%(name)s” can have at most %(limit)d values.")
                % {"name": name, "limit": MAX_SPEC_VALUES},
                field="specs",
            )
        for value in values:
            if len(value) > SPEC_VALUE_MAX_LENGTH:
                raise InvalidInput(
                    _("A spec value can have at most %(limit)d characters.")
                    % {"limit": SPEC_VALUE_MAX_LENGTH},
                    field="specs",
                )
        repeated = _first_repeated(values)
        if repeated is not None:
            raise InvalidInput(
                _("Spec “%(name)s” lists “%(value)s” twice.") % {"name": name, "value": repeated},
                field="specs",
            )
        cleaned.append({"name": name, "values": values})
    if len(cleaned) > MAX_SPECS:
        raise InvalidInput(
            _("A product can have at most %(limit)d specs.") % {"limit": MAX_SPECS}, field="specs"
        )
    repeated = _first_repeated(option["name"] for option in cleaned)
    if repeated is not None:
        raise InvalidInput(
            _("There are two specs named “%(name)s”.") % {"name": repeated}, field="specs"
        )
    count = 1
    for option in cleaned:
        count *= len(option["values"])
    if count > MAX_VARIANTS:
        raise InvalidInput(
            _("These specs make %(count)d combinations; at most %(limit)d are allowed.")
            % {"count": count, "limit": MAX_VARIANTS},
            field="specs",
        )
    labels = [spec_label(values) for values in combinations(cleaned)]
    repeated = _first_repeated(labels)
    if repeated is not None:
        raise InvalidInput(
            _("Two combinations would both be called “%(label)s”; change a value.")
            % {"label": repeated},
            field="specs",
        )
    return cleaned


def combinations(specs: Sequence[Mapping]) -> list[tuple[str, ...]]:
    """Every combination of the (clean) spec options' values, in order; [()] without specs."""
    return list(itertools.product(*(option["values"] for option in specs)))


def _first_repeated(items: Iterable[str]) -> str | None:
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def _money(value, *, variant: str, label: str, required: bool = False) -> Decimal | None:
    """A price as entered: at most two decimals, not negative; None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(
                _("Enter the %(field)s of %(variant)s.") % {"field": label, "variant": variant},
                field="variants",
            )
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(
            _("%(variant)s: the %(field)s is not an amount of money, such as 12.50.")
            % {"field": label, "variant": variant},
            field="variants",
        )
    if amount < 0:
        raise InvalidInput(
            _("%(variant)s: the %(field)s cannot be negative.")
            % {"field": label, "variant": variant},
            field="variants",
        )
    if amount >= LARGEST_AMOUNT:
        raise InvalidInput(
            _("%(variant)s: the %(field)s is too large.") % {"field": label, "variant": variant},
            field="variants",
        )
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            _("%(variant)s: the %(field)s can have at most 2 decimal places (fen).")
            % {"field": label, "variant": variant},
            field="variants",
        )
    return to_money(amount)


def _clean_code(value, *, limit: int, variant: str, label: str) -> str:
    code = str(value or "").strip()
    if len(code) > limit:
        raise InvalidInput(
            _("%(variant)s: the %(field)s can have at most %(limit)d characters.")
            % {"variant": variant, "field": label, "limit": limit},
            field="variants",
        )
    return code


def _clean_weight(value, *, variant: str) -> int:
    if value is None or value == "":
        return 0
    try:
        grams = int(value) if isinstance(value, int | str) and not isinstance(value, bool) else -1
    except ValueError:
        grams = -1
    if not 0 <= grams <= MAX_WEIGHT_GRAMS:
        raise InvalidInput(
            _("%(variant)s: the weight must be a whole number of grams from 0 to %(limit)d.")
            % {"variant": variant, "limit": MAX_WEIGHT_GRAMS},
            field="variants",
        )
    return grams


def clean_variant_fields(data: VariantData, name: str) -> dict:
    """The model fields of one variant from what was entered (InvalidInput if not valid)."""
    return {
        "retail_price": _money(data.retail_price, variant=name, label=_("retail price"),
                               required=True),
        "market_price": _money(data.market_price, variant=name, label=_("market price")),
        "cost_price": _money(data.cost_price, variant=name, label=_("cost price")),
        "weight_grams": _clean_weight(data.weight_grams, variant=name),
        "barcode": _clean_code(data.barcode, limit=BARCODE_MAX_LENGTH, variant=name,
                               label=_("barcode")),
        "sku_code": _clean_code(data.sku_code, limit=SKU_CODE_MAX_LENGTH, variant=name,
                                label=_("SKU code")) or None,
    }


def _check_sku_codes(wanted: Mapping[str, str], owners: Mapping[str, Variant]) -> None:
    """``wanted`` maps a spec label to the SKU code it should get; ``owners`` the variants that
    already exist under those labels. A code may only belong to one variant."""
    repeated = _first_repeated(wanted.values())
    if repeated is not None:
        raise InvalidInput(
            _("The SKU code “%(code)s” is entered twice.") % {"code": repeated}, field="variants"
        )
    taken = Variant.objects.filter(sku_code__in=list(wanted.values())).values_list(
        "sku_code", "pk"
    )
    for code, holder_pk in taken:
        keeper = next(label for label, wanted_code in wanted.items() if wanted_code == code)
        if keeper not in owners or owners[keeper].pk != holder_pk:
            raise InvalidInput(
                _("The SKU code “%(code)s” is already used by another variant.")
                % {"code": code},
                field="variants",
            )


def _combination_of(data: VariantData, names: Sequence[str]) -> tuple[str, ...]:
    given = {
        str(key).strip(): str(value).strip() for key, value in (data.spec_values or {}).items()
    }
    if set(given) != set(names):
        raise InvalidInput(
            _("Variant “%(variant)s” does not match the product's specs.")
            % {"variant": spec_label(list(given.values())) or "-"},
            field="variants",
        )
    return tuple(given[name] for name in names)


def sync_variants(product: Product, specs: list[dict], entered: Sequence[VariantData]) -> None:
    """Make the product's variants the combinations of ``specs`` (see the module docstring).

    Every new combination needs its data in ``entered``; existing ones keep theirs unless given.
    Checks everything first, then writes.
    """
    names = [option["name"] for option in specs]
    wanted = combinations(specs)
    data_by_combination: dict[tuple[str, ...], VariantData] = {}
    for data in entered:
        combination = _combination_of(data, names)
        if combination in data_by_combination:
            raise InvalidInput(
                _("Variant “%(variant)s” is entered twice.")
                % {"variant": variant_name(spec_label(combination))},
                field="variants",
            )
        data_by_combination[combination] = data
    unknown = set(data_by_combination) - set(wanted)
    if unknown:
        raise InvalidInput(
            _("Variant “%(variant)s” is not one of the combinations of the specs.")
            % {"variant": variant_name(spec_label(sorted(unknown)[0]))},
            field="variants",
        )

    existing = {variant.spec_label: variant
                for variant in Variant.objects.select_for_update().filter(product=product)}
    fields_by_label = {}
    for combination in wanted:
        label = spec_label(combination)
        if combination in data_by_combination:
            fields_by_label[label] = clean_variant_fields(
                data_by_combination[combination], variant_name(label)
            )
        elif label not in existing:
            raise InvalidInput(
                _("Enter the %(field)s of %(variant)s.")
                % {"field": _("retail price"), "variant": variant_name(label)},
                field="variants",
            )
    sku_codes = {label: fields["sku_code"] for label, fields in fields_by_label.items()
                 if fields["sku_code"]}
    _check_sku_codes(sku_codes, existing)

    kept_labels = {spec_label(combination) for combination in wanted}
    for variant in existing.values():
        if variant.spec_label not in kept_labels and variant.is_active:
            variant.is_active = False
            variant.save(update_fields=["is_active", "updated_at"])
    for position, combination in enumerate(wanted):
        label = spec_label(combination)
        variant = existing.get(label) or Variant(product=product, spec_label=label)
        variant.spec_values = dict(zip(names, combination, strict=True))
        variant.position = position
        variant.is_active = True
        for name, value in fields_by_label.get(label, {}).items():
            setattr(variant, name, value)
        variant.save()


def sku_clash_message() -> str:
    return _("A SKU code was just taken by another variant; check the SKU codes and save again.")


def update_variant(variant: Variant, *, retail_price, market_price=None, cost_price=None,
                   weight_grams=0, barcode: str = "", sku_code: str = "",
                   actor=None) -> Variant:
    """Change the prices and codes of one variant (its combination follows the product's
    specs); ``actor`` must manage the catalog (None: the system)."""
    require_manager(actor, "catalog", system=True)
    with unique_clash_as_conflict(sku_clash_message()), transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        data = VariantData(retail_price=retail_price, market_price=market_price,
                           cost_price=cost_price, weight_grams=weight_grams, barcode=barcode,
                           sku_code=sku_code)
        fields = clean_variant_fields(data, variant_name(variant.spec_label))
        if fields["sku_code"]:
            label = variant.spec_label
            _check_sku_codes({label: fields["sku_code"]}, {label: variant})
        for name, value in fields.items():
            setattr(variant, name, value)
        variant.save()
        shop_pages_changed()
    return variant

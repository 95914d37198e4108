"""The shop's selling rules: payment details, time limits, quantity limits and shipping fees.

The bounds of every setting live here too: the cart and checkout hold orders to them.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_owner
from weishang.core.cleaning import amount, whole_number
from weishang.core.errors import InvalidInput
from weishang.core.models import max_length_of
from weishang.core.money import to_money

from ..models import PROVINCE_SUFFIXES, RegionShippingFee, ShopSettings

ZERO = Decimal("0.00")
MAX_LINES = 50
#: The most of one item any order may have; a customer's checkout is held to the owner's
#: lower ShopSettings.max_line_quantity and max_order_quantity.
MAX_LINE_QUANTITY = 999
MAX_ORDER_QUANTITY = MAX_LINES * MAX_LINE_QUANTITY
MAX_UNPAID_ORDERS = 100
MIN_EXPIRY_MINUTES = 5
MAX_EXPIRY_MINUTES = 7 * 24 * 60
MAX_AUTO_COMPLETE_DAYS = 90
MAX_AFTER_SALES_DAYS = 90


def _clean_image(value, *, field: str):
    """An uploaded picture (checked by Pillow), or "" to remove the current one."""
    if not value:
        return ""
    try:
        return forms.ImageField().clean(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field=field) from None


_SETTINGS_CLEANERS = {
    "payment_instructions": lambda value: (value or "").strip(),
    "wechat_pay_code": lambda value: _clean_image(value, field="wechat_pay_code"),
    "alipay_code": lambda value: _clean_image(value, field="alipay_code"),
    "unpaid_expiry_minutes": lambda value: whole_number(
        value, field="unpaid_expiry_minutes", minimum=MIN_EXPIRY_MINUTES,
        maximum=MAX_EXPIRY_MINUTES),
    "auto_complete_days": lambda value: whole_number(
        value, field="auto_complete_days", minimum=1, maximum=MAX_AUTO_COMPLETE_DAYS),
    "after_sales_days": lambda value: whole_number(
        value, field="after_sales_days", minimum=0, maximum=MAX_AFTER_SALES_DAYS),
    "shipping_fee": lambda value: amount(value, field="shipping_fee"),
    "free_shipping_above": lambda value: amount(value, field="free_shipping_above",
                                                      optional=True),
    "max_line_quantity": lambda value: whole_number(
        value, field="max_line_quantity", minimum=1, maximum=MAX_LINE_QUANTITY),
    "max_order_quantity": lambda value: whole_number(
        value, field="max_order_quantity", minimum=1, maximum=MAX_ORDER_QUANTITY),
    "max_unpaid_orders": lambda value: whole_number(
        value, field="max_unpaid_orders", minimum=1, maximum=MAX_UNPAID_ORDERS),
}


@transaction.atomic
def update_shop_settings(actor, **fields) -> ShopSettings:
    """Change some of the selling rules (only the fields given). ``actor`` is the person."""
    # The selling rules are the owner's; None is the system (loaders, commands).
    require_owner(actor, system=True)
    return ShopSettings.change(_SETTINGS_CLEANERS, fields)


def short_province(name: str) -> str:
    """广西壮族自治区 → 广西, 广东省 → 广东, 上海市 → 上海 (how a region fee matches an address)."""
    name = (name or "").strip()
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@transaction.atomic
def set_region_fees(actor, rows) -> list[RegionShippingFee]:
    """Replace all regional fees with ``rows``: (province, fee, free_above or None) each."""
    # The selling rules are the owner's; None is the system (loaders, commands).
    require_owner(actor, system=True)
    seen: set[str] = set()
    fees = []
    province_limit = max_length_of(RegionShippingFee, "province")
    for province, fee, free_above in rows:
        province = (province or "").strip()
        if not province or len(province) > province_limit:
            raise InvalidInput(_("Enter a province name."), field="province")
        if short_province(province) in seen:
            raise InvalidInput(
                _("%(province)s is listed twice.") % {"province": province}, field="province"
            )
        seen.add(short_province(province))
        fees.append(RegionShippingFee(
            province=province,
            shipping_fee=amount(fee, field="shipping_fee"),
            free_shipping_above=amount(free_above, field="free_shipping_above",
                                             optional=True),
        ))
    RegionShippingFee.objects.all().delete()
    return RegionShippingFee.objects.bulk_create(fees)


def shipping_fee_for(goods_total: Decimal, province: str = "",
                     settings: ShopSettings | None = None) -> Decimal:
    """The shop's flat fee, free from its threshold; a province with its own fee uses its own
    fee and threshold instead (no threshold: never free there)."""
    settings = settings or ShopSettings.load()
    fee, free_from = settings.shipping_fee, settings.free_shipping_above
    wanted = short_province(province)
    if wanted:
        for region in RegionShippingFee.objects.all():
            if short_province(region.province) == wanted:
                fee, free_from = region.shipping_fee, region.free_shipping_above
                break
    if free_from is not None and goods_total >= free_from:
        return ZERO
    return to_money(fee)

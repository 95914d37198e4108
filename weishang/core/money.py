"""Money: always ``Decimal`` in yuan with two places, rounded in exactly one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def to_money(value) -> Decimal:
    """Round a number to fen, half up (四舍五入), the way Chinese receipts round.

    Floats are refused: 0.1 + 0.2 is not money. Strings and ints are fine.
    """
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_cny(value) -> str:
    """¥12.34, with a minus sign in front of the symbol for negative amounts."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


class MoneyField(models.DecimalField):
    """A DecimalField with the project's one money precision."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "weishang.core.money.MoneyField", args, kwargs

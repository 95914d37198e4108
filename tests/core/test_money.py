from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weishang.core.money import format_cny, to_money


def test_rounds_half_up_to_fen():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money("2.344") == Decimal("2.34")
    assert to_money(3) == Decimal("3.00")


def test_refuses_floats():
    with pytest.raises(TypeError):
        to_money(0.1)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_refuses_non_amounts(bad):
    with pytest.raises(ValueError):
        to_money(bad)


def test_formats_yuan():
    assert format_cny(Decimal("1234.5")) == "¥1,234.50"
    assert format_cny(Decimal("-3")) == "-¥3.00"
    assert format_cny(None) == ""


@given(st.decimals(min_value=-10**11, max_value=10**11, allow_nan=False, allow_infinity=False))
def test_rounding_is_idempotent_and_within_half_a_fen(amount):
    rounded = to_money(amount)
    assert to_money(rounded) == rounded
    assert abs(rounded - amount) <= Decimal("0.005")

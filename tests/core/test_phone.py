import pytest
from django.core.exceptions import ValidationError

from weishang.core.phone import is_mobile, mask_mobile, normalize_mobile, validate_mobile


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "86 13812345678", "138-1234-5678",
     " 138 1234 5678 ", "(+86)13812345678",
     # typed with a Chinese input method: full-width digits, brackets, dashes and spaces
     "１３８１２３４５６７８", "（＋８６）138－1234－5678", "138\u30001234\u30005678"],
)
def test_normalizes_the_ways_people_write_a_mobile_number(raw):
    assert normalize_mobile(raw) == "13812345678"
    assert is_mobile(raw)


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "abc", "", "02012345678"]
)
def test_rejects_what_is_not_a_mainland_mobile(raw):
    assert not is_mobile(raw)
    with pytest.raises(ValidationError):
        validate_mobile(normalize_mobile(raw))


def test_masks_the_middle_four_digits():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""

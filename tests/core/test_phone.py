import pytest
from django.core.exceptions import ValidationError

from weishang.core.phone import (
    find_numbers,
    is_mobile,
    mask_mobile,
    normalize_mobile,
    validate_mobile,
)


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


# --- numbers written in a pasted text --------------------------------------------------------

@pytest.mark.parametrize(("text", "number", "mobile", "mainland"), [
    ("王五收 186-1234-5678", "18612345678", True, True),
    ("+86 138 1234 5678 张三", "13812345678", True, True),
    ("(+86)13812345678", "13812345678", True, True),
    ("0086-13812345678", "13812345678", True, True),
    ("8613812345678", "13812345678", True, True),
    ("A座1203 18612345678", "18612345678", True, True),
    ("1381234 5678", "13812345678", True, True),
    ("0755-86001234", "0755-86001234", False, True),
    ("(0755)86001234", "0755-86001234", False, True),
    ("0912-3456789", "0912-3456789", False, True),  # 榆林: a landline of eleven digits
    ("+852 9123 4567", "+85291234567", True, False),
    ("(852) 6123-4567", "+85261234567", True, False),
    ("+852 2345 6789", "+85223456789", False, False),
    ("+853 6612 3456", "+85366123456", True, False),
    ("+886 912 345 678", "+886912345678", True, False),
    ("+886-0912-345-678", "+886912345678", True, False),
    ("0912-345-678", "+886912345678", True, False),  # Taiwan's mobiles: ten digits from 09
    ("0912345678", "+886912345678", True, False),
])
def test_finds_the_number_in_a_text(text, number, mobile, mainland):
    (found,) = find_numbers(text)
    assert (found.number, found.mobile, found.mainland, found.masked) == (
        number, mobile, mainland, False)
    assert text[found.start:found.end].strip() in text


def test_an_eight_digit_number_is_hong_kongs_or_macaus_only_in_an_address_there():
    assert find_numbers("9123 4567") == []
    assert [n.number for n in find_numbers("9123 4567", local="852")] == ["+85291234567"]
    assert [n.number for n in find_numbers("6612 3456", local="853")] == ["+85366123456"]


def test_a_masked_number_is_found_as_masked_and_house_numbers_are_no_numbers():
    (masked,) = find_numbers("李雷 139****1234 上海")
    assert (masked.number, masked.masked) == ("", True)
    assert find_numbers("文三路478号华星时代广场A座1203 邮编310000") == []

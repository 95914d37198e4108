import pytest

from weishang.core.errors import InvalidInput
from weishang.orders.carriers import CARRIERS, carrier_name, clean_tracking_number

VALID = [
    ("SF", "SF1234567890123", "SF1234567890123"),
    ("SF", "sf 123456789012", "SF123456789012"),
    ("SF", "123456789012", "123456789012"),
    ("JD", "JDVA01234567890", "JDVA01234567890"),
    ("JD", "jd0123456789012", "JD0123456789012"),
    ("JD", "JDV012345678901", "JDV012345678901"),
    ("EMS", "1234567890123", "1234567890123"),
    ("EMS", "ea123456789cn", "EA123456789CN"),
    ("YZPY", "9876543210123", "9876543210123"),
    ("ZTO", "75123456789012", "75123456789012"),
    ("ZTO", "731234567890", "731234567890"),
    ("ZTO", "3123-4567-8901", "312345678901"),
    ("YTO", "YT1234567890123", "YT1234567890123"),
    ("YTO", "yt 1234 5678 901 23", "YT1234567890123"),
    ("STO", "773123456789012", "773123456789012"),
    ("STO", "889012345678", "889012345678"),
    ("YUNDA", "4312345678901", "4312345678901"),
    ("YUNDA", "463012345678901", "463012345678901"),
    ("JTEXPRESS", "JT1234567890123", "JT1234567890123"),
    ("DEBON", "DPK123456789012", "DPK123456789012"),
    ("DEBON", "12345678", "12345678"),
    ("HTKY", "557123456789", "557123456789"),
]

INVALID = [
    ("SF", "SF12345"),            # too short
    ("SF", "SF12345678901234"),   # too long
    ("SF", "JT1234567890123"),    # another carrier's prefix
    ("JD", "1234567890123"),      # no JD prefix
    ("EMS", "12345678901A3"),     # a letter in a digits-only format
    ("EMS", "EA123456789US"),     # not a Chinese EMS number
    ("ZTO", "12345678901"),       # 11 digits
    ("ZTO", "951234567890"),      # does not start like a ZTO number
    ("YTO", "1234567890123"),     # no YT prefix
    ("YTO", "YT12345678"),        # too short
    ("STO", "123456789012"),      # wrong start
    ("YUNDA", "123456789012"),    # 12 digits
    ("YUNDA", "43123456789O1"),   # letter O instead of zero
    ("JTEXPRESS", "JT123456789012"),  # 12 digits after JT
    ("DEBON", "1234567"),         # too short
    ("DEBON", "DPK12345"),
    ("SF", "SF" + "1" * 50),      # absurdly long
    ("SF", "   "),
    ("SF", "顺丰123456789012"),
]


@pytest.mark.parametrize(("carrier", "raw", "expected"), VALID)
def test_real_looking_numbers_are_accepted_and_normalised(carrier, raw, expected):
    assert clean_tracking_number(carrier, raw) == expected


@pytest.mark.parametrize(("carrier", "raw"), INVALID)
def test_junk_is_refused_with_a_message(carrier, raw):
    with pytest.raises(InvalidInput) as refused:
        clean_tracking_number(carrier, raw)
    assert refused.value.field == "tracking_number"
    assert str(refused.value.message)


def test_an_unknown_carrier_is_refused():
    with pytest.raises(InvalidInput) as refused:
        clean_tracking_number("UPS", "1Z999AA10123456784")
    assert refused.value.field == "carrier"


def test_every_main_carrier_is_listed_with_its_chinese_name():
    codes = dict(CARRIERS)
    assert {"SF", "JD", "EMS", "ZTO", "YTO", "STO", "YUNDA", "JTEXPRESS", "DEBON"} <= set(codes)
    assert carrier_name("sf") == "顺丰速运" and carrier_name("JTEXPRESS") == "极兔速递"
    assert carrier_name("OLD") == "OLD"

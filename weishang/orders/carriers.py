"""The main Chinese express carriers and the shape of their tracking numbers (运单号).

The formats are deliberately permissive (carriers add number ranges every few years) but refuse
what is plainly not a tracking number of that carrier: letters where only digits are used, a
wrong prefix, a wrong length. Numbers are normalised first: spaces and dashes removed,
letters upper-cased.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from weishang.core.errors import InvalidInput


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    #: Full-match patterns of the normalised number.
    formats: tuple[str, ...]
    #: One valid-looking number, shown in the error message as an example.
    example: str

    def accepts(self, number: str) -> bool:
        return any(re.fullmatch(pattern, number) for pattern in self.formats)


_CARRIERS = (
    Carrier("SF", "顺丰速运", (r"SF\d{12,13}", r"\d{12}"), "SF1234567890123"),
    Carrier("JD", "京东快递", (r"JD[0-9A-Z]{13,15}", r"JDV\d{9,15}"), "JDVA01234567890"),
    Carrier("EMS", "EMS", (r"\d{13}", r"[A-Z]{2}\d{9}CN"), "1234567890123"),
    Carrier("YZPY", "邮政快递包裹", (r"\d{13}", r"[A-Z]{2}\d{9}CN"), "9876543210123"),
    Carrier("ZTO", "中通快递", (r"[2-7]\d{11,13}",), "75123456789012"),
    Carrier("YTO", "圆通速递", (r"YT\d{13,15}",), "YT1234567890123"),
    Carrier("STO", "申通快递", (r"(?:77|88|66|55|44|33|22|11|26|36|58|68|76|98)\d{10,13}",),
            "773123456789012"),
    Carrier("YUNDA", "韵达快递", (r"\d{13,15}",), "4312345678901"),
    Carrier("JTEXPRESS", "极兔速递", (r"JT\d{13}",), "JT1234567890123"),
    Carrier("DEBON", "德邦快递", (r"DPK\d{12,15}", r"\d{8,10}"), "DPK123456789012"),
    Carrier("HTKY", "百世快递", (r"\d{12,15}",), "557123456789"),
)
_BY_CODE = {carrier.code: carrier for carrier in _CARRIERS}

#: (code, name) pairs for choice lists, in the order sellers expect them.
CARRIERS: list[tuple[str, str]] = [(carrier.code, carrier.name) for carrier in _CARRIERS]

MAX_TRACKING_NUMBER_LENGTH = 40
_SEPARATORS = re.compile(r"[\s\-]+")


def carrier_name(code: str) -> str:
    """顺丰速运 for "SF"; an unknown code is returned as it is (old orders keep their text)."""
    carrier = _BY_CODE.get((code or "").strip().upper())
    return carrier.name if carrier else code or ""


def clean_carrier(code: str) -> str:
    """The carrier's code, upper-cased; InvalidInput if it is not one of CARRIERS."""
    normalised = (code or "").strip().upper()
    if normalised not in _BY_CODE:
        raise InvalidInput(_("Choose a carrier from the list."), field="carrier")
    return normalised


def normalize_tracking_number(number: str) -> str:
    return _SEPARATORS.sub("", number or "").upper()


def clean_tracking_number(carrier: str, number: str) -> str:
    """The normalised tracking number; InvalidInput (field "tracking_number") if it does not
    look like one of ``carrier``'s numbers."""
    carrier = _BY_CODE[clean_carrier(carrier)]
    normalised = normalize_tracking_number(number)
    if not normalised:
        raise InvalidInput(_("Enter the tracking number."), field="tracking_number")
    if len(normalised) > MAX_TRACKING_NUMBER_LENGTH or not carrier.accepts(normalised):
        raise InvalidInput(
            _("“%(number)s” is not a %(carrier)s tracking number (e.g. %(example)s).")
            % {"number": normalised[:MAX_TRACKING_NUMBER_LENGTH], "carrier": carrier.name,
               "example": carrier.example},
            field="tracking_number",
        )
    return normalised

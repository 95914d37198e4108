"""Pinyin search keys for Chinese names: zhangsan and zs both find 张三.

A name is read surname first. Many surnames are read differently from the same character in
ordinary words (单 is Shàn, not dān; 曾 Zēng, not céng; 尉迟 Yùchí), so the surname table
below wins over the dictionary. The everyday reading is kept as a second reading because
that is what many people type. Tones are dropped: nobody types them in a search box.
"""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: How surnames are read, syllables separated by spaces. Only surnames whose reading differs
#: from the dictionary's default, or that the dictionary reads in more than one way, need to
#: be here; compound surnames are matched before single ones.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    # Compound surnames (复姓).
    "尉迟": ("yu chi",),
    "万俟": ("mo qi",),
    "长孙": ("zhang sun",),
    "单于": ("chan yu",),
    "令狐": ("ling hu",),
    "澹台": ("tan tai",),
    "宇文": ("yu wen",),
    "欧阳": ("ou yang",),
    "上官": ("shang guan",),
    "司马": ("si ma",),
    "诸葛": ("zhu ge",),
    "东方": ("dong fang",),
    "皇甫": ("huang fu",),
    "公孙": ("gong sun",),
    "慕容": ("mu rong",),
    "夏侯": ("xia hou",),
    "轩辕": ("xuan yuan",),
    "呼延": ("hu yan",),
    "端木": ("duan mu",),
    "独孤": ("du gu",),
    "南宫": ("nan gong",),
    "百里": ("bai li",),
    "闻人": ("wen ren",),
    # Single surnames read differently from the everyday word.
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "尉": ("wei",),
    "乐": ("yue", "le"),
    "缪": ("miao",),
    "翟": ("zhai",),
    "覃": ("qin",),
    "召": ("shao",),
    "折": ("she",),
    "种": ("chong",),
    "秘": ("bi",),
    "繁": ("po",),
    "员": ("yun",),
    "宿": ("su",),
    "褚": ("chu",),
    "重": ("chong",),
    "相": ("xiang",),
    "阚": ("kan",),
    "过": ("guo",),
    "句": ("gou",),
    "薄": ("bo",),
    "隗": ("wei",),
    "谌": ("chen",),
    "冼": ("xian",),
    "能": ("nai",),
    "黑": ("he",),
    "莘": ("shen",),
    "蕃": ("pi",),
    "燕": ("yan",),
    "华": ("hua",),
    "任": ("ren",),
    "沈": ("shen",),
    "石": ("shi",),
    "柏": ("bai",),
    "车": ("che",),
    "贾": ("jia",),
    "曲": ("qu",),
    "都": ("du",),
    "祭": ("zhai",),
    "嵇": ("ji",),
    "郇": ("huan",),
    "洗": ("xian",),
}

_LONGEST_SURNAME = max(len(surname) for surname in SURNAME_READINGS)
#: A name gives at most this many readings: enough for a polyphonic surname, bounded so a
#: long name of polyphonic characters cannot blow up the key columns.
MAX_READINGS = 3
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_NOT_KEY = re.compile(r"[^a-z0-9]")


def _syllables(text: str) -> list[str]:
    """Pinyin of each Chinese character (read in context, so 银行 is yinhang), and each run of
    Latin letters or digits as one word; punctuation and spaces dropped."""
    words: list[str] = []
    for item in lazy_pinyin(text.lower(), style=Style.NORMAL, errors=lambda chunk: [chunk]):
        words.extend(_LATIN_WORD.findall(item.replace("ü", "v")))
    return words


def _surname_split(name: str) -> tuple[str, tuple[str, ...]]:
    for length in range(min(_LONGEST_SURNAME, len(name)), 0, -1):
        readings = SURNAME_READINGS.get(name[:length])
        if readings:
            return name[:length], readings
    return "", ()


def _readings(name: str) -> list[list[str]]:
    """The ways a name may be read, best first, each as a list of syllables."""
    everyday = _syllables(name)
    surname, surname_readings = _surname_split(name)
    given = _syllables(name[len(surname):]) if surname else []
    readings = [[*reading.split(), *given] for reading in surname_readings]
    readings.append(everyday)
    unique: list[list[str]] = []
    for reading in readings:
        if reading and "".join(reading) not in {"".join(known) for known in unique}:
            unique.append(reading)
    return unique[:MAX_READINGS]


def _join_within(keys: list[str], limit: int | None) -> str:
    """Space-separated keys, dropping the later readings that would not fit in ``limit``."""
    kept: list[str] = []
    for key in dict.fromkeys(keys):
        candidate = " ".join([*kept, key])
        if limit is not None and len(candidate) > limit:
            break
        kept.append(key)
    return " ".join(kept)


@lru_cache(maxsize=4096)
def search_keys(name: str, *, pinyin_limit: int | None = 200,
                initials_limit: int | None = 100) -> tuple[str, str]:
    """(full pinyin readings, initials) of a name, space-separated, surname reading first.

    "单小明" → ("shanxiaoming danxiaoming", "sxm dxm"); "Lily王" → ("lilywang", "lw").
    The limits are the sizes of the columns the keys are stored in.
    """
    readings = _readings((name or "").strip())
    full = [_NOT_KEY.sub("", "".join(reading)) for reading in readings]
    initials = [_NOT_KEY.sub("", "".join(syllable[0] for syllable in reading))
                for reading in readings]
    return _join_within(full, pinyin_limit), _join_within(initials, initials_limit)


def query_key(text: str) -> str:
    """What a search box holds, as it compares with one key: 'Zhang San' → 'zhangsan'."""
    return _NOT_KEY.sub("", (text or "").lower())

"""Pinyin search keys for Chinese names: zhangsan and zs both find 张三.

A name is read surname first. Many surnames are read differently from the same character in
ordinary words (单 is Shàn, not dān; 曾 Zēng, not céng; 尉迟 Yùchí), so the surname table
below comes first. The everyday readings follow, because that is what many people type: the
character read on its own (dān, céng), or for a compound surname what someone who does not
know it says (wèichí, chángsūn, wànqí). Each reading is a key of its own, so every one of
them finds the name whatever other names share its letters. Tones are dropped: nobody types
them in a search box.
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
    "乐正": ("yue zheng",),
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

#: What people who do not know a compound surname's reading type instead, where reading each
#: character on its own does not give it (the dictionary reads 长 alone as zhǎng, yet
#: everybody says chángsūn). 单于 may also be the surname 单 (Shàn) before a given name 于….
#: Single surnames need no entry: their everyday reading is the character read on its own.
EVERYDAY_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "尉迟": ("wei chi",),
    "万俟": ("wan qi", "wan si"),
    "长孙": ("chang sun",),
    "单于": ("dan yu", "shan yu"),
    "澹台": ("dan tai",),
    "乐正": ("le zheng",),
}

_LONGEST_SURNAME = max(len(surname) for surname in SURNAME_READINGS)
#: A name gives at most this many readings, each stored in search columns of its own: a
#: surname's own reading and its everyday ones fit, and a long name of polyphonic characters
#: cannot multiply the keys.
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


def _everyday_surname_readings(surname: str) -> tuple[str, ...]:
    if surname in EVERYDAY_SURNAME_READINGS:
        return EVERYDAY_SURNAME_READINGS[surname]
    return (" ".join(syllable for character in surname for syllable in _syllables(character)),)


def readings(name: str) -> list[list[str]]:
    """The ways a name may be read, each as a list of syllables: with the surname's own
    reading, with its everyday ones, then the whole name as the dictionary reads it in
    context; each reading once, at most MAX_READINGS."""
    name = (name or "").strip()
    surname, surname_readings = _surname_split(name)
    candidates = []
    if surname:
        given = _syllables(name[len(surname):])
        candidates = [[*reading.split(), *given] for reading in
                      (*surname_readings, *_everyday_surname_readings(surname))]
    candidates.append(_syllables(name))
    unique: dict[str, list[str]] = {}
    for reading in candidates:
        if reading:
            unique.setdefault("".join(reading), reading)
    return list(unique.values())[:MAX_READINGS]


def _key(text: str) -> str:
    return _NOT_KEY.sub("", text)


@lru_cache(maxsize=4096)
def search_keys(name: str) -> tuple[tuple[str, str], ...]:
    """(full pinyin, initials) of each reading of a name, the surname's own reading first.

    "单小明" → (("shanxiaoming", "sxm"), ("danxiaoming", "dxm")); "Lily王" → (("lilywang",
    "lw"),); an empty name has none.
    """
    return tuple((_key("".join(reading)), _key("".join(syllable[0] for syllable in reading)))
                 for reading in readings(name))


def query_key(text: str) -> str:
    """What a search box holds, as it compares with one key: 'Zhang San' → 'zhangsan'."""
    return _key((text or "").lower())

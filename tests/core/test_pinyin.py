"""Pinyin search keys: surname readings first, bounded, and safe for any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weishang.core.pinyin import MAX_READINGS, query_key, search_keys


@pytest.mark.parametrize("name, expected", [
    ("单小明", ("shanxiaoming danxiaoming", "sxm dxm")),
    ("曾国藩", ("zengguofan cengguofan", "zgf cgf")),
    ("解缙", ("xiejin jiejin", "xj jj")),
    ("仇英", ("qiuying chouying", "qy cy")),
    ("区志坚", ("ouzhijian quzhijian", "ozj qzj")),
    ("朴志勋", ("piaozhixun puzhixun", "pzx")),
    ("查良镛", ("zhaliangyong chaliangyong", "zly cly")),
    ("盖聂", ("genie gainie", "gn")),
    ("尉迟恭", ("yuchigong", "ycg")),
    ("万俟咏", ("moqiyong", "mqy")),
    ("长孙无忌", ("zhangsunwuji", "zswj")),
    ("乐嘉", ("yuejia lejia", "yj lj")),
    ("张三", ("zhangsan", "zs")),
    ("吕布", ("lvbu", "lb")),
    ("Lily王", ("lilywang", "lw")),
    ("买买提·艾力", ("maimaitiaili", "mmtal")),
    ("", ("", "")),
], ids=lambda value: value if isinstance(value, str) else "keys")
def test_keys(name, expected):
    assert search_keys(name) == expected


def test_keys_fit_their_columns():
    name = "单" + "乐" * 29
    full, initials = search_keys(name, pinyin_limit=200, initials_limit=100)
    assert len(full) <= 200 and len(initials) <= 100
    assert full.startswith("shan")


def test_query_key():
    assert query_key(" Zhang San ") == "zhangsan"
    assert query_key("ZS") == "zs"
    assert query_key("%_'") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_plain_bounded_keys(name):
    full, initials = search_keys(name, pinyin_limit=200, initials_limit=100)
    assert len(full) <= 200 and len(initials) <= 100
    for key in (full, initials):
        assert all(part.isascii() and part.isalnum() for part in key.split())
    assert len(full.split()) <= MAX_READINGS and len(initials.split()) <= MAX_READINGS
    if full:
        assert initials and initials[0] == full[0]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="张王李赵单曾解仇区朴查盖尉迟乐长孙小明华国强", min_size=1, max_size=6))
def test_every_character_of_a_chinese_name_gives_one_initial(name):
    full, initials = search_keys(name)
    assert all(len(reading) == len(name) for reading in initials.split())

"""Pinyin search keys: surname readings first, then the everyday ones, bounded, and safe for
any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weishang.core.pinyin import MAX_READINGS, query_key, readings, search_keys


@pytest.mark.parametrize("name, expected", [
    ("单小明", (("shanxiaoming", "sxm"), ("danxiaoming", "dxm"))),
    ("曾国藩", (("zengguofan", "zgf"), ("cengguofan", "cgf"))),
    ("解缙", (("xiejin", "xj"), ("jiejin", "jj"))),
    ("仇英", (("qiuying", "qy"), ("chouying", "cy"))),
    ("区志坚", (("ouzhijian", "ozj"), ("quzhijian", "qzj"))),
    ("朴志勋", (("piaozhixun", "pzx"), ("puzhixun", "pzx"))),
    ("查良镛", (("zhaliangyong", "zly"), ("chaliangyong", "cly"))),
    ("盖聂", (("genie", "gn"), ("gainie", "gn"))),
    ("乐嘉", (("yuejia", "yj"), ("lejia", "lj"))),
    ("张三", (("zhangsan", "zs"),)),
    ("吕布", (("lvbu", "lb"),)),
    ("Lily王", (("lilywang", "lw"),)),
    ("买买提·艾力", (("maimaitiaili", "mmtal"),)),
    ("", ()),
], ids=lambda value: value if isinstance(value, str) else "keys")
def test_keys(name, expected):
    assert search_keys(name) == expected


# Compound surnames (复姓): their own reading first, then what people who do not know it type.
@pytest.mark.parametrize("name, expected", [
    ("尉迟恭", ["yuchigong", "weichigong"]),
    ("万俟咏", ["moqiyong", "wanqiyong", "wansiyong"]),
    ("长孙无忌", ["zhangsunwuji", "changsunwuji"]),
    ("澹台灭明", ["tantaimieming", "dantaimieming"]),
    ("乐正子春", ["yuezhengzichun", "lezhengzichun"]),
    ("单于晴", ["chanyuqing", "danyuqing", "shanyuqing"]),
    ("欧阳修", ["ouyangxiu"]),
    ("诸葛亮", ["zhugeliang"]),
    ("司马光", ["simaguang"]),
    ("令狐冲", ["linghuchong"]),
])
def test_compound_surnames_have_their_everyday_readings(name, expected):
    assert [full for full, _initials in search_keys(name)] == expected


def test_readings_are_bounded():
    assert len(readings("万俟" + "乐" * 28)) == MAX_READINGS
    assert readings("万俟" + "乐" * 28)[0][:2] == ["mo", "qi"]


def test_query_key():
    assert query_key(" Zhang San ") == "zhangsan"
    assert query_key("ZS") == "zs"
    assert query_key("%_'") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_plain_bounded_keys(name):
    keys = search_keys(name)
    assert len(keys) <= MAX_READINGS
    for full, initials in keys:
        assert full and full.isascii() and full.isalnum()
        assert initials and initials.isascii() and initials.isalnum()
        assert initials[0] == full[0] and len(full) <= 6 * 30


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="张王李赵单曾解仇区朴查盖尉迟乐长孙小明华国强", min_size=1, max_size=6))
def test_every_character_of_a_chinese_name_gives_one_initial(name):
    assert all(len(initials) == len(name) for _full, initials in search_keys(name))

"""Drawing Chinese text and QR codes: every glyph of a Chinese title drawn by the shipped font
(no tofu boxes), characters it lacks left out, CJK line breaking (禁则), and QR codes that decode
and fit the size asked for."""

import re

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageFont

from weishang.core import drawing

# Common, rare (龘 靐 鱻 饕餮 魑魅魍魉) and Traditional (臺灣 這裏 軟體 滑鼠) characters, full-width
# punctuation, Latin letters and digits.
TITLE = "【龘靐鱻】饕餮盛宴·魑魅魍魉 臺灣高山茶 這裏有軟體與滑鼠 耄耋犇鑫淼 Tea 2024，先到先得！"


def notdef_mask(font):
    """The mask FreeType draws for a character the font lacks (the tofu box)."""
    mask = font.getmask("\U0010fffd")
    return mask.size, bytes(mask)


def drawn_by_the_font(font, char) -> bool:
    mask = font.getmask(char)
    return mask.getbbox() is not None and (mask.size, bytes(mask)) != notdef_mask(font)


def test_the_font_comes_from_the_pypi_package_and_draws_every_glyph_of_a_chinese_title():
    assert drawing.font_file().endswith("pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf")
    font = ImageFont.truetype(drawing.font_file(), 40)
    missing = [char for char in TITLE if not char.isspace() and not drawn_by_the_font(font, char)]
    assert missing == []
    assert all(drawing.font_covers(char) for char in TITLE)


def test_characters_the_font_lacks_are_left_out_rather_than_drawn_as_boxes():
    assert not drawing.font_covers("🍵")
    assert drawing.drawable("好物🍵推荐  👍🏻 Lily") == "好物推荐 Lily"


# -- Line breaking ----------------------------------------------------------------------------

def characters_wide(count: int) -> float:
    return drawing.font(40).getlength("一" * count)


def test_a_closing_mark_never_starts_a_line_and_an_opening_one_never_ends_one():
    text = "一二三四五六七八九十，一二三四五六七八九（十）"
    lines = drawing.wrap(text, 40, characters_wide(10), 5)
    assert lines == ["一二三四五六七八九十，", "一二三四五六七八九", "（十）"]


def test_a_run_of_closing_marks_takes_the_character_before_it_down():
    lines = drawing.wrap("一二三四五六七八九十。。。", 40, characters_wide(10), 5)
    assert lines == ["一二三四五六七八九", "十。。。"]


def test_a_latin_word_is_not_broken():
    lines = drawing.wrap("新品上市啦 Limited 限量", 40, characters_wide(8), 5)
    assert lines == ["新品上市啦", "Limited 限量"]


def test_a_text_longer_than_the_lines_ends_with_an_ellipsis():
    width = characters_wide(10)
    lines = drawing.wrap("好" * 45, 40, width, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(drawing.font(40).getlength(line) <= width for line in lines)


# A space before a closing mark would be a place to break before it: real copy has none.
TEXT = st.text(alphabet=st.sampled_from(list("好物推荐茶叶龘臺灣abcXYZ019 ，。！（）【】…")),
               max_size=120).map(lambda text: re.sub(r"\s+(?=[，。！）】…])", "", text))


def one_word(line: str) -> bool:
    return len(drawing.TEXT_UNITS.findall(line)) == 1


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_lines_fit_and_keep_every_character(text):
    text = drawing.drawable(text)
    width = 400
    lines = drawing.wrap(text, 40, width, 100)
    font = drawing.font(40)
    widest_mark = max(font.getlength(mark) for mark in drawing.NO_LINE_START)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for index, line in enumerate(lines):
        assert line and line == line.strip()
        assert font.getlength(line) <= width + widest_mark
        if index:
            # Only after a line of one word, which cannot give it a word to go down with.
            assert line[0] not in drawing.NO_LINE_START or one_word(lines[index - 1])
        if index < len(lines) - 1:
            assert line[-1] not in drawing.NO_LINE_END or one_word(line)


# -- QR code ----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [120, 230, 320])
def test_a_qr_code_decodes_to_its_link_and_fits_the_size_asked_for(size):
    url = "https://shop.example.com/join/Xy7kP2mQ"
    code = drawing.qr_code(url, size)
    assert code.width == code.height and size * 2 // 3 < code.width <= size
    assert [found.text for found in zxingcpp.read_barcodes(code)] == [url]

"""Simplified → Traditional with the wording of Taiwan and of Hong Kong (OpenCC)."""

import pytest

from weishang.core.convert import to_traditional


@pytest.mark.parametrize(("simplified", "taiwan", "hong_kong"), [
    ("软件", "軟體", "軟件"),
    ("鼠标", "滑鼠", "鼠標"),
    ("信息", "資訊", "信息"),
    ("网络", "網路", "網絡"),
    ("出租车", "計程車", "出租車"),
    ("视频", "影片", "視頻"),
    ("这里", "這裡", "這裏"),
    ("着急", "著急", "着急"),
], ids=["software", "mouse", "information", "network", "taxi", "video", "here", "hurry"])
def test_known_phrases_take_the_regional_wording(simplified, taiwan, hong_kong):
    assert to_traditional(simplified, "tw") == taiwan
    assert to_traditional(simplified, "hk") == hong_kong


def test_a_whole_sentence_is_converted_and_the_rest_kept():
    text = "好物推荐：这款面霜只要 ¥99.00 👍🏻 点击 https://x.cn/t/AbC23xyz 看看"
    assert to_traditional(text, "tw") == (
        "好物推薦：這款面霜只要 ¥99.00 👍🏻 點選 https://x.cn/t/AbC23xyz 看看")
    assert to_traditional(text, "hk") == (
        "好物推薦：這款面霜只要 ¥99.00 👍🏻 點擊 https://x.cn/t/AbC23xyz 看看")


def test_emoji_sequences_and_placeholders_are_left_alone():
    text = "👨‍👩‍👧 🇨🇳 {商品名} #护肤#"
    assert to_traditional(text, "tw") == "👨‍👩‍👧 🇨🇳 {商品名} #護膚#"


def test_empty_text_and_an_unknown_region():
    assert to_traditional("", "tw") == ""
    with pytest.raises(ValueError, match="unknown region"):
        to_traditional("软件", "cn")

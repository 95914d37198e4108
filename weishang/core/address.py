"""Smart address paste (智能地址识别): pasted text → name, phone, province … street, note.

People paste what they were sent in WeChat: parts in any order; labels or none (收货人：,
【手机】, 所在地区 + 详细地址, Tel:), glued to their value or not; commas, spaces, slashes and
newlines, full-width or not; numbers with +86, spaces or dashes; a name with 收 after it; a
delivery note at the end (放门卫, 周末送). The text is read in this order:

1. normalised (full-width → half-width, Traditional → Simplified for reading only: what is
   returned keeps the characters as written);
2. labels split it into labelled segments (a sender's segment is dropped);
3. the phone number is taken out, preferring a labelled one (a break is left where it was);
4. the rest falls into tokens at separators; the address is the labelled one, or the run of
   tokens from the first one that starts with a region (``regions.read_place``);
5. the name is the labelled one, or the most name-like token outside the address (a surname
   helps), or a name glued to the address at either end; a delivery note is what starts like
   one (放…, 周末…送, 不要…) after the street or apart from it.

What cannot be read stays empty, with a problem saying so; nothing is guessed.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

from .phone import FoundNumber, find_numbers
from .regions import (  # noqa: F401 (the region lists are part of this module's interface)
    Place,
    Renamed,
    cities,
    districts,
    is_outside_mainland,
    outside_mainland_message,
    provinces,
    read_place,
    region_strength,
    short_name,
    simplified,
)

# --- words -----------------------------------------------------------------------------------

NAME, PHONE, ADDRESS, NOTE, POSTAL, SENDER, HEADING, OTHER = (
    "name", "phone", "address", "note", "postal", "sender", "heading", "other")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Label words (Simplified; Traditional text is read in Simplified) and what follows them.
#: "Weak" words are labels only with a colon or brackets (地区 is also the end of 阿里地区).
LABELS = {
    NAME: (*_words("收货人姓名 收件人姓名 收货人名字 收件人名字 联系人姓名 收货人 收件人"),
           *_words("联系人 姓名 名字 客户姓名 买家姓名 收货姓名 收件姓名 称呼")),
    PHONE: (*_words("收货人手机号码 收货人手机号 收货人手机 收货人电话 收件人手机号码"),
            *_words("收件人手机号 收件人手机 收件人电话 联系人手机 联系人电话 手机号码"),
            *_words("手机号 手机 电话号码"),
            *_words("联系电话 联系手机 联系方式 联系号码 电话 移动电话 固定电话 座机")),
    ADDRESS: (*_words("收货人地址 收件人地址 收货地址 收件地址 详细地址 所在地区 所在地 省市区县"),
              *_words("省市区 省市县 邮寄地址 寄送地址 送货地址 配送地址 通讯地址 联系地址"),
              *_words("家庭地址 公司地址 街道地址 详细住址 地址")),
    NOTE: _words("买家留言 订单备注 配送备注 送货要求 配送要求 备注 留言"),
    POSTAL: ("邮政编码", "邮编"),
    SENDER: _words("寄件人信息 发件人信息 寄件人 发件人 发货人"),
    HEADING: _words("收货人信息 收件人信息 收货信息 收件信息 买家信息 联系信息 地址信息"),
    # Followed by something that is none of the parts (a WeChat ID, an order number).
    OTHER: _words("微信号 微信 订单号 订单编号 身份证号 身份证 邮箱"),
}
WEAK_LABELS = {
    NAME: ("客户", "买家", "收件", "收货", "名称", "收"),
    SENDER: ("寄",),
    PHONE: ("号码", "电联"),
    ADDRESS: ("地区", "省份", "城市", "区县", "区域", "住址", "门牌号", "街道", "省"),
    NOTE: ("要求", "说明"),
}
ENGLISH_LABELS = {
    NAME: ("recipient name", "full name", "recipient", "receiver", "consignee", "name"),
    PHONE: ("mobile phone", "phone number", "telephone", "contact number", "mobile", "phone",
            "cell", "tel", "mob"),
    ADDRESS: ("shipping address", "delivery address", "address", "addr"),
    NOTE: ("remarks", "remark", "notes", "note", "memo"),
    POSTAL: ("postal code", "postcode", "zip code", "zip"),
    OTHER: ("wechat", "email", "e-mail", "qq"),
}

#: The 300-odd most common surnames (and the compound ones): a token starting with one is more
#: likely the name. Characters that mostly start place words (东, 门, 海) are left out.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁"
    "胥班储栗燕楚鄢劳谌奚皮粟冼蔺闻厉伊仝区郜阚权强帅屠豆朴盖练廉禹祖漆巴卿狄计索宣晋芮扈晁"
    "阙浦戈伏鹿薄邸雍辜羊母裘亓修邰赫杭况那宿印逯隆茹诸战慕危亢嵇湛宾戎勾茅於揭檀衣幸奉植衡"
    "富尧闭鄂沃"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "西门", "南宫", "独孤", "轩辕", "澹台", "公冶", "太叔", "申屠", "钟离",
    "闻人", "赫连", "呼延", "万俟", "百里", "东郭", "拓跋", "第五", "梁丘", "左丘", "司空", "濮阳",
    "淳于", "单于", "公羊", "仲孙", "乐正", "漆雕", "谷梁", "巫马", "公西", "羊舌", "微生", "东门",
    "段干", "闾丘", "鲜于", "子车", "颛孙", "亓官", "司寇", "张简", "范姜",
)
_TITLES = ("先生", "女士", "小姐", "老师", "阿姨", "大姐", "姐姐", "大哥", "哥哥", "师傅", "经理",
           "同学", "医生", "太太", "总", "姐", "哥", "叔", "姨")
#: A token ending like this is a place (科技园, 国贸大厦, 管委会), not a person …
_PLACE_ENDINGS = tuple("路街道巷弄号楼栋幢室区市县镇乡村园苑城厦场店院馆湾座层门站屯组寓舍厂所局校"
                       "省州盟旗会处部司队")
# … and, unless it starts with a surname and is short, like this (保利中心, 华润万家).
_WEAK_PLACE_ENDINGS = tuple("心府邸庭墅居轩阁台郡岸汇荟坊庄堡峰湖江河港岛洲谷坪坝岭塘桥关口营寨"
                            "铺集滩堂寺宫亭社科行厅吧点柜仓库房间家中")
#: Words that are never a name nor part of an address.
_CHATTER = set(_words(
    "收 亲 亲亲 你好 您好 老板 谢谢 谢谢老板 谢谢亲 谢啦 谢了 多谢 麻烦了 麻烦 麻烦你 在吗 哈喽 "
    "好的 收货 收件 信息 如下 中国 中国大陆 大陆 内地 默认 地址如下 我的地址 地址是 我的地址是 "
    "亲爱的 宝贝 ok OK 先生 女士 小姐 无 没有 暂无 空 无备注 手机 电话 地址 顾客 客户 买家 本人 "
    "收件人 收货人 微信同号 同微信 微信 微信号"))
#: …nor are phrases like these (麻烦寄到, 您好).
_CHATTER_PHRASE = re.compile(
    r"^(?:您好|你好|亲|老板|麻烦|请|帮我|帮忙)*(?:寄|发|邮|送)(?:到|给|往|去|你|您)|^(?:您好|你好)")


def _is_chatter(text: str) -> bool:
    text = text.strip("()")
    return text in _CHATTER or bool(_CHATTER_PHRASE.match(text))

#: How a delivery note starts (放门卫, 周末送, 不要打电话, 送货前电话联系, 放快递柜 …).
_NOTE_START = (
    r"(?:请|麻烦|务必|一定|记得|最好|希望|尽量|需要|可以|要|帮忙|帮我)?"
    r"(?:放(?:在|到|至|进)?(?:门卫|门口|门房|传达室|快递柜|丰巢|驿站|菜鸟|代收点|物业|前台|保安|"
    r"收发室|家门口|楼下|快递点|超市|小卖部|邻居|信报箱|蜂巢|快递|店里|值班室|大堂|管理处|服务中心|"
    r"一楼|速递易|自提|门外|车库|房门)"
    r"|寄存|代收|自提"
    r"|(?:周末|周[一二三四五六日天](?:[到至~-]周?[一二三四五六日天])?|星期[一二三四五六日天]|双休日?|"
    r"节假日|假日|工作日|上班时间|下班(?:后|时间)?|晚上|"
    r"白天|上午|下午|中午|早上|傍晚|\d{1,2}点(?:前|后|以前|以后)?)(?:再|才|可以|能|请|要|前|后)*"
    r"(?:送|派送|配送|收|送货|在家|有人|签收|不在|到)"
    r"|不要|别打|别送|别放|勿|请勿|无需|不用|不需要|不必|禁止"
    r"|送货|派送|配送|送到|送达|送上|到了|到货|到时|送前|收货前|发货|派件|投递|快递到|来之前|上门前"
    r"|(?:先|提前)?(?:打电话|电话联系|电联|致电|联系我|联系本人|短信联系|发短信)"
    r"|急用|加急|尽快|速发|发顺丰|顺丰|只收|仅收|发邮政|邮政|发京东|不收|拒收|快递|请发)"
)
_NOTE = re.compile(_NOTE_START)
# A note or a name glued after the street (…A座放门卫, …478号王芳) follows one of these.
_STREET_ENDS = "号室座楼栋幢层户门"
# A note glued to the street: after the house number, floor or room (…A座放门卫).
_GLUED_NOTE = re.compile(
    rf"(?<=[{_STREET_ENDS}院A-Za-z0-9)]){_NOTE_START}|\({_NOTE_START}[^()]*\)$")

_HAN = r"\u4e00-\u9fff\u3400-\u4dbf"
_HAN_NAME = re.compile(
    rf"^(?:[{_HAN}]{{2,4}}|[{_HAN}]{{1,6}}[·•・.][{_HAN}]{{1,8}}(?:[·•・.][{_HAN}]{{1,8}})?)$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'.\-]*$")
_TITLE_WORD = re.compile(r"^[A-Z][a-z'.\-]+$")
_NAME_TAIL = re.compile(r"(?:\(?收(?:件|货)?\)?|[（(]收[)）])$")
_HAS_HAN = re.compile(f"[{_HAN}]")
_DIGITS_ONLY = re.compile(r"^[\d\-#]+$")

_BREAK = "\x1f"  # where a label or a phone number was: the address does not run across it
_SEPARATORS = f"\\s,;:|/\\\\、。!?~…“”\"'‘’<>《》【】\\[\\]「」『』{{}}=*{_BREAK}"
_TOKEN = re.compile(f"[^{_SEPARATORS}]+")
_STICKER = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,4}\]")  # [微笑] [玫瑰]: WeChat's stickers
_POSTAL_CODE = re.compile(r"(?<![\d\w-])[0-8]\d{5}(?![\d\w-])")  # 310000 written apart


@dataclass
class ParsedAddress:
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    note: str = ""  # a delivery note written with the address (放门卫, 周末送)
    renamed: list[Renamed] = field(default_factory=list)  # former names read as today's
    problems: list[str] = field(default_factory=list)  # what could not be read
    notices: list[str] = field(default_factory=list)  # what was read differently from written

    @property
    def is_complete(self) -> bool:
        district_needed = bool(districts(self.province, self.city))
        return all((self.name, self.phone, self.province, self.city, self.street)) and (
            bool(self.district) or not district_needed) and not is_outside_mainland(
            self.province)


# --- the text, as written and as read --------------------------------------------------------

_SYMBOLS = {"So", "Sk", "Co", "Cn", "Cs"}  # emoji, ☎, 📞: separators
_INVISIBLE = {"Cf"}  # zero-width spaces and joiners: nothing


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in _INVISIBLE:
            continue
        kept.append(" " if category in _SYMBOLS or char in "—–－" else char)
    return "".join(kept)


class _Text:
    """The pasted text as written and as read (Simplified), character for character, so that
    every part read is returned as it was written."""

    def __init__(self, text: str):
        self.written = _normalized(text)
        self.read = simplified(self.written)

    def blank(self, start: int, end: int, filler: str = _BREAK) -> None:
        """Takes ``start:end`` out of both (a label, a number), leaving ``filler``."""
        blanks = filler * (end - start)
        self.read = self.read[:start] + blanks + self.read[end:]
        self.written = self.written[:start] + blanks + self.written[end:]


@dataclass
class _Token:
    start: int
    end: int
    kind: str  # the label of its segment, "" for none
    segment: int
    broken: bool  # a label or a number stands between it and the token before

    def read(self, text: _Text) -> str:
        return text.read[self.start:self.end]

    def written(self, text: _Text) -> str:
        return text.written[self.start:self.end]


# --- labels ----------------------------------------------------------------------------------

def _alternatives(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@cache
def _label_pattern() -> re.Pattern:
    chinese = [word for words in LABELS.values() for word in words]
    weak = [word for words in WEAK_LABELS.values() for word in words]
    english = [word for words in ENGLISH_LABELS.values() for word in words]
    return re.compile(
        r"(?P<open>[【\[「『(<《])?\s*"
        rf"(?:(?P<word>{_alternatives(chinese)})|(?P<weak>{_alternatives(weak)})"
        rf"|(?P<english>(?i:{_alternatives(english)})))"
        r"\s*(?P<close>[】\]」』)>》])?\s*(?:是|为)?\s*(?P<colon>[:=])?"
    )


@cache
def _label_kinds() -> dict[str, str]:
    kinds = {}
    for table in (LABELS, WEAK_LABELS, ENGLISH_LABELS):
        for kind, words in table.items():
            kinds.update({word.casefold(): kind for word in words})
    return kinds


# What a label follows: a separator, or the digits of a number before it (…1111地址广东省).
_BOUNDARY = re.compile(f"[{_SEPARATORS}()（）0-9]")


def _label_at(text: str, match: re.Match) -> str:
    """The kind of the label ``match`` found, or "" when it is no label there."""
    group = "word" if match["word"] else "weak" if match["weak"] else "english"
    word = match[group]
    at_boundary = match.start(group) == 0 or bool(_BOUNDARY.match(text, match.start(group) - 1))
    if match["open"] and not match["close"]:
        return ""
    marked = bool(match["colon"] or match["close"])
    kind = _label_kinds()[word.casefold()]
    after = text[match.end():match.end() + 1]
    if match["english"]:
        if not at_boundary or (match.end("english") < len(text)
                               and text[match.end("english")].isalpha()):
            return ""
        return kind if marked or (kind == PHONE and after[:1] in "+0123456789") else ""
    if marked:
        return kind if at_boundary or match["word"] else ""
    if match["weak"] or not after.strip():
        return ""
    if kind == PHONE and after in "+0123456789(":
        return kind  # 手机13812345678, 张三手机138…
    return kind if at_boundary else ""


def _segments(text: _Text) -> list[tuple[str, int, int]]:
    """(label kind, start, end) of each part of the text, the labels blanked out."""
    segments = []
    kind, start = "", 0
    for match in _label_pattern().finditer(text.read):
        found = _label_at(text.read, match)
        if not found:
            continue
        segments.append((kind, start, match.start()))
        text.blank(match.start(), match.end())
        kind, start = found, match.end()
    segments.append((kind, start, len(text.read)))
    return segments


# --- phone numbers ---------------------------------------------------------------------------

def _local_code(text: str) -> str:
    if "香港" in text or re.search(r"(?i)hong\s?kong|kowloon", text):
        return "852"
    if "澳门" in text or re.search(r"(?i)maca[uo]", text):
        return "853"
    return ""


def _take_numbers(text: _Text, segments) -> tuple[str, list[str], bool]:
    """The phone number (a labelled one first, a mobile before a landline), the other
    numbers, and whether a masked number (138****5678) was all there was."""
    kinds = [(kind, start, end) for kind, start, end in segments]

    def kind_at(position: int) -> str:
        return next((kind for kind, start, end in kinds if start <= position < end), "")

    numbers = [number for number in find_numbers(text.read, local=_local_code(text.read))
               if kind_at(number.start) != SENDER]
    for number in numbers:
        text.blank(number.start, number.end)
    usable = [number for number in numbers if not number.masked]

    def preference(number: FoundNumber) -> tuple:
        return (kind_at(number.start) != PHONE, not number.mobile, not number.mainland,
                number.start)

    usable.sort(key=preference)
    phone = usable[0].number if usable else ""
    others = [number.number for number in usable[1:]]
    return phone, others, bool(numbers) and not usable


# --- tokens ----------------------------------------------------------------------------------

_EDGES = "-~·."  # 王芳-139…-浙江省…: dashes between the parts, not inside one (3-2-501)


def _trimmed(read: str, start: int, end: int) -> tuple[int, int]:
    """The token without separators at its edges, nor a bracket left open by a number taken
    out (（139…）浙江…)."""
    while start < end and (read[start] in _EDGES or read[start] == ")" or (
            read[start] == "(" and ")" not in read[start:end])):
        start += 1
    while start < end and (read[end - 1] in _EDGES or read[end - 1] == "(" or (
            read[end - 1] == ")" and "(" not in read[start:end])):
        end -= 1
    return start, end


def _tokens(text: _Text, segments) -> list[_Token]:
    tokens = []
    last_end = 0
    for index, (kind, start, end) in enumerate(segments):
        for match in _TOKEN.finditer(text.read, start, end):
            first, last = _trimmed(text.read, match.start(), match.end())
            if first == last:
                continue
            broken = not tokens or _BREAK in text.read[last_end:first]
            tokens.append(_Token(first, last, kind, index, broken))
            last_end = last
    return tokens


def _cleaned_name(text: str) -> str:
    """王五收 → 王五, 王五(收) → 王五; a leading or trailing bracket goes."""
    text = _NAME_TAIL.sub("", text.strip()).strip("()（）")
    return text


def _starts_with_surname(text: str) -> bool:
    return text.startswith(COMPOUND_SURNAMES) or text[:1] in SURNAMES


def name_score(text: str) -> int:
    """How much ``text`` looks like a person's name: 0 not at all, up to 4."""
    if not text or _is_chatter(text):
        return 0
    words = text.split()
    if all(_LATIN_WORD.match(word) for word in words):
        return 2 if len(text) >= 2 and len(words) <= 4 else 0
    if len(text) == 1:
        return 1 if text in SURNAMES else 0  # 刘 13800000000: only the surname
    if not _HAN_NAME.match(text) or _NOTE.match(text):
        return 0
    dotted = not text.isalpha()
    if text.endswith(_PLACE_ENDINGS) and not dotted:
        return 0
    if text.startswith(COMPOUND_SURNAMES) and len(text) > 4:
        return 0
    surname = _starts_with_surname(text)
    titled = surname and text.endswith(_TITLES)
    if text.endswith(_WEAK_PLACE_ENDINGS) and not dotted and not (surname and len(text) <= 3):
        return 0
    if region_strength(text) == 2:
        return 0
    return 1 + 2 * surname + titled + (len(text) <= 3 or dotted)


_NAME_IN_BRACKETS = re.compile(rf"\(([{_HAN}·]{{2,8}}?)收?\)$")


def _glued_name_at_end(street: str) -> int:
    """Where a name glued after the house number starts (…478号王芳, …A座1203王五收,
    …8号（段誉收）), or 0."""
    if (bracketed := _NAME_IN_BRACKETS.search(street)) and name_score(bracketed.group(1)):
        return bracketed.start()
    signed = street.endswith("收")
    body = street[:-1] if signed else street
    for length in (3, 2, 4):
        name, before = body[-length:], body[-length - 1:-length]
        if len(body) <= length or not _HAN_NAME.match(name) or any(
                char in _STREET_ENDS for char in name):
            continue
        after_number = before in _STREET_ENDS or before.isascii() and before.isalnum() \
            or before == ")"
        # …华星时代广场王芳: after a place only a name with a surname, of two or three.
        after_place = before in _PLACE_ENDINGS + _WEAK_PLACE_ENDINGS and length < 4
        if (after_number or after_place) and (
                signed and after_number or _starts_with_surname(name) and name_score(name)):
            return len(body) - length
    return 0


def _glued_name_split(text: str) -> int:
    """Where a name glued before a region ends (张三广东省… → 2), or 0."""
    for cut in range(2, min(7, len(text) - 1)):
        head = _cleaned_name(text[:cut])
        if name_score(head) and region_strength(text[cut:]) == 2:
            return cut
    return 0


# --- the parse -------------------------------------------------------------------------------

class _Reader:
    def __init__(self, pasted: str):
        self.text = _Text(pasted)
        self.parsed = ParsedAddress()
        self.notes: list[str] = []
        self.name_found = False
        self.tail_name: list[_Token] = []  # name-like tokens that ended the address
        self.place = Place()

    # The name --------------------------------------------------------------------------------

    def _set_name(self, token: _Token, start: int = 0, end: int | None = None) -> None:
        written = token.written(self.text)[start:end]
        self.parsed.name = _cleaned_name(written)
        self.name_found = True

    def _name_score(self, token: _Token) -> int:
        return name_score(_cleaned_name(token.read(self.text)))

    # Notes -----------------------------------------------------------------------------------

    def _is_note(self, token: _Token) -> bool:
        read = token.read(self.text).lstrip("(")
        return bool(_NOTE.match(read)) and not _is_chatter(read)

    def _add_note(self, written: str) -> None:
        written = written.strip(" ,，;；.。()")
        if written and written not in self.notes:
            self.notes.append(written)

    # Reading ---------------------------------------------------------------------------------

    def parse(self) -> ParsedAddress:
        text = self.text
        segments = _segments(text)
        phone, other_numbers, masked = _take_numbers(text, segments)
        self.parsed.phone = phone
        for pattern in (_STICKER, _POSTAL_CODE):
            for match in pattern.finditer(text.read):
                text.blank(match.start(), match.end(), " ")
        tokens = _tokens(text, segments)
        free, address = self._sort_labelled(tokens)
        # 所在地区 + 详细地址, or the run of tokens from the region on.
        address = self._labelled_address(address, free) if address else self._address_run(free)
        free = [token for token in free if token not in address]
        address = self._peel_tail(address)
        self._pick_name(free, address)
        self._read_address(address, free)
        for token in free:
            if self._is_note(token):
                self._add_note(token.written(text))
        self.notes += other_numbers
        self.parsed.note = "，".join(self.notes)
        self._report(masked)
        return self.parsed

    def _sort_labelled(self, tokens: list[_Token]) -> tuple[list[_Token], list[_Token]]:
        """Takes the labelled name and note; returns the free tokens and the labelled address."""
        free, address = [], []
        by_segment: dict[int, list[_Token]] = {}
        for token in tokens:
            by_segment.setdefault(token.segment, []).append(token)
        for segment in by_segment.values():
            kind = segment[0].kind
            if kind == SENDER:
                continue
            if kind == POSTAL and _DIGITS_ONLY.match(segment[0].read(self.text)) \
                    or kind == OTHER:
                segment = segment[1:]
            elif kind == NAME and not self.name_found:
                segment = self._take_labelled_name(segment)
            elif kind == NOTE:
                note = []
                while segment and not region_strength(segment[0].read(self.text)):
                    note.append(segment.pop(0))
                if not all(_is_chatter(token.read(self.text)) for token in note):  # 备注：无
                    for token in note:
                        self._add_note(token.written(self.text))
            (address if kind == ADDRESS else free).extend(segment)
        return free, address

    def _take_labelled_name(self, segment: list[_Token]) -> list[_Token]:
        """收货人：张三 (or 张三广东省…, Tom Lee): takes the name; returns the rest."""
        chatter = []
        while len(segment) > 1 and _is_chatter(segment[0].read(self.text)):
            chatter.append(segment.pop(0))  # 收货人：顾客 王芳
        first, rest = segment[0], segment[1:]
        read = first.read(self.text)
        if _LATIN_WORD.match(read):
            words = [first]
            while rest and _LATIN_WORD.match(rest[0].read(self.text)) and len(words) < 4 \
                    and not rest[0].broken:
                words.append(rest.pop(0))
            self.parsed.name = " ".join(word.written(self.text) for word in words)
            self.name_found = True
            return rest
        if cut := _glued_name_split(read):
            self._set_name(first, 0, cut)
            return [_Token(first.start + cut, first.end, "", first.segment, False), *rest]
        cleaned = _cleaned_name(read)
        if not cleaned or not _HAS_HAN.search(cleaned) or region_strength(cleaned) == 2 \
                or any(char.isdigit() for char in cleaned) or self._is_note(first):
            return segment
        self._set_name(first)
        return rest

    def _labelled_address(self, address: list[_Token], free: list[_Token]) -> list[_Token]:
        """The labelled address, from its region on (地址发你了：广东省…); a region written
        without a label before 详细地址 is its start."""
        strengths = [region_strength(token.read(self.text)) for token in address]
        if 2 in strengths:
            start = strengths.index(2)
            free.extend(address[:start])
            return address[start:]
        if not any(strengths) and (run := self._address_run(free)):
            return run + address
        return address

    def _address_run(self, free: list[_Token]) -> list[_Token]:
        """The tokens of an unlabelled address: from the first that starts with a region to the
        next break; a name glued before the region is split off."""
        strengths = []
        for index, token in enumerate(free):
            read = token.read(self.text)
            strength = region_strength(read)
            if not strength and (cut := _glued_name_split(read)):
                head = _Token(token.start, token.start + cut, "", token.segment, token.broken)
                free[index] = _Token(token.start + cut, token.end, "", token.segment, False)
                free.insert(index, head)
                return self._address_run(free)
            strengths.append(strength)
        start = next((i for i, strength in enumerate(strengths) if strength == 2), None)
        if start is None:
            start = next((i for i, strength in enumerate(strengths) if strength == 1 and (
                len(read_place(free[i].read(self.text)).street)
                or (i + 1 < len(free) and not free[i + 1].broken))), None)
        if start is None:
            return []
        # 广东 深圳市南山区…: a short province written apart still belongs to the address.
        while start and not free[start].broken and strengths[start - 1]:
            before = free[start - 1].read(self.text)
            if read_place(before + free[start].read(self.text)).end <= len(before):
                break
            start -= 1
        end = start + 1
        while end < len(free) and not free[end].broken:
            end += 1
        return free[start:end]

    def _peel_tail(self, address: list[_Token]) -> list[_Token]:
        """Takes a trailing note and chatter off the address tokens, and a trailing name-like
        token, kept aside in case no better name is found (then it goes back)."""
        address = list(address)
        while len(address) > 1:
            last = address[-1]
            read = last.read(self.text)
            if self._is_note(last):
                self.notes.insert(0, last.written(self.text).strip(" ,，()"))
            elif _is_chatter(read) or _cleaned_name(read) == "":
                pass
            elif not self.tail_name and not self.name_found and self._tail_name_score(last):
                self.tail_name = [last]
                while _TITLE_WORD.match(read) and len(address) > 2 and _TITLE_WORD.match(
                        address[-2].read(self.text)) and len(self.tail_name) < 3:
                    address.pop()
                    self.tail_name.insert(0, address[-1])  # Tom Lee
            else:
                break
            address.pop()
        return address

    def _tail_name_score(self, token: _Token) -> int:
        read = token.read(self.text)
        if _LATIN_WORD.match(read):  # after an address only Tom or Lee, not SOHO or T1
            return 2 if _TITLE_WORD.match(read) else 0
        return 0 if _DIGITS_ONLY.match(read) else self._name_score(token)

    def _pick_name(self, free: list[_Token], address: list[_Token]) -> None:
        """The most name-like of: a token outside the address, Latin words outside it, the
        name-like end of the address (which goes back to the address when not chosen)."""
        if self.name_found:
            return
        options = []  # (score, preference, tokens)
        scored = [(self._name_score(token), -index, token) for index, token in enumerate(free)
                  if not self._is_note(token) and self._name_score(token)]
        if scored:
            score, _index, token = max(scored)
            options.append((score, 3, [token]))
        if spaced := self._spaced_name(free):
            options.append((name_score("".join(t.read(self.text) for t in spaced)), 4, spaced))
        if latin := self._latin_names(free):
            options.append((2.5, 2, latin))
        if self.tail_name:
            options.append((max(map(self._tail_name_score, self.tail_name)), 1, self.tail_name))
        if not options:
            return
        _score, _preference, tokens = max(options, key=lambda option: option[:2])
        joiner = " " if _LATIN_WORD.match(tokens[0].read(self.text)) else ""
        self.parsed.name = _cleaned_name(joiner.join(token.written(self.text) for token in tokens))
        self.name_found = True
        for token in tokens:
            if token in free:
                free.remove(token)
        if self.tail_name and tokens is not self.tail_name:
            address.extend(self.tail_name)

    def _spaced_name(self, free: list[_Token]) -> list[_Token]:
        """王 芳, 欧阳 娜娜: a surname and a given name written apart."""
        for first, second in zip(free, free[1:], strict=False):
            surname, given = first.read(self.text), second.read(self.text)
            if (surname in SURNAMES or surname in COMPOUND_SURNAMES) and not second.broken \
                    and len(given) <= 2 and _HAN_NAME.match(surname + given) \
                    and self.text.read[first.end:second.start].isspace():
                return [first, second]
        return []

    def _latin_names(self, free: list[_Token]) -> list[_Token]:
        """Tom Lee: consecutive Latin words outside the address."""
        words = []
        for token in free:
            read = token.read(self.text)
            if _LATIN_WORD.match(read) and read.casefold() not in _label_kinds():
                if words and token.broken:
                    break
                words.append(token)
            elif words:
                break
        name = " ".join(word.read(self.text) for word in words)
        return words if name_score(name) and len(words) <= 4 else []

    # The address ---------------------------------------------------------------------------

    def _joined(self, tokens: list[_Token]) -> tuple[str, str]:
        """The tokens as one address (read, written); a space only between Latin words."""
        read, written = "", ""
        for token in tokens:
            piece = token.read(self.text)
            if read and read[-1].isascii() and read[-1].isalnum() and piece[0].isascii() \
                    and piece[0].isalnum():
                read += " "
                written += " "
            read += piece
            written += token.written(self.text)
        return read, written

    def _read_address(self, address: list[_Token], free: list[_Token]) -> None:
        parsed = self.parsed
        if not address:
            address = [token for token in free if self._looks_like_street(token)]
            for token in address:
                free.remove(token)
        if not address:
            return
        read, written = self._joined(address)
        if not _HAS_HAN.search(read):
            first, last = address[0], address[-1]
            parsed.street = self.text.written[first.start:last.end].strip(" ,")
            parsed.province = _english_region(parsed.street)
            return
        self.place = place = read_place(read, written)
        parsed.province, parsed.city, parsed.district = place.province, place.city, \
            place.district
        parsed.renamed = list(place.renamed)
        street_read = "".join(read[a:b] for a, b in place.spans)
        street = place.street
        if match := _GLUED_NOTE.search(street_read):
            self.notes.insert(0, street[match.start():].strip("()"))
            street_read, street = street_read[:match.start()], street[:match.start()]
        if not self.name_found and (cut := _glued_name_at_end(street_read)):
            parsed.name = _cleaned_name(street[cut:])
            self.name_found = True
            street = street[:cut]
        parsed.street = street.strip(" -—,，.。")

    def _looks_like_street(self, token: _Token) -> bool:
        read = token.read(self.text)
        return (not _is_chatter(read) and not self._is_note(token)
                and (any(char.isdigit() for char in read) or read.endswith(_PLACE_ENDINGS))
                and not _DIGITS_ONLY.match(read))

    # Problems ------------------------------------------------------------------------------

    def _report(self, masked: bool) -> None:
        parsed, place = self.parsed, self.place
        problems, notices = parsed.problems, parsed.notices
        if not parsed.name:
            problems.append(_("Could not find the recipient's name."))
        if not parsed.phone:
            problems.append(_("The mobile number is hidden (138****5678): please ask for the "
                              "whole number.") if masked else _("Could not find a mobile number."))
        if is_outside_mainland(parsed.province):
            problems.append(outside_mainland_message())
        else:
            self._report_region(place)
        if not parsed.street:
            problems.append(_("Could not find the street address."))
        for renamed in parsed.renamed:
            (problems if renamed.choices else notices).append(renamed_message(renamed))

    def _report_region(self, place: Place) -> None:
        parsed, problems = self.parsed, self.parsed.problems
        if place.ambiguous:
            problems.append(_("The place name fits several regions; please choose the province "
                              "and city."))
        if not parsed.province:
            problems.append(_("Could not tell the province."))
        elif not parsed.city:
            problems.append(_("Could not tell the city."))
        elif not parsed.district and districts(parsed.province, parsed.city):
            if place.zone:
                problems.append(_("“%(zone)s” is a development zone, not a district: please "
                                  "choose the district it lies in.") % {"zone": place.zone})
            elif not any(renamed.choices for renamed in parsed.renamed):
                problems.append(_("Could not tell the district or county."))


def _english_region(address: str) -> str:
    for pattern, province in _ENGLISH_PLACES:
        if pattern.search(address):
            return province
    return ""


_ENGLISH_PLACES = (
    (re.compile(r"(?i)\b(?:hong\s?kong|kowloon|new territories)\b"), "香港特别行政区"),
    (re.compile(r"(?i)\b(?:maca[uo]|taipa|coloane)\b"), "澳门特别行政区"),
    (re.compile(r"(?i)\b(?:taiwan|taipei|kaohsiung|taichung|tainan)\b"), "台湾省"),
)


def renamed_message(renamed: Renamed) -> str:
    if renamed.choices:
        return _("“%(written)s” was divided in %(year)s among %(choices)s: please choose the "
                 "district.") % {"written": renamed.written, "year": renamed.year,
                                 "choices": "、".join(renamed.choices)}
    if renamed.year:
        return _("“%(written)s” has been %(now)s since %(year)s: filled in as %(now)s.") % {
            "written": renamed.written, "now": renamed.now, "year": renamed.year}
    return _("“%(written)s” is now %(now)s: filled in as %(now)s.") % {
        "written": renamed.written, "now": renamed.now}


def with_delivery_note(note: str, delivery_note: str) -> str:
    """An order's note with the delivery note read from a paste added (once)."""
    note = (note or "").strip()
    if not delivery_note or delivery_note in note:
        return note
    return f"{note}；{delivery_note}" if note else delivery_note


def parse_address(text: str) -> ParsedAddress:
    """Name, phone, region, street and delivery note read from ``text`` as pasted."""
    return _Reader(text).parse()


def address_line(province: str, city: str, district: str, street: str) -> str:
    """The address on one line as a parcel label has it: 北京市朝阳区建国路88号, not
    北京市北京市… (a municipality is its own city, and is written once)."""
    return "".join((province, "" if city == province else city, district, street))

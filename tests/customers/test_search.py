"""One search box, typed the way Chinese users type: name, full pinyin, initials, last 4
digits, WeChat ID, tag. Polyphonic surnames are found by their surname reading and by the
everyday readings people type."""

import pytest

from weishang.customers import queries

pytestmark = pytest.mark.django_db

# (name, full pinyin, initials): the surname read as a surname, not as the everyday word.
NAMES = [
    ("单雄信", "shanxiongxin", "sxx"),
    ("曾国藩", "zengguofan", "zgf"),
    ("解缙", "xiejin", "xj"),
    ("仇英", "qiuying", "qy"),
    ("区志坚", "ouzhijian", "ozj"),
    ("朴志勋", "piaozhixun", "pzx"),
    ("查良镛", "zhaliangyong", "zly"),
    ("盖聂", "genie", "gn"),
    ("尉迟恭", "yuchigong", "ycg"),
    ("乐嘉", "yuejia", "yj"),
    ("缪可", "miaoke", "mk"),
    ("翟天临", "zhaitianlin", "ztl"),
    ("覃海洋", "qinhaiyang", "qhy"),
    ("万俟咏", "moqiyong", "mqy"),
    ("长孙无忌", "zhangsunwuji", "zswj"),
    ("欧阳修", "ouyangxiu", "oyx"),
    ("诸葛亮", "zhugeliang", "zgl"),
    ("张三", "zhangsan", "zs"),
    ("李四", "lisi", "ls"),
    ("王五", "wangwu", "ww"),
    ("赵丽颖", "zhaoliying", "zly"),
    ("刘德华", "liudehua", "ldh"),
    ("陈奕迅", "chenyixun", "cyx"),
    ("杨幂", "yangmi", "ym"),
    ("黄渤", "huangbo", "hb"),
    ("周杰伦", "zhoujielun", "zjl"),
    ("吴京", "wujing", "wj"),
    ("徐峥", "xuzheng", "xz"),
    ("孙俪", "sunli", "sl"),
    ("马云", "mayun", "my"),
    ("胡歌", "huge", "hg"),
    ("郭晶晶", "guojingjing", "gjj"),
    ("何炅", "hejiong", "hj"),
    ("沈腾", "shenteng", "st"),
    ("任正非", "renzhengfei", "rzf"),
    ("吕布", "lvbu", "lb"),
]


@pytest.fixture
def everyone(add_customer):
    return {name: add_customer(name=name, phone=f"1391234{index:04d}")
            for index, (name, _full, _initials) in enumerate(NAMES)}


def _found(text, customers=None):
    from weishang.customers.models import Customer

    return {customer.name for customer in queries.search(customers or Customer.objects.all(),
                                                         text)}


@pytest.mark.parametrize("name, full, initials", NAMES, ids=[entry[1] for entry in NAMES])
def test_found_by_full_pinyin_initials_and_name(everyone, name, full, initials):
    assert name in _found(full)
    assert name in _found(full.upper())
    assert name in _found(initials)
    assert name in _found(name)
    assert name in _found(name[:1])
    assert name in _found(full[:3])


def test_polyphonic_surnames_are_not_found_by_an_unrelated_reading(everyone):
    assert _found("chanxiong") == set() and _found("cxx") == set()
    assert _found("zg") == {"曾国藩", "诸葛亮"}


def test_the_everyday_reading_finds_them_too(everyone):
    assert _found("danxiong") == {"单雄信"}
    assert _found("cengguo") == {"曾国藩"}
    assert _found("dxx") == {"单雄信"}


# (the customer, a customer whose name starts with the same letters in its first reading,
# what is typed): the everyday reading of the surname finds the first whatever the second.
EVERYDAY_BESIDE_OTHERS = [
    ("单田芳", "丹妮", "dan"),
    ("单田芳", "丹妮", "dtf"),
    ("仇晓", "陈晓明", "cx"),
    ("仇晓", "陈晓明", "chou"),
    ("曾国藩", "岑参", "ceng"),
    ("曾国藩", "蔡国庆", "cg"),
    ("解缙", "揭晓", "jie"),
    ("查良镛", "柴静", "cha"),
    ("朴志勋", "蒲松龄", "pu"),
    ("区志坚", "屈原", "qu"),
    ("盖聂", "甘宁", "gai"),
    ("翟天临", "狄仁杰", "di"),
    ("覃海洋", "谭咏麟", "tan"),
    ("缪可", "牟其中", "mou"),
    ("乐嘉", "雷军", "le"),
    ("尉迟恭", "魏征", "wei"),
    ("尉迟恭", "魏长", "wc"),
    ("长孙无忌", "常遇春", "chang"),
    ("长孙无忌", "陈思", "cs"),
    ("万俟咏", "王强", "wq"),
    ("万俟咏", "万青", "wanq"),
    ("单于晴", "沈雨", "sy"),
]


@pytest.mark.parametrize("name, other, typed", EVERYDAY_BESIDE_OTHERS,
                         ids=[f"{typed}-{other}" for _name, other, typed in EVERYDAY_BESIDE_OTHERS])
def test_everyday_readings_find_the_name_whatever_other_customers_exist(
        add_customer, name, other, typed):
    add_customer(name=other, phone="13900000001")
    add_customer(name=name, phone="13900000002")
    assert name in _found(typed)


@pytest.mark.parametrize("name, typed", [
    ("长孙无忌", "changsun"), ("长孙无忌", "zhangsun"), ("长孙无忌", "cswj"),
    ("尉迟恭", "weichi"), ("尉迟恭", "yuchi"), ("尉迟恭", "wcg"),
    ("万俟咏", "wanqi"), ("万俟咏", "wansi"), ("万俟咏", "moqi"), ("万俟咏", "wqy"),
    ("澹台灭明", "dantai"), ("澹台灭明", "tantai"),
    ("单于晴", "danyu"), ("单于晴", "chanyu"), ("单于晴", "shanyu"),
    ("乐正子春", "lezheng"), ("乐正子春", "yuezheng"),
    ("欧阳修", "ouyang"), ("司马光", "sima"),
])
def test_compound_surnames_by_their_own_and_everyday_readings(add_customer, name, typed):
    add_customer(name=name, phone="13900000002")
    assert _found(typed) == {name}


def test_initials_find_every_name_that_shares_them(everyone):
    assert _found("zly") == {"查良镛", "赵丽颖"}
    assert _found("zs") == {"张三", "长孙无忌"}


def test_pinyin_typed_with_spaces(everyone):
    assert _found("zhang san") == {"张三"}
    assert _found("  Zhou Jie  ") == {"周杰伦"}


def test_last_four_digits_and_the_start_of_the_number(add_customer):
    add_customer(name="张三", phone="13812345678")
    add_customer(name="李四", phone="13900005678")
    add_customer(name="王五", phone="13900001234")
    assert _found("5678") == {"张三", "李四"}
    assert _found("1234") == {"王五"}
    assert _found("567") == {"张三", "李四"}
    assert _found("139 0000") == {"李四", "王五"}
    assert _found("13812345678") == {"张三"}
    assert _found("138-1234-5678") == {"张三"}
    assert _found("+86 138 1234 5678") == {"张三"}


def test_full_width_input_searches_like_half_width(add_customer, everyone):
    """A Chinese input method left in full-width mode types １２３４ and ＺＳ."""
    add_customer(name="王五", phone="13900001234")
    assert _found("１２３４") == {"王五"}
    assert _found("ＺＨＡＮＧ ＳＡＮ") == {"张三"}


def test_wechat_id_and_tag(add_customer):
    add_customer(name="张三", phone="13812345678", wechat_id="Zs_2024", tags="VIP 宝妈")
    add_customer(name="李四", phone="13900005678", tags="老客户")
    assert _found("Zs_20") == {"张三"}
    assert _found("宝妈") == {"张三"}
    assert _found("老") == {"李四"}
    assert _found("VIP") == {"张三"}


@pytest.mark.parametrize("typed", ["zs_2024", "ZS_2024", "zS_20", "Ｚｓ＿２０２４"])
def test_wechat_ids_match_in_any_case(add_customer, typed):
    add_customer(name="张三", phone="13812345678", wechat_id="Zs_2024")
    add_customer(name="李四", phone="13900005678", wechat_id="lisi88")
    assert _found(typed) == {"张三"}
    assert _found("LISI") == {"李四"}


def test_a_changed_wechat_id_is_found_by_the_new_one_only(owner, add_customer):
    from weishang.customers import services

    customer = add_customer(name="张三", phone="13812345678", wechat_id="Old_ID")
    services.update_customer(owner, customer, wechat_id="New_ID")
    assert _found("new_id") == {"张三"} and _found("old_id") == set()


def test_digits_find_a_wechat_id_that_starts_with_them(add_customer):
    add_customer(name="张三", phone="13812345678", wechat_id="2024ABC")
    assert _found("2024") == {"张三"}
    assert _found("2024abc") == {"张三"}


def test_erased_customers_are_not_found_by_their_old_data(owner, add_customer):
    from weishang.customers import services

    customer = add_customer(name="张三", phone="13812345678", tags="VIP")
    services.erase_customer(owner, customer)
    for text in ("张三", "zhangsan", "zs", "5678", "13812345678", "VIP"):
        assert not _found(text), text


def test_nothing_typed_finds_everyone_and_odd_input_finds_nothing(everyone):
    assert len(_found("")) == len(NAMES)
    assert len(_found("   ")) == len(NAMES)
    assert _found("%") == set() and _found("_") == set() and _found("'; drop") == set()
    assert _found("x" * 500) == set()


def test_search_stays_within_the_users_customers(owner, add_customer):
    from tests.factories import UserFactory

    agent = UserFactory(role="agent")
    add_customer(name="张三", phone="13812345678")
    add_customer(name="张伟", phone="13900001111", actor=agent)
    assert _found("zhang", queries.customers_for(agent)) == {"张伟"}
    assert _found("zhang", queries.customers_for(owner)) == {"张三", "张伟"}


def test_filters(add_customer, owner):
    from datetime import date
    from decimal import Decimal

    from weishang.customers.models import Customer

    a = add_customer(name="张三", phone="13812345678", tags="VIP", source_channel="chat")
    b = add_customer(name="李四", phone="13900001111", source_channel="shop")
    Customer.objects.filter(pk=a.pk).update(total_spent=Decimal("120.00"),
                                            last_order_at="2024-03-10T10:00:00+08:00")
    Customer.objects.filter(pk=b.pk).update(total_spent=Decimal("80.00"),
                                            last_order_at="2024-04-01T10:00:00+08:00")

    def names(**filters):
        return {c.name for c in queries.filter_customers(Customer.objects.all(), **filters)}

    assert names(tag="VIP") == {"张三"}
    assert names(channel="shop") == {"李四"}
    assert names(spent_min=Decimal("100")) == {"张三"}
    assert names(spent_max=Decimal("80")) == {"李四"}
    assert names(spent_min=Decimal("80"), spent_max=Decimal("120")) == {"张三", "李四"}
    assert names(last_order_from=date(2024, 3, 11)) == {"李四"}
    assert names(last_order_to=date(2024, 3, 10)) == {"张三"}


def test_search_keys_can_be_recomputed(add_customer, english):
    import io

    from django.core.management import call_command

    from weishang.customers.models import Customer

    customer = add_customer(name="单雄信", phone="13812345678")
    Customer.objects.filter(pk=customer.pk).update(name_pinyin="danxiongxin",
                                                   name_initials="dxx", name_pinyin_2="",
                                                   name_initials_2="", phone_last4="")
    out = io.StringIO()
    call_command("customerkeys", stdout=out)
    assert "Search keys updated for 1 customer." in out.getvalue()
    assert _found("sxx") == {"单雄信"} and _found("5678") == {"单雄信"}
    call_command("customerkeys", stdout=out)
    assert "updated for 0 customers" in out.getvalue()

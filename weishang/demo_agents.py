"""The demo shop's agents (代理): levels with their prices and a lawful upgrade rule, a small team
that sells, buys into cloud stock, earns, withdraws and holds certificates — so every agent page
of the owner's console, and the console of the agent whose login ``weishang demo`` prints, has
something to show.

Called by ``demo.ensure_demo_shop`` after the catalog, the orders and the library exist. Like
the rest of the demo it goes through the services only: when something happened in the past
(an agent who joined last year, an order completed two weeks ago) it is the services' ``now``
that says so, and an order's earlier steps are moved back with it (``demo_growth.move_back``).
"""

import io
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from weishang.accounts.models import Shop
from weishang.catalog.models import Product, Variant
from weishang.commissions.models import PayoutMethod
from weishang.commissions.services import rules as earnings_rules
from weishang.commissions.services import settlement, withdrawals
from weishang.demo_growth import move_back
from weishang.inventory.queries import with_stock
from weishang.marketing import services as marketing
from weishang.marketing.models import PostKind
from weishang.network import services as network
from weishang.network.agent import services as agent_services
from weishang.network.certificates import services as certificates
from weishang.network.models import Agent, AgentState, BindingMode, Combination, UpgradeMetric
from weishang.orders import services as orders
from weishang.orders.models import PurchaseDelivery
from weishang.orders.purchases import services as purchases

ENTRY, MIDDLE, TOP = (
    network.LevelData(rank=1, name="特约", discount_percent=Decimal("20"), may_invite=False),
    # Upgrades measure selling to customers and time only, never purchases or recruits (the
    # law's lines; the services refuse anything else).
    network.LevelData(rank=2, name="一级", discount_percent=Decimal("30"),
                      conditions={UpgradeMetric.RETAIL_SALES: 3000,
                                  UpgradeMetric.RETAIL_CUSTOMERS: 10}),
    network.LevelData(rank=3, name="总代", discount_percent=Decimal("40"),
                      combination=Combination.ANY,
                      conditions={UpgradeMetric.RETAIL_SALES: 50000,
                                  UpgradeMetric.MONTHS_ACTIVE: 24}),
)

PUER, LIPSTICK, SERUM, DRESS = ("云南古树普洱 熟茶饼 357g", "丝绒雾面口红 显白不拔干",
                                "烟酰胺亮肤精华液 淡化痘印", "法式碎花连衣裙 收腰显瘦 中长款")
TEE, BEEF_JERKY, BIB = ("纯棉短袖T恤 男女同款 宽松百搭", "麻辣牛肉干 手撕风干 四川特产",
                        "婴儿纯棉口水巾 6条装")


@dataclass(frozen=True)
class DemoAgent:
    name: str
    phone: str
    wechat_id: str
    region: str
    note: str
    #: The name of the agent whose invitation they joined with ("" for the owner's own link).
    invited_by: str = ""
    level: network.LevelData = ENTRY
    #: How long ago they were approved; None: their application is still waiting.
    joined_days_ago: int | None = 30
    suspended_because: str = ""


#: The agent who logs in with the printed password: the top of the tree, with every kind of data.
LOGIN_AGENT = DemoAgent("张丽华", "13957112288", "zhanglihua_hz", "浙江省 杭州市",
                        "做了五年美妆和茶叶，朋友圈有三千多位好友", level=TOP, joined_days_ago=420)
AGENTS = (
    LOGIN_AGENT,
    DemoAgent("王小燕", "13862215566", "xiaoyan_sz", "江苏省 苏州市", "宝妈，想带着孩子做点副业",
              invited_by="张丽华", level=MIDDLE, joined_days_ago=300),
    DemoAgent("李娜", "18628013344", "lina_cd", "四川省 成都市", "大学生，周末有空",
              invited_by="王小燕", joined_days_ago=45),
    DemoAgent("陈思思", "13710245577", "sisi_gz", "广东省 广州市", "开美甲店，店里顾客多",
              invited_by="张丽华", joined_days_ago=120,
              suspended_because="朋友圈宣传面膜“三天祛斑”，夸大功效，暂停整改"),
    DemoAgent("赵雪", "15116239988", "zhaoxue_cs", "湖南省 长沙市", "看到小燕的朋友圈，想试试",
              invited_by="王小燕", joined_days_ago=None),
)


@dataclass(frozen=True)
class AgentSale:
    seller: str
    recipient: orders.Recipient
    items: tuple[tuple[str, int], ...]
    #: None: paid and waiting to ship; otherwise completed this many days ago.
    completed_days_ago: int | None = None


SALES = (
    # Pending: paid today, one cake from the agent's cloud stock.
    AgentSale("张丽华", orders.Recipient("吴敏", "13588762211", "浙江省", "杭州市", "拱墅区",
                                         "湖墅南路186号新天地公寓2幢801"),
              items=((PUER, 1),)),
    # Frozen: completed two days ago, in the after-sales window.
    AgentSale("张丽华", orders.Recipient("郑晓红", "13777345612", "浙江省", "宁波市", "鄞州区",
                                         "天童南路588号宁波文化广场B座"),
              items=((LIPSTICK, 2),), completed_days_ago=2),
    # Available: completed two weeks ago, settled once the seven days passed.
    AgentSale("张丽华", orders.Recipient("冯雅琴", "18058117730", "浙江省", "杭州市", "滨江区",
                                         "江南大道3850号创新大厦12楼"),
              items=((PUER, 2), (LIPSTICK, 1)), completed_days_ago=15),
    # 苏州工业园区 is a development zone, not a district in the official divisions: the
    # checkout takes the district from the list and the zone stays in the street.
    AgentSale("王小燕", orders.Recipient("何佳", "13913578642", "江苏省", "苏州市", "吴中区",
                                         "苏州工业园区星湖街328号创意产业园6栋"),
              items=((DRESS, 1),)),
    AgentSale("王小燕", orders.Recipient("沈琳", "15262487301", "江苏省", "无锡市", "梁溪区",
                                         "人民中路123号"),
              items=((TEE, 3),), completed_days_ago=20),
    AgentSale("李娜", orders.Recipient("杨帆", "18780126655", "四川省", "成都市", "锦江区",
                                       "红星路三段1号IFS国际金融中心"),
              items=((BEEF_JERKY, 2),), completed_days_ago=3),
)

#: The login agent keeps tea cakes in cloud stock at their own price; the shop sends them out.
CLOUD_PURCHASE = (PUER, 20)
PUER_TOP_PRICE, PUER_TOP_MINIMUM = Decimal("150.00"), 5
PAID_WITHDRAWAL = Decimal("300.00")
REQUESTED_WITHDRAWAL = Decimal("150.00")
SEAL_SIZE = 360


def load(owner, *, login_password: str) -> None:
    """Levels, rules and a team of agents for the demo shop's owner; ``LOGIN_AGENT`` logs in
    with ``login_password``."""
    now = timezone.now()
    levels = _set_up_levels(owner)
    _set_rules(owner)
    agents = _build_team(owner, levels, now, login_password)
    top = agents[LOGIN_AGENT.name]
    _buy_into_cloud_stock(owner, top)
    agent_services.hide_product(top, Product.objects.get(title=BIB).public_id)
    for sale in SALES:
        _sell(owner, agents[sale.seller], sale, now)
    settlement.settle(now=now)
    _withdraw(owner, top)
    _share_with_senior_agents(owner, levels[MIDDLE.name])


def _best_stocked(title: str) -> Variant:
    """The product's variant with the most units in the warehouse."""
    return with_stock(Variant.objects.filter(product__title=title, is_active=True)).order_by(
        "-quantity", "position").first()


# -- Levels and rules --------------------------------------------------------------------------

def _set_up_levels(owner) -> dict:
    levels = {data.name: network.save_level(owner, data) for data in (ENTRY, MIDDLE, TOP)}
    network.set_variant_rule(owner, levels[TOP.name], _best_stocked(PUER), price=PUER_TOP_PRICE,
                             min_per_order=PUER_TOP_MINIMUM, max_per_order=50, max_per_month=100)
    network.set_variant_rule(owner, levels[ENTRY.name], _best_stocked(SERUM), max_per_month=20)
    return levels


def _set_rules(owner) -> None:
    network.update_settings(owner, binding_mode=BindingMode.FIRST, binding_days=None,
                            auto_approve=False, buyback_percent=Decimal(90))
    # Paying uplines on their team's sales is 团队计酬 (禁止传销条例 Art. 7): the upline
    # commission is off by default, and the demo leaves it off.
    earnings_rules.update_commission_settings(owner, upline_enabled=False)
    certificates.set_seal(owner, _seal())


def _seal() -> SimpleUploadedFile:
    """A red round stamp with a star, on a transparent background."""
    picture = Image.new("RGBA", (SEAL_SIZE, SEAL_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    red = (200, 22, 29, 220)
    draw.ellipse((12, 12, SEAL_SIZE - 12, SEAL_SIZE - 12), outline=red, width=18)
    centre, outer, inner = SEAL_SIZE / 2, SEAL_SIZE * 0.2, SEAL_SIZE * 0.08
    star = []
    for point in range(10):
        radius = outer if point % 2 == 0 else inner
        angle = math.radians(36 * point)
        star.append((centre + radius * math.sin(angle), centre - radius * math.cos(angle)))
    draw.polygon(star, fill=red)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("seal.png", buffer.getvalue(), content_type="image/png")


# -- The team ----------------------------------------------------------------------------------

def _build_team(owner, levels: dict, now, login_password: str) -> dict[str, Agent]:
    """Each agent applies (through their inviter's link) in the list's order, so an inviter is
    active at their level before anyone joins with their code."""
    agents = {}
    for person in AGENTS:
        inviter = agents.get(person.invited_by)
        password = login_password if person is LOGIN_AGENT else _unused_password()
        agent = network.apply(
            network.Application(name=person.name, phone=person.phone, password=password,
                                wechat_id=person.wechat_id, region=person.region,
                                note=person.note),
            code=inviter.code if inviter else None)
        if person.joined_days_ago is not None:
            joined = now - timedelta(days=person.joined_days_ago)
            agent = network.approve(owner, agent, now=joined)
            if person.level is not ENTRY:
                agent = network.set_level(owner, agent, levels[person.level.name],
                                          note="业绩稳定，升级", now=joined + timedelta(days=60))
            if person.suspended_because:
                agent = network.change_state(owner, agent, AgentState.SUSPENDED,
                                             person.suspended_because)
        agents[person.name] = agent
    return agents


def _unused_password() -> str:
    """Only the login agent's password is printed; the others sign in after a reset."""
    return secrets.token_urlsafe(12)


# -- Buying, selling, earning ------------------------------------------------------------------

def _buy_into_cloud_stock(owner, agent: Agent) -> None:
    title, quantity = CLOUD_PURCHASE
    purchase = purchases.place_purchase(
        user=agent.user, lines=[orders.CartLine(_best_stocked(title).public_id, quantity)],
        delivery=PurchaseDelivery.CLOUD)
    orders.confirm_payment(purchase, actor=owner, reference="微信转账 进货款")


def _sell(owner, agent: Agent, sale: AgentSale, now) -> None:
    order = orders.place_order(
        shop=Shop.objects.get(seller=agent.user), recipient=sale.recipient,
        lines=[orders.CartLine(_best_stocked(title).public_id, quantity)
               for title, quantity in sale.items])
    order = orders.confirm_payment(order, actor=owner, reference="微信转账")
    if sale.completed_days_ago is None:
        return
    order = orders.ship_order(order, actor=owner, carrier="SF",
                              tracking_number=f"SF14{order.pk:011d}")
    completed = now - timedelta(days=sale.completed_days_ago)
    # Placed, paid and shipped three days before it arrived.
    move_back(order, now - completed + timedelta(days=3))
    orders.complete_order(order, actor=owner, now=completed)


def _withdraw(owner, agent: Agent) -> None:
    """One withdrawal the owner paid by WeChat transfer, and one they have still to look at."""
    paid, _waiting = (
        withdrawals.request_withdrawal(agent, amount=amount, method=PayoutMethod.WECHAT,
                                       account=agent.wechat_id, account_name=agent.name,
                                       request_key=f"demo-withdrawal-{number}")
        for number, amount in enumerate((PAID_WITHDRAWAL, REQUESTED_WITHDRAWAL)))
    withdrawals.approve(paid, actor=owner)
    withdrawals.mark_paid(paid, actor=owner, reference="微信转账 1000050001202611280012345678")


# -- Content by level --------------------------------------------------------------------------

def _share_with_senior_agents(owner, level) -> None:
    """A library post only agents from ``level`` up see and share."""
    post = marketing.create_post(
        owner, title="一级以上代理：新品内部价与发圈节奏", kind=PostKind.KNOWLEDGE,
        body=f"各位一级、总代伙伴：\n1. 普洱新品到货，总代进货价 {PUER_TOP_PRICE} 元/饼，"
             f"每单 {PUER_TOP_MINIMUM} 饼起\n2. 每天发圈不超过 3 条，产品、买家秀、生活穿插着发\n"
             "3. 不夸大功效，不承诺疗效，截图要打码\n有问题随时在群里问👍",
        hashtags=("代理培训",), min_level=level)
    marketing.set_published(owner, post, True)

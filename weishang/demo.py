"""The demo shop that ``weishang demo`` loads into an empty database.

Everything is created through the services of accounts, catalog, inventory and orders, exactly
as an owner (or a customer) would from the pages, so the demo also shows that those paths work
together.
"""

import io
import math
import random
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageOps

from weishang import demo_agents, demo_growth
from weishang.accounts import services as accounts
from weishang.accounts.models import Role, User
from weishang.catalog import services as catalog
from weishang.catalog.models import Variant
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.inventory.queries import with_stock
from weishang.orders import services as orders
from weishang.orders.models import OrderChannel, OrderState

OWNER_USERNAME = "owner"
OWNER_PHONE = "13800000000"
LOGIN_FILE_NAME = "demo-login.txt"
IMAGE_SIZE = 800
LOW_STOCK_THRESHOLD = 5


@dataclass(frozen=True)
class Login:
    username: str
    phone: str
    # None when the owner was not created by this demo's first run (or its file was removed).
    password: str | None


@dataclass(frozen=True)
class DemoProduct:
    title: str
    category: tuple[str, str]
    selling_points: tuple[str, ...]
    description: str
    price: Decimal
    market_price: Decimal | None
    motif: str
    colours: tuple[str, str]
    specs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Added to the price (and the market price) of every variant with that spec value.
    surcharges: dict[str, Decimal] = field(default_factory=dict)
    # How many days one unit lasts (consumables), for repurchase reminders.
    usage_days: int | None = None


CATEGORIES = {
    "服装": ("T恤", "卫衣", "连衣裙", "裤装"),
    "美妆护肤": ("面膜", "精华", "彩妆"),
    "食品茶饮": ("茶叶", "零食", "坚果"),
    "母婴": ("婴儿用品",),
}

SIZES = ("S", "M", "L", "XL")

PRODUCTS = (
    DemoProduct(
        title="纯棉短袖T恤 男女同款 宽松百搭", category=("服装", "T恤"),
        selling_points=("新疆长绒棉，亲肤透气", "微宽松版型，男女同穿", "多次洗涤不变形"),
        description="<p>选用 <strong>180g 新疆长绒棉</strong>，手感柔软，夏天穿也不闷。</p>"
                    "<ul><li>领口双针加固，不易松垮</li><li>建议冷水机洗，反面晾晒</li></ul>",
        price=Decimal("59.00"), market_price=Decimal("99.00"), motif="tee",
        colours=("#f6f1e9", "#c9d8e8"),
        specs=(("颜色", ("白色", "黑色", "雾霾蓝")), ("尺码", SIZES)),
        surcharges={"XL": Decimal("5.00")},
    ),
    DemoProduct(
        title="加绒连帽卫衣 秋冬保暖 情侣款", category=("服装", "卫衣"),
        selling_points=("内里加绒，暖而不厚", "落肩宽松，遮肉显瘦"),
        description="<p>秋冬必备的百搭卫衣，<em>内里磨毛加绒</em>，单穿或叠穿都好看。</p>",
        price=Decimal("129.00"), market_price=Decimal("199.00"), motif="tee",
        colours=("#efe6da", "#b7a58e"),
        specs=(("颜色", ("燕麦色", "炭灰")), ("尺码", ("M", "L", "XL"))),
    ),
    DemoProduct(
        title="法式碎花连衣裙 收腰显瘦 中长款", category=("服装", "连衣裙"),
        selling_points=("雪纺面料，垂感好", "V领收腰，显高显瘦", "带内衬不透"),
        description="<p>春夏约会、出游都合适的法式碎花裙，腰部松紧设计，不挑身材。</p>",
        price=Decimal("169.00"), market_price=Decimal("259.00"), motif="dress",
        colours=("#fbe3e8", "#f6c1cc"),
        specs=(("颜色", ("蓝色碎花", "黄色碎花")), ("尺码", ("S", "M", "L"))),
    ),
    DemoProduct(
        title="冰丝阔腿裤 高腰垂感 夏季薄款", category=("服装", "裤装"),
        selling_points=("冰丝面料，凉感透气", "高腰设计，拉长腿型"),
        description="<p>上身凉爽不贴腿，通勤休闲两相宜。</p>",
        price=Decimal("79.00"), market_price=Decimal("129.00"), motif="dress",
        colours=("#e9ecef", "#9aa5b1"),
        specs=(("颜色", ("黑色", "卡其色")), ("尺码", SIZES)),
    ),
    DemoProduct(
        title="玻尿酸补水面膜 深层保湿", category=("美妆护肤", "面膜"),
        selling_points=("每片 25ml 精华液", "敏感肌可用", "天丝膜布，服帖不滴液"),
        description="<p>熬夜后来一片，<strong>15 分钟</strong>喝饱水。</p>"
                    "<p>用法：洁面后敷 15–20 分钟，轻拍至吸收，无需清洗。</p>",
        price=Decimal("69.00"), market_price=Decimal("99.00"), motif="bottle",
        colours=("#e3f2fd", "#b3d4f5"),
        specs=(("规格", ("10片/盒", "30片/3盒")),),
        surcharges={"30片/3盒": Decimal("120.00")},
        usage_days=30,
    ),
    DemoProduct(
        title="烟酰胺亮肤精华液 淡化痘印", category=("美妆护肤", "精华"),
        selling_points=("5% 烟酰胺", "质地清爽好吸收"),
        description="<p>早晚洁面后取 2–3 滴，轻按全脸。初次使用建议先在耳后试用。</p>",
        price=Decimal("139.00"), market_price=Decimal("199.00"), motif="bottle",
        colours=("#fff4e0", "#f3cf8a"),
        specs=(("规格", ("30ml", "50ml")),),
        surcharges={"50ml": Decimal("70.00")},
    ),
    DemoProduct(
        title="丝绒雾面口红 显白不拔干", category=("美妆护肤", "彩妆"),
        selling_points=("丝绒质地，一抹显色", "持久不沾杯"),
        description="<p>四个日常色号，黄皮也能放心涂。</p>",
        price=Decimal("89.00"), market_price=Decimal("129.00"), motif="lipstick",
        colours=("#fde8e8", "#e8a0a8"),
        specs=(("色号", ("#01 正红", "#02 豆沙", "#03 枫叶红", "#04 奶茶")),),
    ),
    DemoProduct(
        title="武夷山大红袍 岩茶 传统炭焙", category=("食品茶饮", "茶叶"),
        selling_points=("核心产区原料", "传统炭焙，岩韵明显", "耐泡 7 泡以上"),
        description="<p>沸水冲泡，第一泡洗茶，之后每泡 10–15 秒出汤。</p>"
                    "<p>储存：密封、避光、防潮。</p>",
        price=Decimal("98.00"), market_price=Decimal("158.00"), motif="tea",
        colours=("#eef3e2", "#b9c99a"),
        specs=(("规格", ("125g 罐装", "250g 礼盒")),),
        surcharges={"250g 礼盒": Decimal("90.00")},
        usage_days=30,
    ),
    DemoProduct(
        title="云南古树普洱 熟茶饼 357g", category=("食品茶饮", "茶叶"),
        selling_points=("勐海古树料", "汤色红浓，陈香顺滑"),
        description="<p>一饼 357 克，适合日常口粮或收藏。</p>",
        price=Decimal("268.00"), market_price=Decimal("368.00"), motif="tea",
        colours=("#f3e9dc", "#c59d72"),
        usage_days=60,
    ),
    DemoProduct(
        title="手工牛轧糖 不粘牙 办公室零食", category=("食品茶饮", "零食"),
        selling_points=("新西兰奶粉，奶香浓", "少糖配方", "独立小包装"),
        description="<p>每天现做，坚果满满，送人自吃都合适。</p>",
        price=Decimal("32.00"), market_price=Decimal("45.00"), motif="box",
        colours=("#fff8e1", "#ffd59e"),
        specs=(("口味", ("原味", "抹茶", "蔓越莓")), ("规格", ("250g", "500g"))),
        surcharges={"500g": Decimal("26.00"), "抹茶": Decimal("3.00")},
    ),
    DemoProduct(
        title="麻辣牛肉干 手撕风干 四川特产", category=("食品茶饮", "零食"),
        selling_points=("内蒙古黄牛肉", "越嚼越香"),
        description="<p>追剧、露营、加班的好伙伴。开袋即食。</p>",
        price=Decimal("39.90"), market_price=Decimal("59.00"), motif="box",
        colours=("#fdecea", "#f0a58f"),
        specs=(("口味", ("五香", "麻辣", "孜然")),),
    ),
    DemoProduct(
        title="每日坚果 混合果仁 独立小袋", category=("食品茶饮", "坚果"),
        selling_points=("6 种坚果果干科学配比", "每袋 25g，刚刚好"),
        description="<p>早餐配一袋，营养又方便。</p>",
        price=Decimal("59.00"), market_price=Decimal("89.00"), motif="box",
        colours=("#f1f8e9", "#c5e1a5"),
        specs=(("规格", ("7袋/盒", "30袋/箱")),),
        surcharges={"30袋/箱": Decimal("140.00")},
        usage_days=7,  # the first pack size: a bag a day
    ),
    DemoProduct(
        title="婴儿纯棉口水巾 6条装", category=("母婴", "婴儿用品"),
        selling_points=("A 类纱布，宝宝贴身可用", "越洗越软"),
        description="<p>六层纱布，吸水快干，出门备几条很方便。</p>",
        price=Decimal("35.00"), market_price=Decimal("49.00"), motif="tee",
        colours=("#e8f5e9", "#bfe3c6"),
    ),
    DemoProduct(
        title="儿童防晒渔夫帽 大帽檐", category=("母婴", "婴儿用品"),
        selling_points=("UPF50+ 防晒面料", "可调节帽围"),
        description="<p>夏天出门遛娃必备，折叠不怕压。</p>",
        price=Decimal("45.00"), market_price=None, motif="hat",
        colours=("#fffde7", "#ffe082"),
        specs=(("颜色", ("鹅黄", "天蓝")), ("尺码", ("S（1-3岁）", "M（3-6岁）"))),
    ),
)


PAYMENT_INSTRUCTIONS = (
    "请用微信或支付宝转账，付款时备注订单号。\n"
    "付款后把截图发给我，确认收款后当天安排发货。"
)
# A day to pay: customers of a 微商 often pay in the evening, after chatting.
UNPAID_EXPIRY_MINUTES = 24 * 60
SHIPPING_FEE = Decimal("10.00")
FREE_SHIPPING_FROM = Decimal("99.00")
REGION_FEES = (("新疆维吾尔自治区", Decimal("20.00"), None),)


@dataclass(frozen=True)
class DemoOrder:
    recipient: orders.Recipient
    #: (product title, quantity): the first variant of the product with that much stock.
    items: tuple[tuple[str, int], ...]
    #: The state the order is moved to after it is placed (through the allowed steps).
    state: str
    channel: str = OrderChannel.SHOP
    carrier: str = ""
    tracking_number: str = ""


TEE, SWEATSHIRT, MASK, LIPSTICK, OOLONG, NOUGAT, BEEF_JERKY, NUTS, BIB = (
    PRODUCTS[index].title for index in (0, 1, 4, 6, 7, 9, 10, 11, 12)
)

ORDERS = (
    DemoOrder(orders.Recipient("王芳", "13912345678", "广东省", "深圳市", "南山区",
                               "粤海街道科技园南区8栋1203", "工作日白天家里没人，请放快递柜"),
              items=((TEE, 2), (NOUGAT, 1)), state=OrderState.PENDING_PAYMENT),
    DemoOrder(orders.Recipient("陈静", "13698765432", "浙江省", "杭州市", "西湖区",
                               "文三路90号东部软件园3号楼"),
              items=((MASK, 1), (LIPSTICK, 1)), state=OrderState.PAID),
    DemoOrder(orders.Recipient("刘洋", "18611112222", "北京市", "北京市", "朝阳区",
                               "望京街道阜通东大街6号院2号楼"),
              items=((OOLONG, 1),), state=OrderState.SHIPPED,
              carrier="SF", tracking_number="SF1402968357201"),
    DemoOrder(orders.Recipient("赵敏", "15087654321", "四川省", "成都市", "武侯区",
                               "天府大道北段1700号环球中心E1区"),
              items=((BEEF_JERKY, 3), (NUTS, 1)), state=OrderState.COMPLETED,
              channel=OrderChannel.CHAT, carrier="ZTO", tracking_number="75312345678901"),
    DemoOrder(orders.Recipient("孙丽", "13755556666", "江苏省", "南京市", "鼓楼区",
                               "中山北路30号城市名人酒店对面小区5栋"),
              items=((BIB, 2),), state=OrderState.CANCELLED),
    DemoOrder(orders.Recipient("阿依古丽", "18999001234", "新疆维吾尔自治区", "乌鲁木齐市",
                               "天山区", "解放北路88号", "麻烦发顺丰，谢谢"),
              items=((SWEATSHIRT, 1),), state=OrderState.PENDING_PAYMENT,
              channel=OrderChannel.CHAT),
)


def login_file():
    return settings.DATA_DIR / LOGIN_FILE_NAME


def ensure_demo_shop(progress: Callable[[str], None] = lambda step: None) -> Login:
    """Load the demo shop into a database without an owner; otherwise change nothing.
    ``progress`` is told each step of the loading, which takes a while.

    Returns the owner's login: the saved one when the demo created the owner earlier. The
    demo agent's is ``agent_login()``.
    """
    owner = User.objects.filter(role=Role.OWNER).first()
    if owner is not None:
        return _saved_login(owner)
    password, agent_password = _new_password(), _new_password()
    progress("Creating the demo shop (once, it takes about half a minute):")
    with transaction.atomic():
        progress("  the owner, products, pictures and stock")
        owner = accounts.create_owner(
            username=OWNER_USERNAME, phone=OWNER_PHONE, password=password, display_name="演示店主"
        )
        _load_catalog(owner)
        progress("  the selling rules and orders in every state")
        _set_selling_rules(owner)
        _place_orders(owner)
        progress("  customers, library posts and a posting plan")
        demo_growth.load(owner)
        progress("  agents, their cloud stock, earnings and certificates")
        demo_agents.load(owner, login_password=agent_password)
    login = Login(username=owner.username, phone=owner.phone, password=password)
    _save_login(login, agent_password)
    return login


def agent_login() -> Login | None:
    """The login of the demo's agent (``demo_agents.LOGIN_AGENT``), the password as saved when
    the demo created them; None when the demo made no agent."""
    phone = demo_agents.LOGIN_AGENT.phone
    if not User.objects.filter(username=phone, agent__isnull=False).exists():
        return None
    return Login(username=phone, phone=phone, password=_saved().get("agent password"))


def _new_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _save_login(login: Login, agent_password: str) -> None:
    path = login_file()
    path.write_text(
        f"username: {login.username}\nphone: {login.phone}\npassword: {login.password}\n"
        f"agent phone: {demo_agents.LOGIN_AGENT.phone}\nagent password: {agent_password}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)


def _saved() -> dict[str, str]:
    """What the login file says, by label ({} without the file)."""
    path = login_file()
    if not path.exists():
        return {}
    return dict(line.split(": ", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if ": " in line)


def _saved_login(owner: User) -> Login:
    saved = _saved()
    password = saved.get("password") if saved.get("username") == owner.username else None
    return Login(username=owner.username, phone=owner.phone or "", password=password)


def _load_catalog(owner: User) -> None:
    categories = {}
    for position, (top_name, children) in enumerate(CATEGORIES.items()):
        top = catalog.create_category(name=top_name, position=position)
        for child_position, child_name in enumerate(children):
            categories[top_name, child_name] = catalog.create_category(
                name=child_name, parent=top, position=child_position
            )
    # One generator for images and stock, so every demo shop looks the same. The shop lists
    # the newest product first: create the list backwards to show it in its own order.
    rng = random.Random(2026)
    for number, item in reversed(list(enumerate(PRODUCTS))):
        product = catalog.create_product(
            title=item.title,
            selling_points="\n".join(item.selling_points),
            description=item.description,
            category=categories[item.category],
            usage_days=item.usage_days,
            specs=[{"name": name, "values": list(values)} for name, values in item.specs],
            variants=_variant_data(item),
            actor=owner,
        )
        catalog.add_images(product, [
            _picture(item, rng, number, variation) for variation in range(2 + number % 2)
        ])
        catalog.set_on_shelf(product, True)
        for variant in product.variants.filter(is_active=True).order_by("position"):
            _stock(variant, rng, owner)


def _set_selling_rules(owner: User) -> None:
    orders.update_shop_settings(
        owner, payment_instructions=PAYMENT_INSTRUCTIONS, shipping_fee=SHIPPING_FEE,
        free_shipping_above=FREE_SHIPPING_FROM, unpaid_expiry_minutes=UNPAID_EXPIRY_MINUTES,
    )
    orders.set_region_fees(owner, REGION_FEES)


def _place_orders(owner: User) -> None:
    shop = accounts.owner_shop()
    for demo_order in ORDERS:
        order = orders.place_order(
            shop=shop,
            lines=[orders.CartLine(_variant_in_stock(title, quantity).public_id, quantity)
                   for title, quantity in demo_order.items],
            recipient=demo_order.recipient,
            # The owner enters an order taken in chat; the customer places one in the shop.
            actor=owner if demo_order.channel == OrderChannel.CHAT else None,
            channel=demo_order.channel,
        )
        _move_on(order, demo_order, owner)


def _move_on(order, demo_order: DemoOrder, owner: User) -> None:
    """Take the order through the steps an owner would to reach ``demo_order.state``."""
    if demo_order.state == OrderState.CANCELLED:
        orders.cancel_order(order, actor=None, by_customer=True, note="拍错了，重新下单")
        return
    if demo_order.state == OrderState.PENDING_PAYMENT:
        return
    order = orders.confirm_payment(order, actor=owner, reference="微信转账")
    if demo_order.state == OrderState.PAID:
        return
    order = orders.ship_order(order, actor=owner, carrier=demo_order.carrier,
                              tracking_number=demo_order.tracking_number)
    if demo_order.state == OrderState.COMPLETED:
        orders.complete_order(order, actor=owner)


def _variant_in_stock(title: str, quantity: int) -> Variant:
    variants = Variant.objects.filter(product__title=title, is_active=True)
    variant = with_stock(variants).filter(quantity__gte=quantity).order_by("position").first()
    if variant is None:  # the stock is drawn from a seeded generator: only an edit gets here
        raise LookupError(f"no variant of {title} has {quantity} in stock")
    return variant


def _variant_data(item: DemoProduct) -> list:
    names = [name for name, _values in item.specs]
    data = []
    for combination in catalog.combinations(
        [{"name": name, "values": list(values)} for name, values in item.specs]
    ):
        surcharge = sum((item.surcharges.get(value, Decimal(0)) for value in combination),
                        Decimal(0))
        data.append(catalog.VariantData(
            spec_values=dict(zip(names, combination, strict=True)),
            retail_price=item.price + surcharge,
            market_price=item.market_price + surcharge if item.market_price else None,
            weight_grams=300,
        ))
    return data


def _stock(variant, rng: random.Random, owner: User) -> None:
    """Most variants in stock, about one in six low and one in eight sold out."""
    roll = rng.random()
    if roll < 0.125:
        quantity = 0
    elif roll < 0.3:
        quantity = rng.randint(1, LOW_STOCK_THRESHOLD)
    else:
        quantity = rng.randrange(20, 200, 5)
    inventory.set_low_stock_threshold(variant, LOW_STOCK_THRESHOLD, actor=owner)
    if quantity:
        inventory.adjust_stock(variant=variant, delta=quantity, reason=MovementReason.INITIAL,
                               actor=owner, note="演示数据")


# ---------------------------------------------------------------------------------------------
# Product pictures: a soft gradient and a simple shape, 800 × 800 JPEG, no text.


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _picture(item: DemoProduct, rng: random.Random, number: int, variation: int):
    light, deep = _rgb(item.colours[0]), _rgb(item.colours[1])
    gradient = Image.linear_gradient("L").rotate(45 * (variation + number)).resize(
        (IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR
    )
    picture = ImageOps.colorize(gradient, light, deep).convert("RGBA")
    overlay = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(6):  # soft bubbles
        radius = rng.randint(40, 160)
        x, y = rng.randint(0, IMAGE_SIZE), rng.randint(0, IMAGE_SIZE)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, 60))
    shade = tuple(max(channel - 70, 0) for channel in deep) + (235,)
    MOTIFS[item.motif](draw, scale=1.0 - 0.15 * variation, fill=shade)
    picture = Image.alpha_composite(picture, overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"demo-{number}-{variation}.jpg", buffer.getvalue(),
                              content_type="image/jpeg")


def _points(scale: float, points) -> list[tuple[float, float]]:
    """Shape points given on a 0..100 grid, scaled about the picture's centre."""
    unit = IMAGE_SIZE / 100
    return [(IMAGE_SIZE / 2 + (x - 50) * unit * scale, IMAGE_SIZE / 2 + (y - 50) * unit * scale)
            for x, y in points]


def _tee(draw, scale, fill):
    draw.polygon(_points(scale, [(35, 22), (43, 20), (50, 26), (57, 20), (65, 22), (82, 36),
                                 (74, 46), (67, 41), (67, 80), (33, 80), (33, 41), (26, 46),
                                 (18, 36)]), fill=fill)


def _dress(draw, scale, fill):
    draw.polygon(_points(scale, [(42, 18), (58, 18), (60, 40), (76, 82), (24, 82), (40, 40)]),
                 fill=fill)


def _bottle(draw, scale, fill):
    draw.rounded_rectangle(_points(scale, [(36, 34), (64, 82)]), radius=40 * scale, fill=fill)
    draw.rectangle(_points(scale, [(44, 20), (56, 34)]), fill=fill)


def _lipstick(draw, scale, fill):
    draw.rectangle(_points(scale, [(40, 48), (60, 84)]), fill=fill)
    draw.polygon(_points(scale, [(43, 48), (43, 26), (57, 18), (57, 48)]), fill=fill)


def _tea(draw, scale, fill):
    for step in range(3):
        inset = 14 + step * 10
        draw.ellipse(_points(scale, [(inset, inset), (100 - inset, 100 - inset)]),
                     outline=fill, width=max(int(14 * scale), 4))
    leaf = [(50 + 14 * math.cos(angle / 10), 50 + 22 * math.sin(angle / 10) * math.cos(angle / 20))
            for angle in range(0, 63)]
    draw.polygon(_points(scale, leaf), fill=fill)


def _box(draw, scale, fill):
    draw.rectangle(_points(scale, [(24, 38), (76, 80)]), fill=fill)
    draw.rectangle(_points(scale, [(20, 30), (80, 40)]), fill=fill)
    draw.rectangle(_points(scale, [(47, 30), (53, 80)]), fill=(255, 255, 255, 170))


def _hat(draw, scale, fill):
    draw.ellipse(_points(scale, [(16, 56), (84, 72)]), fill=fill)
    draw.chord(_points(scale, [(30, 30), (70, 90)]), start=180, end=360, fill=fill)


MOTIFS = {"tee": _tee, "dress": _dress, "bottle": _bottle, "lipstick": _lipstick, "tea": _tea,
          "box": _box, "hat": _hat}

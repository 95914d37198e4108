"""The demo shop's customer care and marketing: who to contact today, posts to share, a click
that sold something and a posting plan — so every page of those areas has something to show.

Called by ``demo.ensure_demo_shop`` after the catalog and the orders exist. Like the rest of the
demo it goes through the services; only the history is moved back in time (an order "bought
27 days ago"), which no page can do.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product
from weishang.customers import services as customers
from weishang.customers.care import services as care
from weishang.customers.models import Customer
from weishang.marketing import services as marketing
from weishang.marketing.links import attribution
from weishang.marketing.links import services as links
from weishang.marketing.models import Channel, PostKind
from weishang.marketing.plan import services as plan
from weishang.orders import services as orders
from weishang.orders.models import Order

#: (name, mobile, WeChat ID, tags, note). Surnames read differently in names (单 Shàn, 曾 Zēng,
#: 解 Xiè): search "shan", "zxx" or "xie" on the customer list.
HAND_ADDED = (
    ("单晓雯", "13511112222", "shanxw_99", "宝妈 面膜", "朋友介绍来的，喜欢补水类"),
    ("曾小贤", "13622223333", "", "茶友", "只喝岩茶，逢年过节送礼"),
    ("解一鸣", "13733334444", "xieyiming", "", ""),
)
#: The customer whose birthday is today (the year is only shown as an age).
BIRTHDAY_CUSTOMER = ("周婷", "13566667777", "zhouting_88", "老客户")
#: The completed order's box of nuts (a week's supply) bought this many days ago runs out in
#: three days: with the default reminder three days before, its repurchase reminder is due today.
BOUGHT_DAYS_AGO = 4

POSTS = (
    # (kind, title, body, topics, product title or "", images from that product)
    (PostKind.PRODUCT, "大红袍上新",
     "今年的武夷山大红袍到了🍵 传统炭焙，岩韵足，回甘快。\n{商品名} 只要 {价格}，"
     "喜欢的朋友戳 {店铺链接}\n—— {昵称}",
     ("好茶推荐", "岩茶"), "武夷山大红袍 岩茶 传统炭焙"),
    (PostKind.FEEDBACK, "买家秀：面膜用了一个月",
     "老顾客发来的反馈：用了一个月，皮肤不干了，上妆也服帖✨ 谢谢信任！\n"
     "同款在这里 {店铺链接}",
     ("买家秀",), "玻尿酸补水面膜 深层保湿"),
    (PostKind.KNOWLEDGE, "岩茶怎么泡才好喝",
     "三个小窍门：\n1. 水要滚，100℃ 才出岩韵\n2. 前三泡快出汤，5 秒就好\n"
     "3. 盖碗比茶壶更能喝出香气\n收藏起来，下次泡茶用得上👍",
     ("喝茶知识",), ""),
    (PostKind.LIFE, "周末去茶园",
     "周末带孩子去茶园走了走，空气真好🌿 生活不只有工作，也要给自己放个假。",
     ("生活",), ""),
)


def load(owner) -> None:
    """Customers to care for and posts to share, for the demo shop's owner."""
    _care_for_customers(owner, timezone.localdate())
    posts = _fill_library(owner)
    _sell_through_a_tracked_link(owner, posts[0])
    _plan_posts(owner, posts)


# -- Customer care ----------------------------------------------------------------------------

def _care_for_customers(owner, today: date) -> None:
    for name, phone, wechat_id, tags, note in HAND_ADDED:
        customer = customers.create_customer(owner, name=name, phone=phone, wechat_id=wechat_id,
                                             tags=tags, source_channel="wechat_moments")
        if note:
            customers.add_note(owner, customer, note)
    name, phone, wechat_id, tags = BIRTHDAY_CUSTOMER
    customers.create_customer(owner, name=name, phone=phone, wechat_id=wechat_id, tags=tags,
                              birthday=_birthday_today(today))
    _bought_a_month_ago(owner)
    shipped = Customer.objects.filter(order_links__order__state="shipped").first()
    if shipped is not None:
        care.create_follow_up(owner, shipped, due_on=today, kind="after_sales",
                              note="问问茶叶收到没有，口感怎么样")


def _birthday_today(today: date) -> date:
    try:
        return today.replace(year=1995)
    except ValueError:  # 29 February: born in a leap year
        return today.replace(year=1996)


def _bought_a_month_ago(owner) -> None:
    """The completed order (a week's box of nuts) moves back in time, so its buyer is due a
    repurchase reminder today."""
    order = Order.objects.filter(state="completed").order_by("pk").first()
    if order is None:
        return
    move_back(order, timedelta(days=BOUGHT_DAYS_AGO))
    customer = Customer.objects.get(order_links__order=order)
    customers.refresh_order_stats(customer)
    customers.update_customer(owner, customer, tags="老客户 吃货")
    customers.add_note(owner, customer, "喜欢麻辣口味，坚果每周都回购")


def move_back(order, shift: timedelta) -> None:
    """Move the steps the order has taken so far ``shift`` into the past."""
    Order.objects.filter(pk=order.pk).update(**{
        step: F(step) - shift
        for step in ("created_at", "paid_at", "shipped_at", "completed_at", "after_sales_until")})


# -- Marketing --------------------------------------------------------------------------------

def _product_pictures(product: Product | None) -> list:
    if product is None:
        return []
    pictures = []
    for image in product.images.order_by("position"):
        with image.image.open("rb") as stored:
            pictures.append(SimpleUploadedFile(f"post-{image.pk}.{image.extension}",
                                               stored.read()))
    return pictures


def _fill_library(owner) -> list:
    posts = []
    for kind, title, body, topics, product_title in POSTS:
        product = Product.objects.filter(title=product_title).first() if product_title else None
        post = marketing.create_post(owner, title=title, body=body, kind=kind,
                                     hashtags=topics, products=[product] if product else [],
                                     images=_product_pictures(product))
        posts.append(marketing.set_published(owner, post, True))
    return posts


def _sell_through_a_tracked_link(owner, post) -> None:
    """A friend clicks the Weibo link of the first post and orders: the results page shows the
    click, the order and the revenue."""
    link = links.link_for(post=post, channel=Channel.objects.get(code="weibo"), seller=owner)
    links.add_click(link.pk, timezone.now(), "demo-visitor")
    links.flush_clicks()
    product = post.products.get()
    variant = product.variants.filter(is_active=True).order_by("position").first()
    order = orders.place_order(
        shop=owner_shop(), lines=[orders.CartLine(variant.public_id, 1)],
        recipient=orders.Recipient("林晓", "13812340000", "福建省", "厦门市", "思明区",
                                   "环岛南路2888号"),
        attribution=attribution.attribution_of(link))
    orders.confirm_payment(order, actor=owner, reference="微信转账")


def _plan_posts(owner, posts) -> None:
    """One planned post due now (the console home reminds of it) and one tonight."""
    moments = Channel.objects.get(code="wechat_moments")
    now = timezone.now()
    plan.plan_post(seller=owner, post=posts[2], channel=moments, planned_at=now)
    tonight = timezone.localtime(now).replace(hour=20, minute=30, second=0, microsecond=0)
    if tonight < now + timedelta(hours=3):
        tonight += timedelta(days=1)
    plan.plan_post(seller=owner, post=posts[3], channel=moments, planned_at=tonight)

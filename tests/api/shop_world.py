"""A realistic shop for the API fuzzer: the owner, a staff member, agents A (below) and B
(above, A's upline) at two levels with per-variant rules, products with variants and stock,
orders in every state in the owner's and the agents' shops, customers with notes, addresses
and follow-ups, posts with pictures, tracked links, plan entries, cloud stock, a buy-back,
certificates and withdrawals — all made through the services, as a real shop's would be.

``real_ids`` lists, per path parameter of the API, the ids of those objects, and
``real_references`` per field of a body or query string that names an object: the fuzzer sends
them besides the ones it makes up, so that it also reaches real orders, agents and posts.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.commissions.withdrawing import credit
from tests.factories import (
    AgentFactory,
    AgentLevelFactory,
    CategoryFactory,
    CustomerFactory,
    PostFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from tests.marketing.conftest import picture
from tests.marketing.planning import entry
from tests.orders.purchasing import buy, buy_into_cloud, rule, set_state
from weishang.accounts.services import owner_shop
from weishang.catalog import services as catalog
from weishang.commissions.services import withdrawals
from weishang.customers import services as customers
from weishang.customers.care import services as care
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.marketing import services as marketing
from weishang.marketing.links import services as links
from weishang.marketing.models import Channel
from weishang.network import services as network
from weishang.network.certificates import services as certificates
from weishang.orders import services as orders
from weishang.orders.purchases import services as purchases
from weishang.orders.services import CartLine, Recipient

RECIPIENT = Recipient(name="张三", phone="13812345678", province="广东省", city="深圳市",
                      district="南山区", street="粤海街道科技园南区8栋")


def _stocked_variants(category):
    """A product with two variants in stock and one with a single sold-out variant."""
    tee = ProductFactory(title="纯棉T恤", category=category, usage_days=30)
    variants = [VariantFactory(product=tee, spec_label=size, spec_values={"尺码": size},
                               retail_price="99.00") for size in ("M", "L")]
    variants.append(VariantFactory(product=ProductFactory(title="普洱茶饼", category=category),
                                   retail_price="188.00"))
    for variant, quantity in zip(variants, (500, 500, 0), strict=True):
        if quantity:
            inventory.adjust_stock(variant=variant, delta=quantity,
                                   reason=MovementReason.INITIAL)
    return variants


def _orders_in_every_state(shop, variant, owner) -> list:
    """Orders of ``shop``: awaiting payment, paid, shipped, completed, refund requested,
    refunded and cancelled."""

    def placed():
        return orders.place_order(shop=shop, lines=[CartLine(variant.public_id, 1)],
                                  recipient=RECIPIENT)

    def paid():
        return orders.confirm_payment(placed(), actor=owner, reference="8888")

    def shipped():
        return orders.ship_order(paid(), actor=owner, carrier="sf",
                                 tracking_number="SF1234567890123")

    def completed():
        return orders.complete_order(shipped(), actor=owner)

    def refund_requested():
        return orders.request_refund(paid(), by_customer=True, note="不要了")

    return [placed(), paid(), shipped(), completed(), refund_requested(),
            orders.refund_order(refund_requested(), actor=owner),
            orders.cancel_order(placed(), actor=owner)]


def build(owner):
    """The shop, as a namespace of the objects the tests name (``world.agent_a`` …)."""
    category = CategoryFactory(name="服装", parent=CategoryFactory(name="全部"))
    variants = _stocked_variants(category)
    product = variants[0].product
    catalog.add_image(product, picture())
    senior = AgentLevelFactory(rank=2, name="总代", discount_percent="40.00")
    junior = AgentLevelFactory(rank=1, name="特约", discount_percent="20.00")
    rule(senior, variants[0], price="50.00", min_per_order=1, max_per_order=50,
         max_per_month=100)
    agent_b = AgentFactory(name="乙", level=senior)
    agent_a = AgentFactory(name="甲", level=junior)
    network.move(owner, agent_a, agent_b)
    leaver = AgentFactory(name="丙", level=junior)
    applicant = network.apply(network.Application(
        name="丁", phone="13700001111", password="Weishang-apply-2026"))
    staff = UserFactory(role="staff", areas=["catalog", "inventory", "orders", "customers"])

    all_orders = [*_orders_in_every_state(owner_shop(), variants[0], owner),
                  *_orders_in_every_state(agent_a.user.shop, variants[1], owner)]
    customer = CustomerFactory(seller=owner, name="王芳")
    agent_customer = CustomerFactory(seller=agent_a.user, name="甲的客户")
    customers.add_note(owner, customer, "喜欢红色")
    customers.add_address(owner, customer, RECIPIENT)
    follow_up = care.create_follow_up(owner, customer,
                                      due_on=timezone.localdate() + timedelta(days=1))

    for agent in (agent_a, agent_b):
        credit(agent, "300.00")
    withdrawal = withdrawals.request_withdrawal(
        agent_a, amount="50.00", method="wechat", account="wx_a", account_name="甲",
        request_key="fuzz-a-1")
    withdrawals.approve(withdrawals.request_withdrawal(
        agent_b, amount="60.00", method="alipay", account="b@example.com", account_name="乙",
        request_key="fuzz-b-1"), actor=owner)
    buy_into_cloud(agent_b, variants[0], 5, owner)
    buy_into_cloud(leaver, variants[0], 2, owner)
    set_state(leaver, "exited")
    buyback = purchases.request_buyback(agent=leaver, lines=[(variants[0], 2)],
                                        actor=leaver.user)
    purchase = buy(agent_a, variants[1], 1)
    certificate = certificates.issue(agent_b, actor=owner)
    certificates.issue(agent_a, actor=owner)

    post = PostFactory(kind="product")
    post.products.set([product])
    image = marketing.add_post_images(owner, post, [picture()])[0]
    level_post = PostFactory(kind="knowledge", min_level=senior)
    channel = Channel.objects.get(code="wechat_moments")
    link = links.link_for(post=post, channel=channel, seller=owner)
    links.link_for(post=post, channel=channel, seller=agent_a.user)
    plan_entry = entry(owner, post)

    return SimpleNamespace(
        owner=owner, staff=staff, agent_a=agent_a, agent_b=agent_b, leaver=leaver,
        applicant=applicant, levels=[junior, senior], category=category, product=product,
        variants=variants, orders=all_orders, purchase=purchase, customer=customer,
        agent_customer=agent_customer, follow_up=follow_up, withdrawal=withdrawal,
        buyback=buyback, certificate=certificate, posts=[post, level_post], image=image,
        channel=channel, link=link, plan_entry=plan_entry,
    )


def token_of(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def real_ids(world) -> dict[tuple[str, str], list[str]]:
    """(first segment of the path after /api/v1/, parameter) → ids of real objects."""
    order_numbers = [order.number for order in world.orders] + [world.purchase.number]
    agents = [world.agent_a, world.agent_b, world.leaver, world.applicant]
    agent_ids = [agent.public_id for agent in agents]
    post_ids = [post.public_id for post in world.posts]
    return {
        ("agent-levels", "id"): [str(level.pk) for level in world.levels],
        ("agent", "product"): [world.product.public_id],
        ("agent", "number"): order_numbers,
        ("agents", "public_id"): agent_ids,
        ("buybacks", "public_id"): [world.buyback.public_id],
        ("categories", "id"): [world.category.public_id, world.category.parent.public_id],
        ("certificates", "number"): [world.certificate.number],
        ("channels", "code"): [world.channel.code, "weibo"],
        ("customers", "public_id"): [world.customer.public_id,
                                     world.agent_customer.public_id],
        ("earnings", "public_id"): agent_ids,
        ("follow-ups", "id"): [str(world.follow_up.pk)],
        ("kits", "post"): post_ids,
        ("kits", "channel"): [world.channel.code, "xiaohongshu"],
        ("links", "code"): [world.link.code],
        ("orders", "number"): order_numbers,
        ("plans", "id"): [str(world.plan_entry.pk)],
        ("posts", "id"): post_ids,
        ("posts", "image_id"): [world.image.public_id],
        ("products", "id"): [world.product.public_id, world.variants[2].product.public_id],
        ("products", "image_id"): [world.product.images.first().public_id],
        ("segments", "code"): ["general_value", "important_value"],
        ("variants", "id"): [variant.public_id for variant in world.variants],
        ("verify", "number"): [world.certificate.number],
        ("withdrawals", "public_id"): [world.withdrawal.public_id],
    }


def real_references(world) -> dict[str, list]:
    """Field name (in a body, at any depth, or a query string) → values naming real objects."""
    agents = [world.agent_a, world.agent_b, world.leaver, world.applicant]
    levels = [level.pk for level in world.levels]
    return {
        "variant": [variant.public_id for variant in world.variants],
        "product": [world.product.public_id],
        "products": [[world.product.public_id]],
        "customer": [world.customer.public_id, world.agent_customer.public_id],
        "post": [post.public_id for post in world.posts],
        "channel": [world.channel.code, "weibo"],
        "level": levels,
        "min_level": levels,
        "agent": [agent.public_id for agent in agents],
        "upline": [agent.public_id for agent in agents],
        "category": [world.category.public_id],
        "parent": [world.category.parent.public_id],
        "shop_code": [owner_shop().code, world.agent_a.user.shop.code],
        "code": [world.agent_a.code, world.agent_b.code],
        "number": [order.number for order in world.orders],
        "phone": [RECIPIENT.phone],
    }

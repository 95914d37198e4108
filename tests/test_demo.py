from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from weishang import demo, demo_agents
from weishang.accounts.models import Role, User
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.commissions.models import (
    AgentBalance,
    CommissionSettings,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from weishang.inventory import services as inventory
from weishang.inventory.models import LocationKind, StockLevel, StockMovement
from weishang.marketing.models import Post
from weishang.marketing.queries import library_for
from weishang.network.certificates import queries as certificate_queries
from weishang.network.models import (
    Agent,
    AgentLevel,
    AgentState,
    BindingMode,
    Certificate,
    HiddenProduct,
    LevelVariantRule,
    NetworkSettings,
    UpgradeMetric,
)
from weishang.orders import services as orders
from weishang.orders.models import (
    Order,
    OrderChannel,
    OrderEvent,
    OrderKind,
    OrderState,
    PurchaseDelivery,
    RegionShippingFee,
    ShopSettings,
)


@pytest.fixture(autouse=True)
def _own_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def login(db):
    return demo.ensure_demo_shop()


def test_demo_shop_has_categories_products_variants_images_and_stock(login, settings):
    tops = Category.objects.filter(parent__isnull=True)
    assert tops.count() >= 3
    assert all(top.children.exists() for top in tops)

    products = Product.objects.filter(is_on_shelf=True)
    assert products.count() >= 12
    two_specs = [product for product in products if len(product.specs) == 2]
    assert len(two_specs) >= 3
    assert {"颜色", "尺码"} <= {spec["name"] for p in two_specs for spec in p.specs}
    assert {"规格", "口味"} <= {spec["name"] for p in products for spec in p.specs}
    assert all(product.images.exists() for product in products)
    for image in ProductImage.objects.all():
        assert (settings.MEDIA_ROOT / image.image.name).is_file()
        assert (settings.MEDIA_ROOT / image.thumbnail.name).is_file()
        assert (image.width, image.height) == (800, 800)

    variants = Variant.objects.filter(is_active=True)
    assert all(variant.retail_price > 0 for variant in variants)
    assert StockLevel.objects.filter(quantity=0).exists(), "some variants are sold out"
    assert StockLevel.objects.filter(quantity__gt=0, quantity__lte=5).exists(), "some are low"
    assert StockLevel.objects.filter(quantity__gt=5).count() > variants.count() // 2
    assert inventory.verify_ledger() == []


def test_owner_logs_in_with_the_printed_mobile_and_password(login, client):
    assert (login.username, login.phone) == ("owner", "13800000000")
    response = client.post(
        reverse("accounts:login"), {"username": login.phone, "password": login.password}
    )
    assert response.status_code == 302
    assert client.get(reverse("console:home")).status_code == 200


def test_login_is_saved_in_the_data_folder(login, settings):
    saved = Path(settings.DATA_DIR / "demo-login.txt")
    assert login.password in saved.read_text()
    assert saved.stat().st_mode & 0o077 == 0, "only the owner of the files may read it"


DEMO_MODELS = (User, Category, Product, Variant, StockMovement, Order, OrderEvent, Agent,
               AgentLevel, Certificate, LedgerEntry, Withdrawal, Post)


def test_a_second_run_changes_nothing_and_returns_the_same_logins(login):
    counts = [model.objects.count() for model in DEMO_MODELS]
    agent_login = demo.agent_login()

    again = demo.ensure_demo_shop()

    assert again == login
    assert demo.agent_login() == agent_login
    assert counts == [model.objects.count() for model in DEMO_MODELS]


def test_without_the_saved_file_the_passwords_are_unknown(login, settings):
    (settings.DATA_DIR / "demo-login.txt").unlink()
    again = demo.ensure_demo_shop()
    assert (again.username, again.password) == ("owner", None)
    assert demo.agent_login().password is None


def test_an_existing_shop_is_left_alone(owner):
    assert demo.ensure_demo_shop() == demo.Login(username="owner", phone="13800000000",
                                                 password=None)
    assert not Product.objects.exists()
    assert User.objects.filter(role=Role.OWNER).get() == owner
    assert demo.agent_login() is None


def test_every_demo_page_renders(login, client):
    home = client.get(reverse("storefront:home"), follow=True).content.decode()
    assert Product.objects.count() <= 20, "the whole demo fits on the first page"
    code = owner_shop().code
    for product in Product.objects.all():
        assert product.title in home
        response = client.get(reverse("storefront:product", args=[code, product.public_id]))
        assert response.status_code == 200


def test_demo_shop_has_selling_rules(login):
    rules = ShopSettings.load()
    assert "订单号" in rules.payment_instructions
    assert (rules.shipping_fee, rules.free_shipping_above) == (Decimal("10.00"),
                                                               Decimal("99.00"))
    xinjiang = RegionShippingFee.objects.get()
    assert (xinjiang.province, xinjiang.shipping_fee) == ("新疆维吾尔自治区", Decimal("20.00"))


def test_demo_orders_fill_the_order_desk(login, client):
    placed = list(Order.objects.filter(shop=owner_shop(), kind=OrderKind.RETAIL)
                  .prefetch_related("lines", "events"))
    assert len(placed) == len(demo.ORDERS) + 1  # and the one through a tracked link
    assert {order.state for order in placed} == {
        OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED,
        OrderState.CANCELLED,
    }
    assert {order.channel for order in placed} == set(OrderChannel.values)
    for order in placed:
        assert order.lines.all(), order.number
        assert order.shipping_fee == orders.shipping_fee_for(order.goods_total, order.province)
        assert order.events.all()[0].to_state == OrderState.PENDING_PAYMENT
    shipped = Order.objects.get(state=OrderState.SHIPPED)
    assert (shipped.carrier, shipped.tracking_number) == ("SF", "SF1402968357201")
    assert Order.objects.get(province="新疆维吾尔自治区").shipping_fee == Decimal("20.00")
    # Stock of the cancelled order went back; the ledger explains every level.
    assert inventory.verify_ledger() == []

    client.post(reverse("accounts:login"), {"username": login.phone, "password": login.password})
    desk = client.get(reverse("orders:list")).content.decode()
    assert all(order.number in desk for order in placed)
    for order in placed:
        assert client.get(reverse("orders:detail", args=[order.number])).status_code == 200


def test_demo_has_customers_to_contact_posts_to_share_and_results(login, client):
    from weishang.customers.care import queries as care_queries
    from weishang.marketing.models import Click, Post, PostKind
    from weishang.marketing.plan import queries as plan_queries

    owner = User.objects.get(role=Role.OWNER)
    assert {reminder.kind for reminder in care_queries.today_for(owner)} == {
        "follow_up", "repurchase", "birthday"}
    posts = Post.objects.filter(is_published=True)
    assert {post.kind for post in posts} == set(PostKind.values)
    assert posts.filter(kind=PostKind.PRODUCT).get().images.exists()
    assert Click.objects.count() == 1
    sold = Order.objects.exclude(source_channel="").get()
    assert (sold.source_channel, sold.source_seller) == ("weibo", owner)
    assert plan_queries.due_count(owner) == 1

    client.post(reverse("accounts:login"), {"username": login.phone, "password": login.password})
    for name in ("console:home", "customers:list", "customers:today", "customers:segments",
                 "marketing:post_list", "marketing:plan", "marketing:results"):
        assert client.get(reverse(name)).status_code == 200, name
    results = client.get(reverse("marketing:results")).content.decode()
    assert posts.get(kind=PostKind.PRODUCT).title in results


# -- Agents ------------------------------------------------------------------------------------

def _log_in(client, login):
    response = client.post(reverse("accounts:login"),
                           {"username": login.phone, "password": login.password})
    assert response.status_code == 302


def test_demo_agents_form_a_small_tree_in_every_state(login):
    agents = list(Agent.objects.select_related("level", "upline__upline__upline"))
    assert len(agents) == len(demo_agents.AGENTS)
    states = [agent.state for agent in agents]
    assert states.count(AgentState.ACTIVE) >= 3
    assert (states.count(AgentState.APPLIED), states.count(AgentState.SUSPENDED)) == (1, 1)
    assert all(agent.upline is None or agent.upline.upline is None
               or agent.upline.upline.upline is None for agent in agents), "depth at most 3"
    assert any(agent.upline and agent.upline.upline for agent in agents)
    applicant = Agent.objects.get(state=AgentState.APPLIED)
    assert applicant.invited_by is not None and not applicant.user.is_active


def test_demo_levels_prices_limits_and_rules(login):
    assert list(AgentLevel.objects.values_list("name", flat=True)) == ["特约", "一级", "总代"]
    discounts = list(AgentLevel.objects.values_list("discount_percent", flat=True))
    assert discounts == sorted(discounts) and discounts[0] > 0
    assert LevelVariantRule.objects.filter(price__isnull=False).count() == 1
    assert LevelVariantRule.objects.filter(max_per_month__isnull=False).exists()
    conditions = {level.name: ({c.metric for c in level.conditions.all()}, level.combination)
                  for level in AgentLevel.objects.prefetch_related("conditions")}
    assert conditions["一级"] == ({UpgradeMetric.RETAIL_SALES, UpgradeMetric.RETAIL_CUSTOMERS},
                                 "all")
    assert conditions["总代"][1] == "any"
    assert UpgradeMetric.MONTHS_ACTIVE in conditions["总代"][0]

    rules = NetworkSettings.load()
    assert (rules.binding_mode, rules.auto_approve) == (BindingMode.FIRST, False)
    earnings = CommissionSettings.load()
    assert (ShopSettings.load().after_sales_days, earnings.upline_enabled) == (7, False)


def test_demo_agents_buy_sell_earn_and_withdraw(login):
    purchase = Order.objects.get(kind=OrderKind.PURCHASE)
    assert purchase.delivery == PurchaseDelivery.CLOUD and purchase.paid_at is not None
    assert StockLevel.objects.filter(location__kind=LocationKind.CLOUD, quantity__gt=0).exists()
    sold = Order.objects.filter(kind=OrderKind.RETAIL).exclude(shop=owner_shop())
    assert {OrderState.PAID, OrderState.COMPLETED} <= set(sold.values_list("state", flat=True))

    totals = AgentBalance.objects.aggregate(*(Sum(bucket) for bucket in (
        "pending", "frozen", "available", "withdrawing", "withdrawn")))
    assert all(total > 0 for total in totals.values()), totals
    paid = Withdrawal.objects.get(state=WithdrawalState.PAID)
    assert paid.reference and paid.paid_at
    assert Withdrawal.objects.filter(state=WithdrawalState.REQUESTED).exists()
    assert inventory.verify_ledger() == []


def test_weishang_check_finds_no_problem_after_the_demo(login):
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    assert err.getvalue() == ""


def test_demo_certificates_verify_and_the_suspended_agents_is_revoked(login, client):
    suspended = Agent.objects.get(state=AgentState.SUSPENDED)
    assert all(certificate_queries.state_of(c) == certificate_queries.State.REVOKED
               for c in suspended.certificates.all())
    for agent in Agent.objects.filter(state=AgentState.ACTIVE):
        valid = agent.certificates.get(certificate_queries.valid())
        response = client.get(reverse("verify:certificate", args=[valid.number]))
        assert response.status_code == 200
        assert response.context["state"] == certificate_queries.State.VALID


def test_demo_agent_logs_in_and_sees_their_shop_earnings_and_senior_post(login, client):
    agent_login = demo.agent_login()
    agent = Agent.objects.get(user__username=agent_login.username)
    assert agent.is_active and agent.team.exists()
    hidden = HiddenProduct.objects.select_related("product").get(agent=agent).product
    shop = client.get(reverse("storefront:shop", args=[agent.user.shop.code])).content.decode()
    assert agent.name in shop and hidden.title not in shop
    senior_post = Post.objects.get(min_level__isnull=False, is_published=True)
    assert senior_post.min_level.rank <= agent.level.rank

    _log_in(client, agent_login)
    for name in ("console:home", "earnings:home", "earnings:my_withdrawals", "agent:team",
                 "agent:products", "purchases:list", "purchases:cloud", "certificates:mine"):
        assert client.get(reverse(name)).status_code == 200, name
    assert senior_post in library_for(agent.user)
    entry_agent = Agent.objects.get(state=AgentState.ACTIVE, level__rank=1)
    assert senior_post not in library_for(entry_agent.user), "below the post's level"


def test_the_owners_agent_pages_show_the_demo_agents(login, client):
    _log_in(client, login)
    applicant = Agent.objects.get(state=AgentState.APPLIED)
    assert applicant.name in client.get(reverse("network:applications")).content.decode()
    agents = client.get(reverse("network:list")).content.decode()
    assert all(agent.name in agents for agent in Agent.objects.exclude(pk=applicant.pk))
    pages = [reverse(name) for name in (
        "network:levels", "network:settings", "earnings:withdrawals", "earnings:agents",
        "earnings:settings", "purchases:list", "purchases:cloud_overview", "certificates:list")]
    pages += [reverse("network:detail", args=[agent.public_id]) for agent in Agent.objects.all()]
    pages += [reverse("network:level_edit", args=[level.pk]) for level in AgentLevel.objects.all()]
    for page in pages:
        assert client.get(page).status_code == 200, page

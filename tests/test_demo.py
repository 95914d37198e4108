import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from weishang import demo
from weishang.accounts.models import Role, User
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.inventory import services as inventory
from weishang.inventory.models import StockLevel, StockMovement
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderChannel, OrderEvent, OrderState, RegionShippingFee


@pytest.fixture(autouse=True)
def _own_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def login(db):
    started = time.monotonic()
    login = demo.ensure_demo_shop()
    assert time.monotonic() - started < 10, "the demo must load in seconds"
    return login


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


DEMO_MODELS = (User, Category, Product, Variant, StockMovement, Order, OrderEvent)


def test_a_second_run_changes_nothing_and_returns_the_same_login(login):
    counts = [model.objects.count() for model in DEMO_MODELS]

    again = demo.ensure_demo_shop()

    assert again == login
    assert counts == [model.objects.count() for model in DEMO_MODELS]


def test_without_the_saved_file_the_password_is_unknown(login, settings):
    (settings.DATA_DIR / "demo-login.txt").unlink()
    again = demo.ensure_demo_shop()
    assert (again.username, again.password) == ("owner", None)


def test_an_existing_shop_is_left_alone(owner):
    assert demo.ensure_demo_shop() == demo.Login(username="owner", phone="13800000000",
                                                 password=None)
    assert not Product.objects.exists()
    assert User.objects.filter(role=Role.OWNER).get() == owner


def test_every_demo_page_renders(login, client):
    home = client.get(reverse("storefront:home"), follow=True).content.decode()
    assert Product.objects.count() <= 20, "the whole demo fits on the first page"
    code = owner_shop().code
    for product in Product.objects.all():
        assert product.title in home
        response = client.get(reverse("storefront:product", args=[code, product.public_id]))
        assert response.status_code == 200


def test_demo_shop_has_selling_rules(login):
    rules = orders.shop_settings()
    assert "订单号" in rules.payment_instructions
    assert (rules.shipping_fee, rules.free_shipping_above) == (Decimal("10.00"),
                                                               Decimal("99.00"))
    xinjiang = RegionShippingFee.objects.get()
    assert (xinjiang.province, xinjiang.shipping_fee) == ("新疆维吾尔自治区", Decimal("20.00"))


def test_demo_orders_fill_the_order_desk(login, client):
    placed = list(Order.objects.prefetch_related("lines", "events"))
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
    from weishang.customers import care
    from weishang.marketing import plan
    from weishang.marketing.models import Click, Post, PostKind

    owner = User.objects.get(role=Role.OWNER)
    assert {reminder.kind for reminder in care.today_for(owner)} == {
        "follow_up", "repurchase", "birthday"}
    posts = Post.objects.filter(is_published=True)
    assert {post.kind for post in posts} == set(PostKind.values)
    assert posts.filter(kind=PostKind.PRODUCT).get().images.exists()
    assert Click.objects.count() == 1
    sold = Order.objects.exclude(source_channel="").get()
    assert (sold.source_channel, sold.source_seller) == ("weibo", owner)
    assert plan.due_count(owner) == 1

    client.post(reverse("accounts:login"), {"username": login.phone, "password": login.password})
    for name in ("console:home", "customers:list", "customers:today", "customers:segments",
                 "marketing:post_list", "marketing:plan", "marketing:results"):
        assert client.get(reverse(name)).status_code == 200, name
    results = client.get(reverse("marketing:results")).content.decode()
    assert posts.get(kind=PostKind.PRODUCT).title in results

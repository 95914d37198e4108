import pytest
from django.urls import reverse

from weishang.accounts import services as accounts
from weishang.catalog.models import ProductImage
from weishang.inventory import services as inventory


@pytest.fixture
def shop(owner):
    """The owner's shop, /s/<code>/."""
    return accounts.owner_shop()


@pytest.fixture
def shop_url(shop):
    """shop_url(name, *args): a storefront URL inside the owner's shop."""

    def url(name, *args):
        return reverse(f"storefront:{name}", args=[shop.code, *args])

    return url


@pytest.fixture
def stock(owner):
    """stock(variant, quantity, low_stock_threshold=0): put units of a variant in the warehouse."""

    def put(variant, quantity, low_stock_threshold=0):
        inventory.set_low_stock_threshold(variant, low_stock_threshold, actor=owner)
        if quantity:
            inventory.adjust_stock(variant=variant, delta=quantity, reason="initial")

    return put


@pytest.fixture
def picture(db):
    """picture(product, position=0): an image row. Pages only need its file names, so no file
    is written (the catalog's own tests cover uploads)."""

    def add(product, position=0):
        return ProductImage.objects.create(
            product=product, image=f"products/{product.public_id}/{position}.jpg",
            thumbnail=f"products/{product.public_id}/thumb-{position}.jpg",
            width=800, height=800, position=position,
        )

    return add


@pytest.fixture
def add_to_cart(client, shop_url):
    """add_to_cart(variant, quantity=1, **headers): POST from the product page."""

    def add(variant, quantity=1, **headers):
        return client.post(shop_url("cart_add"), {
            "variant": variant.public_id, "quantity": quantity,
            "product": variant.product.public_id,
        }, HTTP_ACCEPT_LANGUAGE="en", **headers)

    return add

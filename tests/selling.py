"""Fixtures for anything that sells: a shop, stocked variants, a recipient and placed orders.

Registered for the whole suite in tests/conftest.py (orders, customers and marketing use them).
"""

import re

import pytest
from django.utils import timezone, translation

from tests.factories import ProductFactory, VariantFactory
from weishang.accounts.services import owner_shop
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.orders import services
from weishang.orders.services import CartLine, Recipient


@pytest.fixture
def english():
    """Service messages asserted in English (the msgids); the catalogs are checked elsewhere."""
    with translation.override("en"):
        yield


@pytest.fixture
def shop(owner):
    return owner_shop()


@pytest.fixture
def stocked(db):
    """stocked(quantity, price="99.00", title=..., spec=...): a variant on sale with stock."""

    def make(quantity=10, price="99.00", title="纯棉T恤", spec=None, **product):
        variant = VariantFactory(product=ProductFactory(title=title, **product),
                                 retail_price=price, **({"spec_label": spec} if spec else {}))
        if quantity:
            inventory.adjust_stock(variant=variant, delta=quantity, reason=MovementReason.INITIAL)
        return variant

    return make


@pytest.fixture
def recipient():
    return Recipient(name="张三", phone="13812345678", province="广东省", city="深圳市",
                     district="南山区", street="粤海街道科技园南区8栋")


@pytest.fixture
def place(shop, recipient, django_capture_on_commit_callbacks):
    """place(variant_or_lines, quantity=1, **kwargs): an order placed through the service,
    with what follows its commit done (its customer recorded)."""

    def order(lines, quantity=1, **kwargs):
        if not isinstance(lines, list):
            lines = [CartLine(lines.public_id, quantity)]
        kwargs.setdefault("recipient", recipient)
        with django_capture_on_commit_callbacks(execute=True):
            return services.place_order(shop=shop, lines=lines, **kwargs)

    return order


def payment_deadline_on(page: str, order) -> int:
    """Checks that ``page`` gives ``order``'s payment deadline as a date and time (Beijing) with
    a countdown beside it; returns the countdown's seconds."""
    deadline = timezone.localtime(order.expires_at)
    assert f"{deadline:%Y-%m-%d %H:%M}" in page, "the deadline with its date"
    found = re.search(r'data-countdown="(\d+)">(\d+):(\d\d):(\d\d)<', page)
    assert found, "a countdown"
    seconds, hours, minutes, rest = (int(part) for part in found.groups())
    assert seconds == hours * 3600 + minutes * 60 + rest
    return seconds

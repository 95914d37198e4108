"""Helpers of the tracked-link tests: a post shared on a channel, following its link with the
test client as a customer's phone would, and buying through the storefront checkout."""

import pytest
from django.urls import reverse

from tests.factories import PostFactory
from weishang.accounts.services import owner_shop
from weishang.marketing.links import queries as link_queries
from weishang.marketing.links import services as links
from weishang.orders.models import Order

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) MicroMessenger/8.0", "REMOTE_ADDR": "10.1.2.3"}
ADDRESS = {"name": "李四", "phone": "15900001111", "province": "上海市", "city": "上海市",
           "district": "浦东新区", "street": "张江路88弄3号"}


def shared_post(seller, channel, *products, **post_fields):
    """A published post showing ``products``, with ``seller``'s tracked link on ``channel``."""
    post = PostFactory(**post_fields)
    post.products.set(products)
    return links.link_for(post=post, channel=channel, seller=seller)


def follow(client, link, **headers):
    return client.get(link_queries.link_url(link), **{**PHONE, **headers})


def buy(client, variant, quantity=1, key="checkout-1") -> Order:
    """Put the variant in the cart and check out in the owner's shop, as the same visitor."""
    code = owner_shop().code
    client.post(reverse("storefront:cart_add", args=[code]),
                {"variant": variant.public_id, "quantity": quantity}, **PHONE)
    response = client.post(reverse("storefront:checkout", args=[code]),
                           {**ADDRESS, "idempotency_key": key, "action": "place"}, **PHONE)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Order.objects.get(idempotency_key=key)


@pytest.fixture(autouse=True)
def link_targets_checked_at_once(monkeypatch):
    """A product taken off shelf changes where links land at once (production checks by the
    second: links/queries.py)."""
    monkeypatch.setattr(link_queries, "VERSION_CHECK_SECONDS", 0)

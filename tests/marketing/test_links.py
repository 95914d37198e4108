"""Tracked links: one per post × channel × seller, /t/<code> lands in the seller's shop and
every click is recorded without keeping the visitor's IP address."""

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import is_postgres
from tests.factories import ChannelFactory, PostFactory, UserFactory
from tests.marketing.sharing import (
    PHONE,
    follow,
    link_targets_checked_at_once,  # noqa: F401 (autouse)
    shared_post,
)
from weishang.catalog import services as catalog
from weishang.core.errors import InvalidInput
from weishang.marketing.links import attribution
from weishang.marketing.links import queries as link_queries
from weishang.marketing.links import services as links
from weishang.marketing.models import Click, TrackedLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def moments(channel):
    return channel("wechat_moments")


# -- link_for ---------------------------------------------------------------------------------

def test_a_post_has_one_link_per_channel_and_seller(owner, shop, channel, moments, stocked):
    tea = stocked(title="乌龙茶").product
    post = PostFactory()
    post.products.set([tea])

    first = links.link_for(post=post, channel=moments, seller=owner)
    again = links.link_for(post=post, channel=moments, seller=owner)
    on_weibo = links.link_for(post=post, channel=channel("weibo"), seller=owner)
    shop_link = links.shop_link_for(channel=moments, seller=owner)

    assert again.pk == first.pk
    assert len({first.code, on_weibo.code, shop_link.code}) == 3
    assert first.product_public_id == tea.public_id
    assert shop_link.post is None and shop_link.product_public_id == ""
    assert links.shop_link_for(channel=moments, seller=owner).pk == shop_link.pk
    assert TrackedLink.objects.count() == 3


def test_a_post_without_products_links_to_the_shop(owner, shop, moments):
    link = links.link_for(post=PostFactory(), channel=moments, seller=owner)
    assert link.product_public_id == ""


def test_the_link_follows_the_posts_first_product_when_it_changes(owner, shop, moments,
                                                                  stocked):
    tea, cup = stocked(title="乌龙茶").product, stocked(title="茶杯").product
    link = shared_post(owner, moments, tea)

    link.post.products.set([cup])
    again = links.link_for(post=link.post, channel=moments, seller=owner)

    assert again.pk == link.pk
    assert TrackedLink.objects.get(pk=link.pk).product_public_id == cup.public_id


@pytest.mark.parametrize("problem", ["draft", "channel_not_in_use"])
def test_refused_links_are_explained_and_not_made(owner, shop, moments, english, problem):
    post = PostFactory(is_published=problem != "draft")
    if problem == "channel_not_in_use":
        moments.is_active = False
        moments.save()

    with pytest.raises(InvalidInput) as refused:
        links.link_for(post=post, channel=moments, seller=owner)

    assert refused.value.message == ("Only published posts can be shared."
                                     if problem == "draft"
                                     else f"The channel “{moments.name}” is not in use.")
    assert refused.value.field == ("post" if problem == "draft" else "channel")
    assert not TrackedLink.objects.exists()


def test_a_seller_without_a_shop_gets_no_link(owner, moments, english):
    agent = UserFactory(role="agent", display_name="小王")
    with pytest.raises(InvalidInput, match="小王 has no shop to share yet."):
        links.link_for(post=PostFactory(), channel=moments, seller=agent)


def test_link_url_is_short_and_absolute_with_a_request(owner, shop, moments, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    link = links.link_for(post=PostFactory(), channel=moments, seller=owner)
    request = RequestFactory().get("/", HTTP_HOST="shop.example.com")

    assert link_queries.link_url(link) == f"/t/{link.code}"
    assert link_queries.link_url(link, request) == f"http://shop.example.com/t/{link.code}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")
def test_sellers_opening_the_same_kit_at_once_get_one_link(owner, shop):
    post, channel = PostFactory(), ChannelFactory(code="race")
    barrier, codes, errors = threading.Barrier(8), [], []

    def open_kit():
        try:
            barrier.wait(timeout=30)
            codes.append(links.link_for(post=post, channel=channel, seller=owner).code)
        except BaseException as exc:  # shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_kit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(codes)) == 1 and len(codes) == 8
    assert TrackedLink.objects.count() == 1


# -- /t/<code> --------------------------------------------------------------------------------

def test_following_a_link_lands_on_the_product_in_the_sellers_shop(client, owner, shop, moments,
                                                                   stocked):
    tea = stocked(title="乌龙茶").product
    link = shared_post(owner, moments, tea)

    response = follow(client, link)

    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:product", args=[shop.code, tea.public_id])
    click = Click.objects.get()
    assert click.link == link
    assert abs(click.at - timezone.now()) < timedelta(minutes=1)
    assert client.get(response["Location"]).status_code == 200


def test_a_shop_link_and_a_trailing_slash_land_on_the_shop(client, owner, shop, moments):
    link = links.shop_link_for(channel=moments, seller=owner)

    response = client.get(f"/t/{link.code}/")

    assert response["Location"] == reverse("storefront:shop", args=[shop.code])
    assert Click.objects.filter(link=link).count() == 1


def test_a_product_no_longer_for_sale_lands_on_the_shop(client, owner, shop, moments, stocked,
                                                        django_capture_on_commit_callbacks):
    tea = stocked(title="乌龙茶").product
    link = shared_post(owner, moments, tea)
    product_page = reverse("storefront:product", args=[shop.code, tea.public_id])
    assert follow(client, link)["Location"] == product_page  # now cached as on sale

    # Shop pages change once the change is committed (core.versions).
    with django_capture_on_commit_callbacks(execute=True):
        catalog.set_on_shelf(tea, False)

    assert follow(client, link)["Location"] == reverse("storefront:shop", args=[shop.code])
    with django_capture_on_commit_callbacks(execute=True):
        catalog.set_on_shelf(tea, True)
    assert follow(client, link)["Location"] == product_page
    assert Click.objects.filter(link=link).count() == 3


@pytest.mark.parametrize("case", ["unknown", "closed_shop", "too_long"])
def test_a_link_that_leads_nowhere_shows_the_friendly_page(client, owner, shop, moments, case):
    link = links.shop_link_for(channel=moments, seller=owner)
    code = {"unknown": "Zz9Zz9Zz", "closed_shop": link.code, "too_long": "a" * 40}[case]
    if case == "closed_shop":
        shop.is_open = False
        shop.save()

    response = client.get(f"/t/{code}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    expected = ("This shop does not exist or is closed." if case == "closed_shop"
                else "This link does not exist. Ask whoever shared it for a new one.")
    assert expected in response.content.decode()
    assert not Click.objects.exists()


def test_a_click_runs_no_query_once_its_link_is_known_and_is_written_in_a_batch(
        client, owner, shop, moments, stocked, settings, monkeypatch,
        django_assert_max_num_queries):
    settings.CLICK_FLUSH_SECONDS = 60  # as in production, without waiting for the writer
    monkeypatch.setattr(link_queries, "VERSION_CHECK_SECONDS", 60)
    monkeypatch.setattr(links, "_ensure_flusher", lambda: None)
    link = shared_post(owner, moments, stocked().product)
    follow(client, link)  # the first click looks the link up

    with django_assert_max_num_queries(0):
        responses = [follow(client, link) for _ in range(5)]

    assert {response.status_code for response in responses} == {302}
    assert all("sessionid" not in response.cookies for response in responses)
    assert not Click.objects.exists()
    with django_assert_max_num_queries(4):
        assert links.flush_clicks() == 6
    assert Click.objects.filter(link=link).count() == 6


def test_a_batch_drops_clicks_of_deleted_links_and_keeps_the_rest_after_an_error(
        owner, shop, moments, monkeypatch):
    kept, deleted = (links.shop_link_for(channel=channel, seller=owner)
                     for channel in (moments, ChannelFactory(code="gone")))
    now = timezone.now()
    monkeypatch.setattr(links, "_ensure_flusher", lambda: None)
    monkeypatch.setattr(links, "_flush_seconds", lambda: 60)
    links.add_click(kept.pk, now, "a")
    links.add_click(deleted.pk, now, "b")
    deleted.delete()

    with monkeypatch.context() as broken:
        broken.setattr(Click.objects, "bulk_create", failing_insert)
        assert links.flush_clicks() == 0
    assert links.flush_clicks() == 1
    assert list(Click.objects.values_list("link", "visitor")) == [(kept.pk, "a")]


def failing_insert(*args, **kwargs):
    raise DatabaseError("disk full")


def test_the_click_keeps_a_daily_salted_hash_never_the_address(client, owner, shop, moments):
    link = links.shop_link_for(channel=moments, seller=owner)
    factory = RequestFactory()
    now = timezone.now()
    phone = factory.get("/", **PHONE)
    other_phone = factory.get("/", **{**PHONE, "REMOTE_ADDR": "10.9.9.9"})

    follow(client, link)
    visitor = Click.objects.get().visitor

    assert len(visitor) == 16 and "10.1.2.3" not in visitor
    assert visitor == links.visitor_hash(phone, now)
    assert links.visitor_hash(other_phone, now) != visitor
    assert links.visitor_hash(phone, now + timedelta(days=1)) != visitor


def test_the_attribution_cookie_is_signed_and_names_the_link(client, owner, shop, moments):
    link = links.shop_link_for(channel=moments, seller=owner)

    cookie = follow(client, link).cookies[attribution.ATTRIBUTION_COOKIE]

    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 90 * 24 * 3600
    request = RequestFactory().get("/")
    request.COOKIES[attribution.ATTRIBUTION_COOKIE] = cookie.value
    assert attribution.attribution_from_request(request).link == link.code
    request.COOKIES[attribution.ATTRIBUTION_COOKIE] = cookie.value.replace(link.code, "Xx9Xx9Xx")
    assert attribution.attribution_from_request(request) is None

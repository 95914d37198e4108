import pytest
from django.urls import reverse

from tests.factories import UserFactory, VariantFactory
from weishang.accounts.models import Shop


@pytest.mark.django_db
def test_the_shop_home_is_reached_by_its_code(client, shop, shop_url):
    shop.name = "小美的店"
    shop.save()
    VariantFactory(product__title="玫瑰面膜")

    page = client.get(shop_url("shop")).content.decode()

    assert "小美的店" in page and "玫瑰面膜" in page
    assert f'href="/s/{shop.code}/cart/"' in page, "the header links to the cart"
    assert client.get(f"/s/{shop.code.upper()}/").status_code == 200, "codes are read aloud"


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["unknown", "closed"])
def test_an_unknown_or_closed_shop_is_a_chinese_404(client, shop, state):
    code = "nosuchsh"
    if state == "closed":
        Shop.objects.filter(pk=shop.pk).update(is_open=False)
        code = shop.code

    response = client.get(f"/s/{code}/")

    assert response.status_code == 404
    assert "店铺不存在或已关闭" in response.content.decode()


@pytest.mark.django_db
def test_root_goes_to_the_owner_shop(client, shop):
    response = client.get("/?q=茶")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{shop.code}/?q=%E8%8C%B6"


@pytest.mark.django_db
def test_root_without_an_owner_says_the_shop_is_not_set_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "店铺还没有开张" in response.content.decode()


@pytest.mark.django_db
def test_a_cookie_remembers_the_shop_entered_through(client, shop):
    agent_shop = Shop.objects.create(seller=UserFactory(role="agent"), name="代理小店")
    product = VariantFactory().product

    client.get(f"/s/{agent_shop.code}/")

    assert client.cookies["shop"].value == agent_shop.code
    assert client.get("/")["Location"] == f"/s/{agent_shop.code}/"
    old_link = client.get(f"/p/{product.public_id}/")
    assert old_link["Location"] == f"/s/{agent_shop.code}/p/{product.public_id}/"


@pytest.mark.django_db
def test_old_product_links_go_to_the_owner_shop(client, shop):
    product = VariantFactory().product
    response = client.get(f"/p/{product.public_id}/", follow=True)
    assert response.redirect_chain == [(f"/s/{shop.code}/p/{product.public_id}/", 302)]
    assert product.title in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_category_is_not_found(client, shop_url):
    response = client.get(shop_url("category", "0" * 32))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_lookup_page_needs_no_shop(client):
    assert reverse("storefront:lookup") == "/orders/lookup/"
    assert client.get("/orders/lookup/").status_code == 200

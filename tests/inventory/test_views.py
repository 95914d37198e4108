import pytest
from django.urls import reverse

from tests.factories import ProductFactory, VariantFactory
from weishang.inventory import services, views
from weishang.inventory.models import StockLevel, StockMovement

from .conftest import ROLES_WITH_ACCESS, ROLES_WITHOUT_ACCESS

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def quantity_of(variant) -> int:
    level = StockLevel.objects.filter(variant=variant).first()
    return level.quantity if level else 0


def change_url(variant):
    return reverse("inventory:change_stock", args=[variant.public_id])


def threshold_url(variant):
    return reverse("inventory:change_threshold", args=[variant.public_id])


def product_url(variant):
    return reverse("inventory:product_stock", args=[variant.product.public_id])


def page_urls(variant):
    return [
        ("get", reverse("inventory:low_stock")),
        ("get", product_url(variant)),
        ("get", reverse("inventory:movements", args=[variant.public_id])),
        ("post", change_url(variant)),
        ("post", threshold_url(variant)),
    ]


# --- who may open what ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, variant):
    for method, url in page_urls(variant):
        response = getattr(client, method)(url, {"mode": "change", "quantity": "5",
                                                 "reason": "restock", "threshold": "3"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_users_without_the_stock_area_are_refused(client, login_as, variant, role):
    login_as(role)
    for method, url in page_urls(variant):
        response = getattr(client, method)(url, {"mode": "change", "quantity": "5",
                                                 "reason": "restock", "threshold": "3"})
        assert response.status_code == 403, url
    assert not StockMovement.objects.exists() and not StockLevel.objects.exists()


@pytest.mark.parametrize("role", ROLES_WITH_ACCESS)
def test_owner_and_stock_staff_may_use_every_page(client, login_as, variant, role):
    login_as(role)
    for method, url in page_urls(variant):
        if method == "get":
            assert client.get(url).status_code == 200, url
    response = client.post(change_url(variant), {"mode": "change", "quantity": "5",
                                                 "reason": "restock"})
    assert response.status_code == 302
    assert client.post(threshold_url(variant), {"threshold": "3"}).status_code == 302
    assert quantity_of(variant) == 5


def test_change_pages_answer_only_post(client, stock_manager, variant):
    assert client.get(change_url(variant)).status_code == 405
    assert client.get(threshold_url(variant)).status_code == 405


def test_unknown_products_and_variants_are_not_found(client, stock_manager):
    assert client.get(reverse("inventory:product_stock", args=["nope"])).status_code == 404
    assert client.get(reverse("inventory:movements", args=["nope"])).status_code == 404
    response = client.post(reverse("inventory:change_stock", args=["nope"]),
                           {"mode": "change", "quantity": "1", "reason": "restock"})
    assert response.status_code == 404


# --- low-stock list -------------------------------------------------------------------------


def test_low_stock_list_shows_low_and_sold_out_variants_with_filters(client, stock_manager,
                                                                     stocked):
    low = stocked(VariantFactory(product=ProductFactory(title="低库存围巾"), sku_code="LOW-1"),
                  2, threshold=3)
    sold_out = VariantFactory(product=ProductFactory(title="售罄手套"))  # never stocked
    plenty = stocked(VariantFactory(product=ProductFactory(title="充足帽子")), 50, threshold=3)
    VariantFactory(product=ProductFactory(title="停售袜子"), is_active=False)
    url = reverse("inventory:low_stock")

    page = client.get(url, **EN).content.decode()
    assert "低库存围巾" in page and "售罄手套" in page and "充足帽子" not in page
    assert "停售袜子" not in page, "variants no longer on sale are not listed"
    assert f'{product_url(low)}?open={low.public_id}#v-{low.public_id}' in page, "to the form"
    assert page.index("售罄手套") < page.index("低库存围巾"), "fewest units first"

    page = client.get(url, {"state": "sold_out"}, **EN).content.decode()
    assert "售罄手套" in page and "低库存围巾" not in page
    page = client.get(url, {"state": "all"}, **EN).content.decode()
    assert all(title in page for title in ("低库存围巾", "售罄手套", "充足帽子"))
    page = client.get(url, {"state": "all", "q": "LOW-1"}, **EN).content.decode()
    assert "低库存围巾" in page and "充足帽子" not in page
    page = client.get(url, {"state": "all", "q": "帽子"}, **EN).content.decode()
    assert "充足帽子" in page and "低库存围巾" not in page
    assert plenty and sold_out


def test_low_stock_list_ignores_bad_filters(client, stock_manager, stocked):
    stocked(VariantFactory(product=ProductFactory(title="售罄手套")), 0)
    response = client.get(reverse("inventory:low_stock"),
                          {"state": "bogus", "page": "x", "q": "x" * 500}, **EN)
    assert response.status_code == 200 and "售罄手套" in response.content.decode()


def test_low_stock_list_is_a_fixed_number_of_queries(client, stock_manager, stocked,
                                                    django_assert_max_num_queries):
    def count_queries():
        with django_assert_max_num_queries(1000) as captured:
            assert client.get(reverse("inventory:low_stock"), {"state": "all"}).status_code == 200
        return len(captured)

    stocked(VariantFactory(), 1, threshold=2)
    few = count_queries()
    for index in range(25):
        stocked(VariantFactory(product=ProductFactory()), index, threshold=5)
    with django_assert_max_num_queries(few):
        client.get(reverse("inventory:low_stock"), {"state": "all"})
    assert few <= 8


# --- one product's stock --------------------------------------------------------------------


def test_product_page_shows_each_variant_on_sale_with_its_forms(client, stock_manager,
                                                                stocked):
    product = ProductFactory(title="纯棉T恤")
    red = stocked(VariantFactory(product=product, spec_label="红 / M"), 7, threshold=2)
    VariantFactory(product=product, spec_label="蓝 / M")
    VariantFactory(product=product, spec_label="旧款", is_active=False)

    page = client.get(product_url(red), **EN).content.decode()

    assert "红 / M" in page and "蓝 / M" in page and "旧款" not in page
    assert page.count('name="quantity"') == 2 and page.count('name="threshold"') == 2
    assert f'id="id_{red.public_id}_quantity"' in page, "field ids are unique on the page"
    assert 'value="2"' in page, "the current threshold is filled in"
    assert 'hx-post="' + change_url(red) in page
    assert page.count("<details open>") == 2, "a few variants: every form is shown"


def test_product_page_with_many_variants_folds_the_forms_unless_asked(client, stock_manager):
    product = ProductFactory()
    variants = [VariantFactory(product=product) for _index in range(views.FORMS_OPEN_UP_TO + 1)]
    page = client.get(product_url(variants[0])).content.decode()
    assert "<details open>" not in page and page.count("<details>") == len(variants)
    page = client.get(product_url(variants[2]), {"open": variants[2].public_id}).content.decode()
    assert page.count("<details open>") == 1
    assert page.index("<details open>") > page.index(f'id="v-{variants[2].public_id}"')


def test_product_page_is_a_fixed_number_of_queries(client, stock_manager, stocked,
                                                   django_assert_max_num_queries):
    product = ProductFactory()
    stocked(VariantFactory(product=product), 1)
    with django_assert_max_num_queries(1000) as captured:
        client.get(product_url(product.variants.first()))
    for _index in range(10):
        stocked(VariantFactory(product=product), 3)
    with django_assert_max_num_queries(len(captured)):
        client.get(product_url(product.variants.first()))


def test_adding_removing_and_counting_stock_with_plain_posts(client, stock_manager, variant):
    response = client.post(change_url(variant), {"mode": "change", "quantity": "+12",
                                                 "reason": "restock", "note": "到货"}, **EN)
    assert response.status_code == 302
    assert response["Location"] == f"{product_url(variant)}#v-{variant.public_id}"
    page = client.get(response["Location"], **EN).content.decode()
    assert "Stock of “真丝围巾 红 / M” is now 12." in page

    client.post(change_url(variant), {"mode": "change", "quantity": "-2", "reason": "damage"})
    client.post(change_url(variant), {"mode": "count", "quantity": "9", "reason": "restock"})
    assert quantity_of(variant) == 9
    movements = list(StockMovement.objects.order_by("id").values_list(
        "delta", "reason", "note", "actor"))
    assert movements == [(12, "restock", "到货", stock_manager.pk),
                         (-2, "damage", "", stock_manager.pk),
                         (-1, "stocktake", "", stock_manager.pk)]

    response = client.post(change_url(variant), {"mode": "count", "quantity": "9",
                                                 "reason": "adjustment"}, follow=True, **EN)
    assert "nothing to change" in response.content.decode()
    assert StockMovement.objects.count() == 3


@pytest.mark.parametrize(("data", "message"), [
    ({"mode": "change", "quantity": "abc", "reason": "restock"}, "Enter a whole number."),
    ({"mode": "change", "quantity": "1.5", "reason": "restock"}, "Enter a whole number."),
    ({"mode": "change", "quantity": "0", "reason": "adjustment"},
     "Enter a change other than zero."),
    ({"mode": "change", "quantity": "999999999999999999999", "reason": "restock"},
     "less than or equal to 100000000"),
    ({"mode": "change", "quantity": "", "reason": "restock"}, "This field is required."),
    ({"mode": "change", "quantity": "5", "reason": "sale"}, "Select a valid choice."),
    ({"mode": "change", "quantity": "5", "reason": "stolen"}, "Select a valid choice."),
    ({"mode": "teleport", "quantity": "5", "reason": "restock"}, "Select a valid choice."),
    ({"mode": "count", "quantity": "-1", "reason": "stocktake"},
     "A counted quantity cannot be negative."),
    ({"mode": "change", "quantity": "5", "reason": "restock", "note": "长" * 201},
     "at most 200 characters"),
    ({"mode": "change", "quantity": "-5", "reason": "restock"},
     "“Restock” adds stock; enter a positive number."),
    ({"mode": "change", "quantity": "-50", "reason": "damage"},
     "Not enough stock of “真丝围巾 红 / M”: 3 available, 50 requested."),
])
def test_bad_input_shows_a_clear_message_and_writes_nothing(client, stock_manager, variant,
                                                            stocked, data, message):
    stocked(variant, 3)
    response = client.post(change_url(variant), data, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was changed" in page
    assert message in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert f'id="v-{variant.public_id}"' in page, "the product page, with the form kept"
    assert quantity_of(variant) == 3 and StockMovement.objects.count() == 1


def test_htmx_change_returns_the_card_with_the_new_quantity(client, stock_manager, variant,
                                                            stocked):
    stocked(variant, 3)
    response = client.post(change_url(variant), {"mode": "change", "quantity": "4",
                                                 "reason": "restock"},
                           HTTP_HX_REQUEST="true", **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith(f'<section class="card" id="v-{variant.public_id}">')
    assert "<html" not in page
    assert "is now 7" in page and "data-quantity>7<" in page

    response = client.post(change_url(variant), {"mode": "change", "quantity": "-70",
                                                 "reason": "damage"},
                           HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200, "htmx swaps only successful answers"
    assert "7 available" in response.content.decode() and quantity_of(variant) == 7


def test_threshold_form(client, stock_manager, variant, stocked):
    stocked(variant, 3)
    response = client.post(threshold_url(variant), {"threshold": "5"}, follow=True, **EN)
    assert "listed as low on stock at 5 or fewer" in response.content.decode()
    assert StockLevel.objects.get(variant=variant).low_stock_threshold == 5

    for bad in ("-1", "x", "", "1000000000"):
        response = client.post(threshold_url(variant), {"threshold": bad}, **EN)
        assert "Nothing was changed" in response.content.decode()
    response = client.post(threshold_url(variant), {"threshold": "x"},
                           HTTP_HX_REQUEST="true", **EN)
    assert "Enter a whole number." in response.content.decode()
    assert StockLevel.objects.get(variant=variant).low_stock_threshold == 5


# --- movements ------------------------------------------------------------------------------


def test_movements_page_shows_the_ledger_newest_first_paginated(
        client, stock_manager, variant, django_assert_max_num_queries):
    services.adjust_stock(variant=variant, delta=40, reason="restock", actor=stock_manager,
                          note="首批到货")
    for _index in range(34):
        services.adjust_stock(variant=variant, delta=-1, reason="damage")
    other = VariantFactory()
    services.adjust_stock(variant=other, delta=99, reason="restock")
    url = reverse("inventory:movements", args=[variant.public_id])

    with django_assert_max_num_queries(10):
        page = client.get(url, **EN).content.decode()
    assert "6 in stock" in page and "+99" not in page
    assert page.count('<li class="row">') == 30
    assert "Page 1 of 2" in page and "首批到货" not in page, "newest first"
    page = client.get(url, {"page": 2}, **EN).content.decode()
    assert "首批到货" in page and "+40" in page and "left 40" in page
    assert str(stock_manager) in page and "Restock" in page

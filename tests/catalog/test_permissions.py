"""Who may open every catalog page and call every catalog endpoint.

Pages: anonymous visitors are sent to log in; staff without the catalog area and agents get
403; staff with the area and the owner get the page. API: everybody reads what the shop shows;
only the owner and staff with the area write.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.catalog.conftest import new_product, picture_bytes, upload
from tests.factories import UserFactory
from weishang.catalog import services
from weishang.catalog.models import Category

USERS = ["anonymous", "staff", "agent", "catalog_staff", "owner"]
MANAGERS = {"catalog_staff", "owner"}


def make_user(kind):
    if kind == "anonymous":
        return None
    if kind == "owner":
        return UserFactory(role="owner")
    if kind == "catalog_staff":
        return UserFactory(role="staff", areas=["catalog"])
    if kind == "staff":
        return UserFactory(role="staff", areas=["inventory", "orders"])
    return UserFactory(role="agent")


@dataclass
class Shop:
    product: object  # on shelf, with a picture
    hidden: object  # off shelf
    category: object  # empty, may be deleted

    @property
    def image(self):
        return self.product.images.get()


@pytest.fixture
def shop(db):
    product = services.set_on_shelf(new_product(title="上架"), True)
    services.add_image(product, upload(picture_bytes()))
    return Shop(product=product, hidden=new_product(title="下架"),
                category=Category.objects.create(name="空分类"))


# (name, method, url builder, data, status for managers)
PAGES = [
    ("product_list", "get", lambda s: reverse("catalog:product_list"), None, 200),
    ("product_create", "get", lambda s: reverse("catalog:product_create"), None, 200),
    ("product_create_post", "post", lambda s: reverse("catalog:product_create"), {}, 200),
    ("variant_grid", "post", lambda s: reverse("catalog:variant_grid"), {}, 200),
    ("product_detail", "get",
     lambda s: reverse("catalog:product_detail", args=[s.product.public_id]), None, 200),
    ("product_edit", "get",
     lambda s: reverse("catalog:product_edit", args=[s.product.public_id]), None, 200),
    ("product_edit_post", "post",
     lambda s: reverse("catalog:product_edit", args=[s.product.public_id]), {}, 200),
    ("product_shelf", "post",
     lambda s: reverse("catalog:product_shelf", args=[s.hidden.public_id]), {"on_shelf": "1"},
     302),
    ("product_duplicate", "post",
     lambda s: reverse("catalog:product_duplicate", args=[s.product.public_id]), {}, 302),
    ("image_upload", "post",
     lambda s: reverse("catalog:image_upload", args=[s.product.public_id]), {}, 400),
    ("image_move", "post",
     lambda s: reverse("catalog:image_move", args=[s.product.public_id, s.image.public_id]),
     {"direction": "up"}, 302),
    ("image_delete", "post",
     lambda s: reverse("catalog:image_delete", args=[s.product.public_id, s.image.public_id]),
     {}, 302),
    ("category_list", "get", lambda s: reverse("catalog:category_list"), None, 200),
    ("category_create", "get", lambda s: reverse("catalog:category_create"), None, 200),
    ("category_create_post", "post", lambda s: reverse("catalog:category_create"),
     {"name": ""}, 200),
    ("category_edit", "get",
     lambda s: reverse("catalog:category_edit", args=[s.category.public_id]), None, 200),
    ("category_delete", "get",
     lambda s: reverse("catalog:category_delete", args=[s.category.public_id]), None, 200),
    ("category_delete_post", "post",
     lambda s: reverse("catalog:category_delete", args=[s.category.public_id]), {}, 302),
]


@pytest.mark.parametrize("kind", USERS)
@pytest.mark.parametrize(("name", "method", "url", "data", "allowed"), PAGES,
                         ids=[page[0] for page in PAGES])
def test_console_pages(client, shop, kind, name, method, url, data, allowed):
    user = make_user(kind)
    if user is not None:
        client.force_login(user)
    target = url(shop)
    response = getattr(client, method)(target, data) if data is not None else getattr(
        client, method)(target)
    if kind == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif kind in MANAGERS:
        assert response.status_code == allowed
    else:
        assert response.status_code == 403


def test_every_catalog_url_is_in_the_matrix():
    from weishang.catalog.urls import urlpatterns

    covered = {page[0].removesuffix("_post") for page in PAGES}
    assert {pattern.name for pattern in urlpatterns} == covered


# (name, method, url builder, data, status for managers, status for everybody else or None
#  when they are refused: 401 anonymous, 403 logged in)
ENDPOINTS = [
    ("categories_list", "get", lambda s: "/api/v1/categories/", None, 200, 200),
    ("categories_create", "post", lambda s: "/api/v1/categories/", {"name": "新"}, 201, None),
    ("categories_retrieve", "get", lambda s: f"/api/v1/categories/{s.category.public_id}/",
     None, 200, 200),
    ("categories_update", "put", lambda s: f"/api/v1/categories/{s.category.public_id}/",
     {"name": "改"}, 200, None),
    ("categories_partial_update", "patch",
     lambda s: f"/api/v1/categories/{s.category.public_id}/", {"position": 3}, 200, None),
    ("categories_destroy", "delete", lambda s: f"/api/v1/categories/{s.category.public_id}/",
     None, 204, None),
    ("products_list", "get", lambda s: "/api/v1/products/", None, 200, 200),
    ("products_create", "post", lambda s: "/api/v1/products/",
     {"title": "新", "variants": [{"retail_price": "1"}]}, 201, None),
    ("products_retrieve", "get", lambda s: f"/api/v1/products/{s.product.public_id}/", None,
     200, 200),
    ("products_retrieve_hidden", "get", lambda s: f"/api/v1/products/{s.hidden.public_id}/",
     None, 200, 404),
    ("products_update", "put", lambda s: f"/api/v1/products/{s.product.public_id}/",
     {"title": "改"}, 200, None),
    ("products_partial_update", "patch", lambda s: f"/api/v1/products/{s.product.public_id}/",
     {"title": "改"}, 200, None),
    ("products_shelf_create", "post",
     lambda s: f"/api/v1/products/{s.product.public_id}/shelf/", {"on_shelf": False}, 200,
     None),
    ("products_duplicate_create", "post",
     lambda s: f"/api/v1/products/{s.product.public_id}/duplicate/", None, 201, None),
    ("products_images_create", "post",
     lambda s: f"/api/v1/products/{s.product.public_id}/images/", "picture", 201, None),
    ("products_images_destroy", "delete",
     lambda s: f"/api/v1/products/{s.product.public_id}/images/{s.image.public_id}/", None,
     204, None),
    ("variants_retrieve", "get",
     lambda s: f"/api/v1/variants/{s.product.variants.get().public_id}/", None, 200, 200),
    ("variants_update", "put",
     lambda s: f"/api/v1/variants/{s.product.variants.get().public_id}/",
     {"retail_price": "5"}, 200, None),
    ("variants_partial_update", "patch",
     lambda s: f"/api/v1/variants/{s.product.variants.get().public_id}/",
     {"retail_price": "5"}, 200, None),
]


@pytest.mark.parametrize("kind", USERS)
@pytest.mark.parametrize(("name", "method", "url", "data", "allowed", "public"), ENDPOINTS,
                         ids=[endpoint[0] for endpoint in ENDPOINTS])
def test_api_endpoints(shop, kind, name, method, url, data, allowed, public):
    client = APIClient()
    user = make_user(kind)
    if user is not None:
        client.force_authenticate(user)
    if data == "picture":
        response = client.post(url(shop), {"image": upload(picture_bytes())},
                               format="multipart")
    else:
        response = getattr(client, method)(url(shop), data, format="json")
    if kind in MANAGERS:
        assert response.status_code == allowed, response.content
    elif public is not None:
        assert response.status_code == public
    else:
        assert response.status_code == (401 if kind == "anonymous" else 403)
        assert response.json()["code"] in ("not_authenticated", "permission_denied")


def test_every_catalog_endpoint_is_in_the_matrix(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operations = {
        operation["operationId"]
        for path, methods in schema["paths"].items()
        if path.startswith(("/api/v1/products", "/api/v1/categories", "/api/v1/variants"))
        for operation in methods.values()
    }
    covered = {endpoint[0].removesuffix("_hidden") for endpoint in ENDPOINTS}
    assert operations == covered

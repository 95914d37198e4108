"""The agent's own API: profile, hidden products, their shop's orders and their team."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.api_clients import english_client
from tests.factories import AgentFactory
from weishang.network.models import HiddenProduct
from weishang.orders import services as orders
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db
API = "/api/v1/agent/"


def png():
    output = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(output, "PNG")
    return SimpleUploadedFile("qr.png", output.getvalue(), content_type="image/png")


@pytest.fixture
def agent(owner):
    return AgentFactory(name="小美")


@pytest.fixture
def api(agent):
    return english_client(agent.user)


@pytest.fixture
def sold(agent, stocked, recipient):
    variant = stocked(5, price="66.00", title="桂花乌龙")
    return orders.place_order(shop=agent.user.shop, lines=[CartLine(variant.public_id, 1)],
                              recipient=recipient)


def test_the_profile_is_read_and_changed(api, agent):
    body = api.get(f"{API}profile/").json()
    assert body["name"] == "小美" and body["code"] == agent.code
    assert body["level"]["name"] == agent.level.name
    assert body["shop_url"].endswith(f"/s/{agent.user.shop.code}/")
    changed = api.patch(f"{API}profile/", {"wechat_id": "mei_88", "wechat_qr": png()},
                        format="multipart")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["wechat_id"] == "mei_88" and changed.json()["name"] == "小美"
    assert changed.json()["wechat_qr"]
    removed = api.patch(f"{API}profile/", {"wechat_qr": None}, format="json")
    assert removed.json()["wechat_qr"] is None


@pytest.mark.parametrize("data, field", [
    ({"name": ""}, "name"),
    ({"name": "长" * 31}, "name"),
])
def test_bad_profile_input_is_a_400_naming_the_field(api, agent, data, field):
    response = api.patch(f"{API}profile/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    agent.refresh_from_db()
    assert agent.name == "小美"


def test_a_file_that_is_not_a_picture_is_refused(api, agent):
    upload = SimpleUploadedFile("a.png", b"nope", content_type="image/png")
    response = api.patch(f"{API}profile/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_image"
    assert "avatar" in response.json()["fields"]
    agent.refresh_from_db()
    assert not agent.avatar


def test_products_are_hidden_listed_and_shown_again(api, agent, stocked):
    product = stocked(2, title="玫瑰皂").product
    created = api.post(f"{API}hidden-products/", {"product": product.public_id}, format="json")
    assert created.status_code == 201
    assert api.post(f"{API}hidden-products/", {"product": product.public_id},
                    format="json").status_code == 201
    listed = api.get(f"{API}hidden-products/").json()
    assert [row["product"] for row in listed["results"]] == [product.public_id]
    assert api.delete(f"{API}hidden-products/{product.public_id}/").status_code == 204
    assert not HiddenProduct.objects.exists()


def test_hiding_an_unknown_product_is_a_400(api):
    response = api.post(f"{API}hidden-products/", {"product": "nope"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["product"]


def test_the_shops_orders_are_listed_and_read(api, sold):
    listed = api.get(f"{API}orders/").json()
    assert [row["number"] for row in listed["results"]] == [sold.number]
    assert api.get(f"{API}orders/", {"state": "paid"}).json()["count"] == 0
    detail = api.get(f"{API}orders/{sold.number}/").json()
    assert detail["lines"][0]["product_title"] == "桂花乌龙"
    assert detail["events"]


def test_the_team_is_direct_and_masked(api, agent):
    direct = AgentFactory(upline=agent, user__phone="13700001234")
    AgentFactory(upline=direct)
    rows = api.get(f"{API}team/").json()["results"]
    assert [row["id"] for row in rows] == [direct.public_id]
    assert rows[0]["phone"] == "137****1234"


def test_the_orders_list_query_count_does_not_grow(api, agent, stocked, recipient,
                                                    django_assert_max_num_queries):
    variant = stocked(20)
    for _ in range(5):
        orders.place_order(shop=agent.user.shop, lines=[CartLine(variant.public_id, 1)],
                           recipient=recipient)
    with django_assert_max_num_queries(8):
        assert api.get(f"{API}orders/").json()["count"] == 5

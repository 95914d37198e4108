"""REST API of customers, tags and notes: masked numbers, the same search as the console, and
refused input that changes nothing."""

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import UserFactory
from weishang.customers.models import AccessLog, Customer, CustomerNote

pytestmark = pytest.mark.django_db


def _list(client, **params):
    response = client.get(reverse("api:customer-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_list_masks_numbers_and_searches_like_the_console(owner, add_customer):
    add_customer(name="张三", phone="13812345678", tags="VIP")
    add_customer(name="李四", phone="13900001111")
    client = english_client(owner)
    body = _list(client)
    assert body["count"] == 2
    assert {row["phone"] for row in body["results"]} == {"138****5678", "139****1111"}
    assert [row["name"] for row in _list(client, search="zs")["results"]] == ["张三"]
    assert [row["name"] for row in _list(client, search="1111")["results"]] == ["李四"]
    assert [row["name"] for row in _list(client, tag="VIP")["results"]] == ["张三"]
    zhang = _list(client, search="张")["results"][0]
    assert zhang["tags"] == ["VIP"] and zhang["total_spent"] == "0.00"


def test_bad_filters_are_refused(owner):
    response = english_client(owner).get(reverse("api:customer-list"), {"spent_min": "lots"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "spent_min" in response.json()["fields"]


@pytest.mark.parametrize("count", [3, 30], ids=["3", "30"])
def test_list_takes_a_fixed_number_of_queries(owner, add_customer, count,
                                              django_assert_max_num_queries):
    for index in range(count):
        add_customer(name=f"王{index}", phone=f"1381234{index:04d}", tags="VIP 宝妈")
    client = english_client(owner)
    with django_assert_max_num_queries(6):
        body = _list(client, search="wang")
    assert body["count"] == count


def test_create_update_and_retrieve(owner):
    client = english_client(owner)
    response = client.post(reverse("api:customer-list"), {
        "name": "单小明", "phone": "13812345678", "tags": ["VIP", "宝妈"],
        "birthday": "1990-05-20", "source_channel": "chat"}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    # The owner is the seller: the full number.
    assert created["phone"] == "13812345678" and created["phone_masked"] is False
    assert created["source_channel_name"] == "Taken in chat"
    url = reverse("api:customer-detail", args=[created["id"]])
    response = client.patch(url, {"wechat_id": "xm_shan", "tags": []}, format="json")
    assert response.status_code == 200
    assert response.json()["wechat_id"] == "xm_shan" and response.json()["tags"] == []
    assert response.json()["name"] == "单小明"


def test_bad_input_is_refused_and_nothing_is_saved(owner, add_customer):
    add_customer(name="张三", phone="13812345678")
    client = english_client(owner)
    for payload, status_code, field in [
        ({"name": "李四", "phone": "13812345678"}, 409, None),
        ({"name": "李四", "phone": "123"}, 400, "phone"),
        ({"name": ""}, 400, "name"),
        ({"phone": "13900001111"}, 400, "name"),
        ({"name": "李四", "gender": "x"}, 400, "gender"),
        ({"name": "李四", "tags": ["a" * 21]}, 400, "tags"),
        ({"name": "李四", "source_channel": "nowhere"}, 400, "source_channel"),
    ]:
        response = client.post(reverse("api:customer-list"), payload, format="json")
        assert response.status_code == status_code, payload
        if field:
            assert field in response.json()["fields"], payload
    assert Customer.objects.count() == 1


def test_notes(owner, add_customer):
    customer = add_customer()
    client = english_client(owner)
    url = reverse("api:customer-notes", args=[customer.public_id])
    response = client.post(url, {"text": "喜欢蓝色"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == "owner"
    response = client.post(url, {"text": "身份证 11010519491231002X"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Do not store ID card numbers")
    assert [note["text"] for note in client.get(url).json()["results"]] == ["喜欢蓝色"]
    assert CustomerNote.objects.count() == 1


def test_tags_with_counts(owner, add_customer):
    add_customer(name="张三", phone="13812345678", tags="VIP 宝妈")
    add_customer(name="李四", phone="13900001111", tags="VIP")
    body = english_client(owner).get(reverse("api:tag-list")).json()
    assert body["results"] == [{"name": "VIP", "customers": 2}, {"name": "宝妈", "customers": 1}]


def test_staff_see_masked_numbers_and_reveal_is_logged(add_customer):
    customer = add_customer(phone="13812345678")
    staff = UserFactory(role="staff", areas=["customers"])
    client = english_client(staff)
    url = reverse("api:customer-detail", args=[customer.public_id])
    body = client.get(url).json()
    assert body["phone"] == "138****5678" and body["phone_masked"] is True
    response = client.post(reverse("api:customer-reveal-phone", args=[customer.public_id]))
    assert response.json() == {"phone": "13812345678"}
    assert AccessLog.objects.get().actor == staff


def test_others_are_kept_out(add_customer):
    customer = add_customer()
    url = reverse("api:customer-detail", args=[customer.public_id])
    assert english_client().get(url).status_code in (401, 403)
    assert english_client(UserFactory(role="staff", areas=["orders"])).get(
        url).status_code == 403
    response = english_client(UserFactory(role="staff", areas=["customers"])).post(
        reverse("api:customer-erase", args=[customer.public_id]))
    assert response.status_code == 403
    assert response.json()["message"] == "Only the owner can erase a customer's data."
    assert english_client(UserFactory(role="staff", areas=["customers"])).get(
        reverse("api:customer-detail", args=["0" * 32])).status_code == 404

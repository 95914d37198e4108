"""REST API of customers, tags and notes: masked numbers, the same search as the console,
refused input that changes nothing, and agents with their own customers only (agent A against
agent B's on every endpoint)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import AgentFactory, UserFactory
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


# -- Agents: their own customers only, like the console pages ---------------------------------

@pytest.fixture
def agents_customers(add_customer):
    """Agent A and their customer, agent B's customer (with a note), and the owner's."""
    agent_a, agent_b = AgentFactory(), AgentFactory()
    mine = add_customer(name="甲的客户", phone="13812345678", tags="VIP", actor=agent_a.user)
    theirs = add_customer(name="乙的客户", phone="13900001111", tags="宝妈",
                          actor=agent_b.user)
    theirs.notes.create(text="乙的备注", author=agent_b.user)
    add_customer(name="店主的客户", phone="13700002222", tags="老客")
    return SimpleNamespace(client=english_client(agent_a.user), agent=agent_a, mine=mine,
                           theirs=theirs)


def test_an_agent_lists_and_counts_only_their_own_customers(agents_customers):
    client = agents_customers.client
    body = _list(client)
    assert [row["name"] for row in body["results"]] == ["甲的客户"]
    assert body["results"][0]["phone"] == "138****5678"  # lists mask, as the console's does
    assert _list(client, search="乙")["count"] == 0
    assert _list(client, tag="宝妈")["count"] == 0
    assert client.get(reverse("api:tag-list")).json()["results"] == [
        {"name": "VIP", "customers": 1}]


def test_an_agent_reads_changes_and_notes_their_own_customer(agents_customers):
    client, mine = agents_customers.client, agents_customers.mine
    url = reverse("api:customer-detail", args=[mine.public_id])
    body = client.get(url).json()
    assert body["phone"] == "13812345678" and body["phone_masked"] is False  # their own
    response = client.patch(url, {"wechat_id": "jia_kehu"}, format="json")
    assert response.status_code == 200 and response.json()["wechat_id"] == "jia_kehu"
    notes = reverse("api:customer-notes", args=[mine.public_id])
    assert client.post(notes, {"text": "喜欢普洱"}).status_code == 201
    assert [note["text"] for note in client.get(notes).json()["results"]] == ["喜欢普洱"]
    assert client.post(reverse("api:customer-reveal-phone", args=[mine.public_id])).json() == {
        "phone": "13812345678"}
    export = client.post(reverse("api:customer-export", args=[mine.public_id]))
    assert export.status_code == 200 and export.json()["customer"]["name"] == "甲的客户"


def test_a_customer_an_agent_adds_by_api_is_their_own(agents_customers):
    response = agents_customers.client.post(reverse("api:customer-list"),
                                            {"name": "新客户", "phone": "13600001111"})
    assert response.status_code == 201 and response.json()["phone"] == "13600001111"
    assert Customer.objects.get(name="新客户").seller == agents_customers.agent.user


def test_only_the_owner_erases_even_an_agents_own_customer(agents_customers):
    response = agents_customers.client.post(
        reverse("api:customer-erase", args=[agents_customers.mine.public_id]))
    assert response.status_code == 403
    assert not Customer.objects.get(pk=agents_customers.mine.pk).is_erased


@pytest.mark.parametrize("method, route, data", [
    ("get", "api:customer-detail", None),
    ("patch", "api:customer-detail", {"name": "改名"}),
    ("get", "api:customer-notes", None),
    ("post", "api:customer-notes", {"text": "偷看"}),
    ("post", "api:customer-reveal-phone", None),
    ("post", "api:customer-export", {"file_format": "json"}),
    ("post", "api:customer-erase", None),
], ids=lambda value: value if isinstance(value, str) else "")
def test_agent_bs_customer_does_not_exist_for_agent_a(agents_customers, method, route, data):
    theirs = agents_customers.theirs
    response = getattr(agents_customers.client, method)(
        reverse(route, args=[theirs.public_id]), data, format="json")
    assert response.status_code == 404
    assert "乙" not in response.content.decode() and "13900001111" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "乙的客户" and not theirs.is_erased
    assert list(theirs.notes.values_list("text", flat=True)) == ["乙的备注"]
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("route", ["api:follow-up-list", "api:customers-today",
                                   "api:customer_import", "api:customer_export"])
def test_the_owners_care_import_and_bulk_export_stay_closed_to_agents(agents_customers, route):
    assert agents_customers.client.get(reverse(route)).status_code == 403

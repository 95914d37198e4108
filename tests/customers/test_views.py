"""Customer care pages: list with live search, detail, forms, and who may open them."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AgentFactory, UserFactory
from weishang.customers.models import AccessLog, Customer

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_list_shows_masked_numbers_tags_and_totals(owner_client, add_customer):
    add_customer(name="张三", phone="13955556666", tags="VIP")
    page = owner_client.get(reverse("customers:list"), **EN).content.decode()
    assert "张三" in page and "139****6666" in page and "13955556666" not in page
    assert "VIP" in page and "¥0.00" in page
    assert 'hx-trigger="input changed delay:300ms' in page


def test_the_owners_list_names_the_agent_of_an_agents_record(owner_client, add_customer):
    """A person at the owner's shop and at an agent's is two rows; the agent's says whose."""
    agent = AgentFactory(name="乙")
    agent.user.display_name = "乙姐"
    agent.user.save()
    add_customer(name="张三", phone="13812345678")
    add_customer(name="张三", phone="13812345678", actor=agent.user)
    page = owner_client.get(reverse("customers:list"), **EN).content.decode()
    assert page.count("data-customer=") == 2
    assert page.count("data-agent>") == 1 and "agent 乙姐" in page
    agent_client = Client()
    agent_client.force_login(agent.user)
    own = agent_client.get(reverse("customers:list"), **EN).content.decode()
    assert own.count("data-customer=") == 1 and "data-agent>" not in own


def test_live_search_returns_only_the_results(owner_client, add_customer):
    add_customer(name="张三", phone="13812345678")
    add_customer(name="李四", phone="13900001111")
    response = owner_client.get(reverse("customers:list"), {"q": "zs"}, HTTP_HX_REQUEST="true",
                                **EN)
    body = response.content.decode()
    assert "<html" not in body
    assert "张三" in body and "李四" not in body
    assert 'data-count="1"' in body


@pytest.mark.parametrize("count", [3, 30], ids=["3", "30"])
def test_list_and_search_take_a_fixed_number_of_queries(owner_client, add_customer,
                                                        django_assert_max_num_queries, count):
    for index in range(count):
        add_customer(name=f"张{index}", phone=f"1381234{index:04d}", tags="VIP 宝妈")
    with django_assert_max_num_queries(9):
        assert owner_client.get(reverse("customers:list"), **EN).status_code == 200
    # Session, user, tags and channels for the filters, tags named "zhang", any name match,
    # count, rows, their tags: the same for 3 customers as for 30.
    with django_assert_max_num_queries(9):
        response = owner_client.get(reverse("customers:list"), {"q": "zhang"},
                                    HTTP_HX_REQUEST="true", **EN)
    assert response.content.decode().count("data-customer=") == min(count, 20)


def test_filters_narrow_the_list(owner_client, add_customer):
    add_customer(name="张三", phone="13812345678", tags="VIP", source_channel="chat")
    add_customer(name="李四", phone="13900001111", source_channel="shop")
    body = owner_client.get(reverse("customers:list"), {"tag": "VIP"}, **EN).content.decode()
    assert "张三" in body and "李四" not in body
    body = owner_client.get(reverse("customers:list"), {"channel": "shop"}, **EN).content.decode()
    assert "李四" in body and "张三" not in body
    body = owner_client.get(reverse("customers:list"), {"spent_min": "abc"},
                            **EN).content.decode()
    assert "张三" in body and "李四" in body  # a bad filter value is ignored


def test_create_edit_and_detail(owner_client):
    response = owner_client.post(reverse("customers:create"), {
        "name": "单小明", "phone": "138 1234 5678", "wechat_id": "xm_shan", "gender": "m",
        "birthday": "1990-05-20", "province": "广东省", "city": "深圳市", "district": "南山区",
        "source_channel": "chat", "tags": "VIP，宝妈"}, **EN)
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.public_id])
    page = owner_client.get(response["Location"], **EN).content.decode()
    # The owner is this customer's seller: the full number shows.
    assert "13812345678" in page and "xm_shan" in page and "宝妈" in page
    assert "Taken in chat" in page
    response = owner_client.post(reverse("customers:edit", args=[customer.public_id]), {
        "name": "单晓明", "phone": "13812345678", "tags": "VIP"}, **EN)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "单晓明" and customer.wechat_id == ""
    assert list(customer.tags.values_list("name", flat=True)) == ["VIP"]


def test_bad_form_input_shows_the_message_and_saves_nothing(owner_client, add_customer):
    add_customer(name="张三", phone="13812345678")
    response = owner_client.post(reverse("customers:create"), {
        "name": "李四", "phone": "13812345678"}, **EN)
    assert response.status_code == 400
    assert "A customer with this mobile number is in your list already." in (
        response.content.decode())
    response = owner_client.post(reverse("customers:create"), {
        "name": "李四", "phone": "123"}, **EN)
    assert response.status_code == 400
    assert "Enter a mainland China mobile number" in response.content.decode()
    assert Customer.objects.count() == 1


def test_notes_and_addresses_from_the_page(owner_client, add_customer):
    customer = add_customer()
    url = reverse("customers:add_note", args=[customer.public_id])
    assert owner_client.post(url, {"text": "喜欢蓝色"}).status_code == 302
    response = owner_client.post(url, {"text": "身份证110105194912310021"}, **EN)
    assert response.status_code == 400
    assert "Do not store ID card numbers" in response.content.decode()
    response = owner_client.post(reverse("customers:add_address", args=[customer.public_id]), {
        "paste": "李四 13900001111 上海市浦东新区世纪大道1号"}, **EN)
    assert response.status_code == 302
    address = customer.addresses.get()
    assert (address.recipient_name, address.province, address.district) == (
        "李四", "上海市", "浦东新区")
    page = owner_client.get(reverse("customers:detail", args=[customer.public_id]),
                            **EN).content.decode()
    assert "喜欢蓝色" in page and "世纪大道1号" in page and "13900001111" in page
    assert owner_client.post(reverse("customers:remove_address",
                                     args=[customer.public_id, address.pk])).status_code == 302
    assert not customer.addresses.exists()


def test_staff_without_the_area_and_anonymous_visitors_are_kept_out(client, add_customer):
    customer = add_customer()
    detail = reverse("customers:detail", args=[customer.public_id])
    assert client.get(detail).status_code == 302
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(reverse("customers:list")).status_code == 403
    assert client.get(detail).status_code == 403


def test_agents_get_404_for_someone_elses_customer(client, add_customer):
    customer = add_customer()
    agent = UserFactory(role="agent")
    client.force_login(agent)
    # Agents have no console area yet; once they do, customers_for keeps them to their own.
    assert client.get(reverse("customers:detail", args=[customer.public_id])).status_code in (
        403, 404)


def test_staff_see_a_masked_number_and_revealing_it_is_logged(client, add_customer):
    customer = add_customer(phone="13955556666")
    staff = UserFactory(role="staff", areas=["customers"])
    client.force_login(staff)
    detail = reverse("customers:detail", args=[customer.public_id])
    page = client.get(detail, **EN).content.decode()
    assert "139****6666" in page and "13955556666" not in page
    response = client.post(reverse("customers:reveal_phone", args=[customer.public_id]),
                           HTTP_HX_REQUEST="true", **EN)
    assert "13955556666" in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.customer, entry.action) == (staff, customer, "reveal_phone")
    # Without htmx the whole page comes back with the number shown.
    page = client.post(reverse("customers:reveal_phone", args=[customer.public_id]),
                       **EN).content.decode()
    assert "13955556666" in page
    assert AccessLog.objects.count() == 2


def test_access_log_is_for_the_owner(owner_client, add_customer):
    customer = add_customer(phone="13812345678")
    staff = UserFactory(role="staff", areas=["customers"], username="helper")
    client = Client()
    client.force_login(staff)
    client.post(reverse("customers:reveal_phone", args=[customer.public_id]))
    assert client.get(reverse("customers:access_log")).status_code == 403
    page = owner_client.get(reverse("customers:access_log"), **EN).content.decode()
    assert "Revealed the mobile number" in page and "helper" in page and "张三" in page


def test_admin_masks_numbers_and_keeps_the_access_log_read_only(client, owner, add_customer):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    customer = add_customer(phone="13955556666")
    listing = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "139****6666" in listing and "13955556666" not in listing
    detail = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert detail.status_code == 200 and "13955556666" not in detail.content.decode()
    assert client.get(reverse("admin:customers_accesslog_add")).status_code == 403
    assert client.get(reverse("admin:customers_customer_add")).status_code == 403


def test_segment_filter(owner_client, owner, stocked, place):
    from weishang.orders import services as orders

    orders.confirm_payment(place(stocked(price="999.00")), actor=owner)
    page = owner_client.get(reverse("customers:list"), {"segment": "important_growth"},
                            **EN).content.decode()
    assert 'data-count="1"' in page and "张三" in page
    page = owner_client.get(reverse("customers:list"), {"segment": "general_winback"},
                            **EN).content.decode()
    assert 'data-count="0"' in page


@pytest.mark.parametrize("orders", [1, 8], ids=["1", "8"])
def test_detail_takes_a_fixed_number_of_queries(owner_client, stocked, place, orders,
                                                django_assert_max_num_queries):
    for _ in range(orders):
        place(stocked())
    customer = Customer.objects.get()
    # Session and user, the customer with tags, addresses, notes and orders, the follow-ups,
    # the same person at other sellers, the channel names, the console's badges.
    with django_assert_max_num_queries(12):
        page = owner_client.get(reverse("customers:detail", args=[customer.public_id]), **EN)
    assert page.content.decode().count("data-order=") == orders

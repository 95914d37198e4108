"""Personal data under PIPL: masked numbers, logged reveals and exports, and erasure that
leaves nothing personal anywhere while the order totals stay the same."""

import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import UserFactory
from weishang.core.errors import Conflict, NotPermitted
from weishang.customers import services
from weishang.customers.models import AccessLog, Customer, FollowUp, Tag
from weishang.orders import services as orders
from weishang.orders.models import Order
from weishang.orders.services import Recipient

pytestmark = pytest.mark.django_db

# Everything personal the customer below has; none of it may show after erasure.
PERSONAL = ["尉迟敬德", "yuchijingde", "13955556666", "5556666", "jingde_wx", "1988-08-08",
            "成华区", "春熙路99号", "喜欢蓝色", "老客户VIP", "SF1234567890123"]


WHO = Recipient(name="尉迟敬德", phone="13955556666", province="四川省", city="成都市",
                district="成华区", street="春熙路99号", note="周末送")
TRACKING = "SF1234567890123"


@pytest.fixture
def open_orders(owner, stocked, place):
    """The customer's orders while under way: one paid and one awaiting payment."""
    paid = orders.confirm_payment(place(stocked(price="88.00"), recipient=WHO), actor=owner)
    return paid, place(stocked(price="20.00"), recipient=WHO)


@pytest.fixture
def customer(owner, open_orders):
    """A customer whose orders are over (one completed, one cancelled), with everything a
    seller keeps about them."""
    paid, unpaid = open_orders
    shipped = orders.ship_order(paid, actor=owner, carrier="sf", tracking_number=TRACKING)
    orders.complete_order(shipped, actor=owner)
    orders.cancel_order(unpaid, actor=owner)
    customer = Customer.objects.get(phone="13955556666")
    services.update_customer(owner, customer, wechat_id="jingde_wx", birthday="1988-08-08",
                             tags="老客户VIP")
    services.add_note(owner, customer, "喜欢蓝色")
    FollowUp.objects.create(customer=customer, seller=owner, due_on="2030-01-01",
                            note="回访 尉迟敬德")
    customer.refresh_from_db()
    assert customer.total_spent == paid.payable
    return customer


def _texts_about(customer, client, api):
    """Everything the pages, the API and the exports show about the customer."""
    yield client.get(reverse("customers:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    yield client.get(reverse("customers:list"), {"q": "yuchi"}).content.decode()
    yield client.get(reverse("customers:detail", args=[customer.public_id])).content.decode()
    yield client.get(reverse("customers:access_log")).content.decode()
    for order in Order.objects.all():
        yield client.get(reverse("orders:detail", args=[order.number])).content.decode()
    yield client.get(reverse("orders:list")).content.decode()
    yield api.get(reverse("api:customer-list")).content.decode()
    yield api.get(reverse("api:customer-detail", args=[customer.public_id])).content.decode()
    yield api.get(reverse("api:customer-notes", args=[customer.public_id])).content.decode()
    yield api.get(reverse("api:tag-list")).content.decode()
    yield api.get(reverse("api:order-list")).content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get(reverse("customers:export_xlsx")).getvalue()))
    yield json.dumps([[cell for row in sheet.iter_rows(values_only=True) for cell in row]
                      for sheet in workbook], ensure_ascii=False, default=str)


def test_erasure_leaves_nothing_personal_and_the_totals_unchanged(owner, customer):
    client = Client()
    client.force_login(owner)
    api = english_client(owner)
    before = [text for text in _texts_about(customer, client, api)]
    assert any("尉迟敬德" in text for text in before)
    payable = sorted(Order.objects.values_list("payable", flat=True))
    total_spent, order_count = customer.total_spent, customer.order_count

    response = client.post(reverse("customers:erase", args=[customer.public_id]))
    assert response.status_code == 302

    for text in _texts_about(customer, client, api):
        for value in PERSONAL:
            assert value not in text
    customer.refresh_from_db()
    assert customer.is_erased
    assert (customer.total_spent, customer.order_count) == (total_spent, order_count)
    assert sorted(Order.objects.values_list("payable", flat=True)) == payable
    assert customer.order_links.count() == 2
    assert not customer.addresses.exists() and not customer.notes.exists()
    assert not customer.tags.exists() and not FollowUp.objects.filter(customer=customer).exists()
    entry = AccessLog.objects.get(action="erase")
    assert entry.actor == owner and entry.customer == customer
    assert all(value not in entry.detail for value in PERSONAL)
    detail = client.get(reverse("customers:detail", args=[customer.public_id]),
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Erased customer" in detail and "Personal data erased on" in detail


def test_a_new_order_from_the_same_number_starts_a_new_record(owner, customer, stocked,
                                                              place):
    services.erase_customer(owner, customer)
    place(stocked())
    assert Customer.objects.count() == 2
    assert Customer.objects.get(phone="13812345678").order_count == 0


def test_erased_data_cannot_be_exported_edited_or_erased_again(owner, english, customer):
    services.erase_customer(owner, customer)
    for change in (lambda: services.erase_customer(owner, customer),
                   lambda: services.export_customer(owner, customer, file_format="json"),
                   lambda: services.update_customer(owner, customer, name="又来了"),
                   lambda: services.add_note(owner, customer, "x"),
                   lambda: services.reveal_phone(owner, customer)):
        with pytest.raises(Conflict, match="This customer's data was erased"):
            change()


def test_only_the_owner_erases(customer, english):
    staff = UserFactory(role="staff", areas=["customers"])
    with pytest.raises(NotPermitted):
        services.erase_customer(staff, customer)
    client = Client()
    client.force_login(staff)
    assert client.post(reverse("customers:erase", args=[customer.public_id])).status_code == 403
    customer.refresh_from_db()
    assert not customer.is_erased


def test_erase_asks_for_confirmation_first(owner_client, customer):
    page = owner_client.get(reverse("customers:erase", args=[customer.public_id]),
                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This cannot be undone." in page and "data-confirm-erase" in page
    customer.refresh_from_db()
    assert not customer.is_erased


@pytest.mark.parametrize("file_format", ["json", "xlsx"])
def test_export_gives_the_customer_everything_and_is_logged(owner_client, owner, customer,
                                                            file_format):
    response = owner_client.post(reverse("customers:export", args=[customer.public_id]),
                                 {"format": file_format})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    if file_format == "json":
        text = response.content.decode()
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert len(workbook.sheetnames) == 4
        text = json.dumps([list(sheet.iter_rows(values_only=True)) for sheet in workbook],
                          ensure_ascii=False, default=str)
    for value in ("尉迟敬德", "13955556666", "jingde_wx", "1988-08-08", "春熙路99号",
                  "喜欢蓝色", "老客户VIP", "88.00"):
        assert value in text
    entry = AccessLog.objects.get(action="export")
    assert (entry.actor, entry.customer, entry.detail) == (owner, customer, file_format)


def test_a_stored_control_character_does_not_break_the_personal_data_file(owner_client,
                                                                           customer):
    Customer.objects.filter(pk=customer.pk).update(name="尉迟\x01敬德", wechat_id="=1+1")
    response = owner_client.post(reverse("customers:export", args=[customer.public_id]),
                                 {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [cell.value for cell in sheet[2]]
    assert "尉迟敬德" in values and "=1+1" in values


def test_export_by_api(owner, customer):
    api = english_client(owner)
    url = reverse("api:customer-export", args=[customer.public_id])
    body = api.post(url, {"file_format": "json"}, format="json").json()
    assert body["customer"]["mobile"] == "13955556666"
    assert len(body["orders"]) == 2
    response = api.post(url, {"file_format": "xlsx"}, format="json")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert api.post(url, {"file_format": "pdf"}, format="json").status_code == 400
    assert AccessLog.objects.filter(action="export").count() == 2


def test_erase_by_api_keeps_the_amounts(owner, customer):
    api = english_client(owner)
    body = api.post(reverse("api:customer-erase", args=[customer.public_id])).json()
    assert body["name"] == "Erased customer" and body["phone"] == ""
    assert body["erased_at"] and body["addresses"] == [] and body["notes"] == []
    assert body["total_spent"] == "88.00" and body["order_count"] == 1


def test_whose_number_is_masked(owner, customer):
    agent = UserFactory(role="agent")
    staff = UserFactory(role="staff", areas=["customers"])
    assert services.can_see_full_phone(owner, customer)  # the owner sells to this customer
    assert not services.can_see_full_phone(staff, customer)
    assert not services.can_see_full_phone(agent, customer)
    assert services.shown_phone(staff, customer) == "139****6666"
    Customer.objects.filter(pk=customer.pk).update(seller=agent)
    customer.refresh_from_db()
    assert services.can_see_full_phone(agent, customer)
    # The owner may still look, but it is logged.
    assert not services.can_see_full_phone(owner, customer)
    assert services.reveal_phone(owner, customer) == "13955556666"
    assert AccessLog.objects.get().actor == owner
    assert not Tag.objects.filter(name="").exists()


def test_erase_command(owner, customer, english):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No customer has this mobile number or id"):
        call_command("erasecustomer", "13000000000", "--yes")
    out = io.StringIO()
    call_command("erasecustomer", "139 5555 6666", "--yes", stdout=out)
    assert "2 orders are kept" in out.getvalue()
    customer.refresh_from_db()
    assert customer.is_erased
    with pytest.raises(CommandError, match="No customer has this mobile number or id"):
        call_command("erasecustomer", "13955556666", "--yes")
    with pytest.raises(CommandError, match="This customer's data was erased"):
        call_command("erasecustomer", customer.public_id, "--yes")


# -- Erasure waits for the orders under way ----------------------------------------------------

def _move_to(state, order, owner):
    """The order moved on from paid to ``state`` (one of the states still under way)."""
    if state in ("shipped", "refund_requested"):
        order = orders.ship_order(order, actor=owner, carrier="sf", tracking_number=TRACKING)
    if state == "refund_requested":
        order = orders.request_refund(order, by_customer=True)
    return order


@pytest.mark.parametrize("state", ["pending_payment", "paid", "shipped", "refund_requested"])
def test_erasure_is_refused_while_an_order_is_under_way(owner, english, open_orders, state):
    paid, unpaid = open_orders
    if state == "pending_payment":
        order = unpaid
        orders.complete_order(orders.ship_order(paid, actor=owner, carrier="sf",
                                                tracking_number=TRACKING), actor=owner)
    else:
        orders.cancel_order(unpaid, actor=owner)
        order = _move_to(state, paid, owner)
    customer = Customer.objects.get(phone=WHO.phone)
    with pytest.raises(Conflict) as refused:
        services.erase_customer(owner, customer)
    assert refused.value.code == "orders_open"
    assert order.number in str(refused.value.message)
    assert "Erase once" in str(refused.value.message)
    customer.refresh_from_db()
    order.refresh_from_db()
    assert not customer.is_erased and customer.addresses.exists()
    assert (order.recipient_phone, order.street) == (WHO.phone, WHO.street)
    assert order.tracking_number == (TRACKING if state in ("shipped", "refund_requested")
                                     else "")
    assert not AccessLog.objects.filter(action="erase").exists()


def test_the_erase_page_says_why_and_offers_no_button_while_an_order_is_under_way(
        owner_client, open_orders):
    paid, _unpaid = open_orders
    customer = Customer.objects.get(phone=WHO.phone)
    url = reverse("customers:erase", args=[customer.public_id])
    page = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-erase-refused" in page and paid.number in page
    assert "data-confirm-erase" not in page
    owner_client.post(url)
    customer.refresh_from_db()
    assert not customer.is_erased


def test_the_api_refuses_erasure_with_the_reason(owner, open_orders):
    customer = Customer.objects.get(phone=WHO.phone)
    response = english_client(owner).post(reverse("api:customer-erase",
                                                  args=[customer.public_id]))
    assert response.status_code == 409
    assert response.json()["code"] == "orders_open"
    assert open_orders[0].number in response.json()["message"]


def test_orders_under_way_keep_their_recipient_even_when_asked_directly(open_orders):
    paid, unpaid = open_orders
    with pytest.raises(Conflict) as refused:
        orders.erase_recipient([paid.pk, unpaid.pk], reason="test")
    assert refused.value.code == "orders_open"
    assert not Order.objects.filter(recipient_phone="").exists()


def test_an_order_without_an_address_is_not_shipped(owner, english, open_orders):
    """An order whose recipient was erased before erasure waited for open orders."""
    paid, _unpaid = open_orders
    Order.objects.filter(pk=paid.pk).update(recipient_phone="", province="", city="",
                                            district="", street="")
    with pytest.raises(Conflict) as refused:
        orders.ship_order(paid, actor=owner, carrier="sf", tracking_number=TRACKING)
    assert refused.value.code == "no_address"
    assert "has no address to ship to" in str(refused.value.message)
    paid.refresh_from_db()
    assert paid.state == "paid" and paid.tracking_number == ""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner)
    response = client.post(reverse("orders:action", args=[paid.number, "ship"]),
                           {"carrier": "SF", "tracking_number": TRACKING})
    assert response.status_code == 409
    assert "has no address to ship to" in response.content.decode()


def test_erasure_takes_the_person_from_every_seller(owner, customer, stocked,
                                                    django_capture_on_commit_callbacks):
    """The same number bought from an agent too: the request is the person's, so the agent's
    record and the agent's order lose their data as well."""
    from tests.factories import AgentFactory

    agent = AgentFactory(name="乙")
    with django_capture_on_commit_callbacks(execute=True):
        agents_order = orders.place_order(shop=agent.user.shop, recipient=WHO,
                                          lines=[orders.CartLine(stocked().public_id, 1)])
    orders.cancel_order(agents_order, actor=owner)
    agents_record = Customer.objects.get(seller=agent.user)
    services.add_note(agent.user, agents_record, "乙的笔记 春熙路99号")
    services.erase_customer(owner, customer)
    agents_record.refresh_from_db()
    agents_order.refresh_from_db()
    assert agents_record.is_erased and not agents_record.notes.exists()
    assert agents_order.recipient_phone == "" and agents_order.street == ""
    assert AccessLog.objects.filter(action="erase").count() == 2
    assert not Customer.objects.filter(phone=WHO.phone).exists()


def test_the_command_refuses_while_an_order_is_under_way(owner, open_orders, english):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="are still under way"):
        call_command("erasecustomer", WHO.phone, "--yes")
    assert not Customer.objects.get(phone=WHO.phone).is_erased


def test_the_command_without_a_terminal_asks_for_yes_instead_of_failing(
        owner, customer, english, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="there is no terminal to ask"):
        call_command("erasecustomer", WHO.phone)
    customer.refresh_from_db()
    assert not customer.is_erased


def test_the_command_asks_on_a_terminal(owner, customer, english, monkeypatch):
    from django.core.management import CommandError, call_command

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erasecustomer", WHO.phone)
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    call_command("erasecustomer", WHO.phone, stdout=io.StringIO())
    customer.refresh_from_db()
    assert customer.is_erased

"""API of customer care: follow-ups, today's contacts and the segments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api_clients import english_client
from tests.customers.care import buy, moment
from tests.factories import CustomerFactory, UserFactory
from weishang.customers.care import services as care
from weishang.customers.models import CustomerSettings, FollowUp, FollowUpState, ReminderHandled

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return english_client(owner)


@pytest.fixture
def li(add_customer):
    return add_customer(name="李四", phone="13900001111", wechat_id="li_si")


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


# -- Follow-ups -------------------------------------------------------------------------------

def test_plan_change_snooze_and_finish_a_follow_up(api, li):
    response = api.post("/api/v1/follow-ups/", {
        "customer": li.public_id, "kind": "call", "due_on": tomorrow().isoformat(),
        "note": "问问尺码"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer"] == {"id": li.public_id, "name": "李四", "phone": "139****1111",
                                "wechat_id": "li_si"}
    assert (body["kind"], body["kind_label"], body["state"]) == ("call", "Call", "open")
    url = f"/api/v1/follow-ups/{body['id']}/"

    changed = api.patch(url, {"note": "问问颜色"}, format="json").json()
    assert (changed["note"], changed["kind"]) == ("问问颜色", "call")
    snoozed = api.post(url + "snooze/", {"days": 3}, format="json").json()
    assert snoozed["due_on"] == (timezone.localdate() + timedelta(days=3)).isoformat()
    assert snoozed["snooze_count"] == 1
    done = api.post(url + "done/").json()
    assert done["state"] == "done" and done["done_at"]
    again = api.post(url + "done/")
    assert again.status_code == 409
    assert again.json() == {"code": "follow_up_done",
                            "message": "This follow-up is done already."}


@pytest.mark.parametrize("data, field, message", [
    ({"due_on": "2000-01-01"}, "due_on", "Choose today or a later day."),
    ({"kind": "fax"}, "kind", '"fax" is not a valid choice.'),
    ({"note": "身份证110101199003077777"}, "note",
     "Do not store ID card numbers: remove the number and save again."),
    ({"due_on": "next week"}, "due_on", "Date has wrong format."),
], ids=["past", "kind", "id-number", "not-a-date"])
def test_bad_follow_up_changes_nothing(api, li, data, field, message):
    payload = {"customer": li.public_id, "due_on": tomorrow().isoformat(), **data}
    response = api.post("/api/v1/follow-ups/", payload, format="json")
    assert response.status_code == 400
    assert message in response.json()["fields"][field][0]
    assert not FollowUp.objects.exists()


def test_follow_ups_list_filters_and_constant_queries(owner, api, add_customer,
                                                      django_assert_max_num_queries):
    customers = [add_customer(name=f"客{n}", phone=f"1390000{n:04d}") for n in range(15)]
    for customer in customers:
        care.create_follow_up(owner, customer, due_on=tomorrow())
    finished = care.create_follow_up(owner, customers[0], due_on=timezone.localdate())
    care.complete_follow_up(owner, finished)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/follow-ups/")
    assert response.json()["count"] == 15
    only = api.get("/api/v1/follow-ups/", {"customer": customers[3].public_id}).json()
    assert [item["customer"]["name"] for item in only["results"]] == ["客3"]
    assert api.get("/api/v1/follow-ups/", {"state": "done"}).json()["count"] == 1
    assert api.get("/api/v1/follow-ups/", {
        "due_before": timezone.localdate().isoformat()}).json()["count"] == 0


def test_remove_a_follow_up(api, owner, li):
    follow_up = care.create_follow_up(owner, li, due_on=tomorrow())
    assert api.delete(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 204
    assert not FollowUp.objects.exists()


def test_follow_ups_need_the_customers_area(li, owner):
    follow_up = care.create_follow_up(owner, li, due_on=tomorrow())
    refused = english_client(UserFactory(role="staff", areas=["orders"]))
    assert refused.get("/api/v1/follow-ups/").status_code == 403
    assert refused.post(f"/api/v1/follow-ups/{follow_up.pk}/done/").status_code == 403
    assert english_client().get("/api/v1/customers/today/").status_code in (401, 403)
    staff = english_client(UserFactory(role="staff", areas=["customers"]))
    assert staff.get(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 200
    assert FollowUp.objects.get().state == FollowUpState.OPEN


def test_unknown_follow_up_is_not_found(api):
    response = api.post("/api/v1/follow-ups/999/done/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such follow-up."}


@pytest.mark.parametrize(("method", "path"), [
    ("get", "abc/"), ("patch", "abc/"), ("delete", "abc/"), ("post", "abc/done/"),
    ("post", "abc/snooze/"), ("get", "1.5/"), ("get", "%C2%A2/")])
def test_a_follow_up_id_that_is_not_a_number_is_not_found(api, method, path):
    """Not a 500 (ValueError: "Field 'id' expected a number")."""
    response = getattr(api, method)(f"/api/v1/follow-ups/{path}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


# -- Today ------------------------------------------------------------------------------------

def test_today_lists_contacts_with_reason_and_message(owner, api, place, stocked, li,
                                                      django_assert_max_num_queries):
    today = timezone.localdate()
    buy(place, owner, stocked(title="益生菌", usage_days=30), on=today - timedelta(days=27))
    care.create_follow_up(owner, li, due_on=today)
    CustomerSettings.load()
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/customers/today/").json()
    assert (body["date"], body["count"]) == (today.isoformat(), 2)
    follow_up, repurchase = body["contacts"]
    assert (follow_up["kind"], follow_up["customer"]["wechat_id"], follow_up["key"]) == (
        "follow_up", "li_si", "")
    assert follow_up["message"].startswith("Hello 李四, how have you been?")
    assert repurchase["kind"] == "repurchase" and repurchase["product"] == "益生菌"
    assert repurchase["customer"]["phone"] == "138****5678"
    assert repurchase["run_out_on"] == (today + timedelta(days=3)).isoformat()

    handled = api.post("/api/v1/customers/today/done/", {
        "customer": repurchase["customer"]["id"], "kind": "repurchase",
        "key": repurchase["key"]}, format="json")
    assert handled.status_code == 204
    assert ReminderHandled.objects.get().key == repurchase["key"]
    assert api.get("/api/v1/customers/today/").json()["count"] == 1


def test_snoozing_a_birthday_plans_a_follow_up(api, add_customer):
    today = timezone.localdate()
    wang = add_customer(name="王芳", phone="13700001234", birthday=today.replace(year=1992))
    response = api.post("/api/v1/customers/today/snooze/", {
        "customer": wang.public_id, "kind": "birthday", "key": str(today.year),
        "until": (today + timedelta(days=2)).isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["due_on"] == (today + timedelta(days=2)).isoformat()
    assert response.json()["note"] == "Birthday today"


def test_a_reminder_that_is_not_due_is_refused(api, li):
    response = api.post("/api/v1/customers/today/done/", {
        "customer": li.public_id, "kind": "birthday", "key": "2020"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "reminder_not_due"
    response = api.post("/api/v1/customers/today/done/", {
        "customer": "0" * 32, "kind": "birthday", "key": "2020"}, format="json")
    assert response.status_code == 404
    assert not ReminderHandled.objects.exists()


# -- Segments ---------------------------------------------------------------------------------

def test_segments_counts_rate_and_members(owner, api, django_assert_max_num_queries):
    recently = moment(timezone.localdate() - timedelta(days=5))
    best = CustomerFactory(seller=owner, name="甲", order_count=3, total_spent=Decimal("900"),
                           last_order_at=recently)
    CustomerFactory(seller=owner, name="乙", order_count=1, total_spent=Decimal("50"),
                    last_order_at=recently)
    CustomerFactory(seller=owner, name="丙")
    CustomerSettings.load()
    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/segments/").json()
    assert body["thresholds"] == {"recency_days": 90, "frequency_orders": 2,
                                  "monetary_amount": "500.00"}
    assert (body["buyers"], body["repeat_buyers"], body["repeat_rate"]) == (2, 1, "50.0")
    counts = {item["code"]: item["count"] for item in body["segments"]}
    assert counts["important_value"] == 1 and counts["general_growth"] == 1
    assert sum(counts.values()) == 2
    assert body["segments"][0]["label"] == "Important value customers"

    with django_assert_max_num_queries(5):
        members = api.get("/api/v1/segments/important_value/").json()
    assert [(member["id"], member["total_spent"]) for member in members["results"]] == [
        (best.public_id, "900.00")]
    assert api.get("/api/v1/segments/vip/").status_code == 404


def test_segment_members_queries_do_not_grow(owner, api, django_assert_max_num_queries):
    recently = moment(timezone.localdate() - timedelta(days=5))
    for number in range(30):
        CustomerFactory(seller=owner, order_count=3, total_spent=Decimal("900"),
                        last_order_at=recently, name=f"客{number}")
    CustomerSettings.load()
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/segments/important_value/").json()
    assert body["count"] == 30 and len(body["results"]) == 20

"""RFM segments: customers with a known history land in the right one of the eight, the
thresholds are the owner's, and the pages and lists stay at a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.customers.care import buy, moment
from tests.factories import CustomerFactory, UserFactory
from weishang.customers import segments, services
from weishang.customers.care import services as care
from weishang.customers.models import Customer, CustomerSettings

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def customer_with(owner, name, *, days_ago, orders, spent, today=TODAY):
    """A customer whose order statistics say: last order ``days_ago`` before ``today``,
    ``orders`` counted orders, ``spent`` in all (as services.refresh_order_stats keeps them)."""
    return CustomerFactory(seller=owner, name=name, order_count=orders,
                           total_spent=Decimal(spent),
                           last_order_at=moment(today - timedelta(days=days_ago)))


@pytest.fixture
def one_of_each(owner):
    """With the default thresholds (90 days, 2 orders, ¥500): one customer per segment, each
    at the edge of its thresholds, and a customer who never paid."""
    return {
        "important_value": customer_with(owner, "甲", days_ago=90, orders=2, spent="500.00"),
        "important_growth": customer_with(owner, "乙", days_ago=1, orders=1, spent="800.00"),
        "important_retain": customer_with(owner, "丙", days_ago=91, orders=5, spent="2000.00"),
        "important_winback": customer_with(owner, "丁", days_ago=400, orders=1, spent="500.00"),
        "general_value": customer_with(owner, "戊", days_ago=10, orders=3, spent="499.99"),
        "general_growth": customer_with(owner, "己", days_ago=0, orders=1, spent="59.00"),
        "general_retain": customer_with(owner, "庚", days_ago=200, orders=2, spent="120.00"),
        "general_winback": customer_with(owner, "辛", days_ago=91, orders=1, spent="19.90"),
        "": CustomerFactory(seller=owner, name="壬"),
    }


def test_known_customers_land_in_the_right_segments(one_of_each):
    annotated = dict(segments.with_segment(Customer.objects.all(), today=TODAY)
                     .values_list("name", "segment"))
    assert annotated == {customer.name: code for code, customer in one_of_each.items()}
    for code, customer in one_of_each.items():
        if code:
            assert list(segments.segment_filter(Customer.objects.all(), code, today=TODAY)) == [
                customer]
        found = segments.segment_of(customer, today=TODAY)
        assert (found.code if found else "") == code


def test_the_eight_segments_carry_the_standard_chinese_names():
    with translation.override("zh-hans"):
        names = [str(segment.label) for segment in segments.SEGMENTS]
    assert names == ["重要价值客户", "重要发展客户", "重要保持客户", "重要挽留客户",
                     "一般价值客户", "一般发展客户", "一般保持客户", "一般挽留客户"]


def test_counts_and_repeat_purchase_rate(owner, one_of_each, django_assert_num_queries):
    settings = CustomerSettings.load()
    with django_assert_num_queries(1):
        overview = segments.overview(Customer.objects.all(), today=TODAY, settings=settings)
    assert {segment.code: count for segment, count in overview.counts} == {
        code: 1 for code in one_of_each if code}
    assert (overview.buyers, overview.repeat_buyers) == (8, 4)
    assert overview.repeat_rate == Decimal("50.0")
    assert segments.overview(Customer.objects.none()).repeat_rate is None


def test_thresholds_are_the_owners(owner, one_of_each):
    care.update_customer_settings(owner, recency_days=365, frequency_orders=3,
                                  monetary_amount="100")
    annotated = dict(segments.with_segment(Customer.objects.all(), today=TODAY)
                     .values_list("name", "segment"))
    # 200 days ago is recent now and ¥120 of high value, but 2 orders are too few.
    assert annotated["庚"] == "important_growth"
    assert annotated["甲"] == "important_growth"
    assert annotated["辛"] == "general_growth"
    assert annotated["丁"] == "important_winback"


def test_segments_follow_real_orders(owner, place, stocked):
    cheap, dear = stocked(price="30.00"), stocked(price="600.00")
    buy(place, owner, cheap, on=date(2026, 6, 1))
    buy(place, owner, dear, on=date(2026, 1, 5), name="李四", phone="13900001111")
    buy(place, owner, cheap, on=date(2026, 6, 20), name="李四", phone="13900001111")
    unpaid = buy(place, owner, dear, on=date(2026, 6, 28), name="王五", phone="13700002222",
                 pay=False)
    assert unpaid.state == "pending_payment"
    annotated = dict(segments.with_segment(Customer.objects.all(), today=TODAY)
                     .values_list("name", "segment"))
    assert annotated == {"张三": "general_growth", "李四": "important_value", "王五": ""}


def test_unknown_segment_code_finds_nobody(one_of_each):
    assert not segments.segment_filter(Customer.objects.all(), "vip", today=TODAY).exists()


def test_erased_customers_are_in_no_segment(owner, one_of_each):
    services.erase_customer(owner, one_of_each["important_value"])
    overview = segments.overview(Customer.objects.all(), today=TODAY)
    assert dict((segment.code, count) for segment, count in overview.counts)[
        "important_value"] == 0


# -- Pages ------------------------------------------------------------------------------------

def test_segments_page_shows_counts_rate_and_thresholds(owner_client, one_of_each,
                                                         django_assert_max_num_queries):
    CustomerSettings.load()  # made once, on the first visit
    with django_assert_max_num_queries(6):
        response = owner_client.get(reverse("customers:segments"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    for code in one_of_each:
        if code:
            assert f'href="{reverse("customers:segment_detail", args=[code])}"' in page
    assert "Important win-back customers" in page
    assert "Recent: ordered within 90 days · frequent: 2 orders or more · high value: spent " \
           "¥500.00 or more." in page
    assert "4 of 8 buyers ordered again" in page


@pytest.mark.parametrize("count", [1, 25], ids=["one", "twenty-five"])
def test_segment_list_page_queries_do_not_grow(owner, owner_client, count,
                                               django_assert_max_num_queries):
    for number in range(count):
        customer_with(owner, f"客{number}", days_ago=3, orders=4, spent="900.00",
                      today=timezone.localdate())  # the page classifies as of today
    url = reverse("customers:segment_detail", args=["important_value"])
    CustomerSettings.load()
    with django_assert_max_num_queries(9):
        response = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.content.decode().count("data-customer=") == min(count, 20)


def test_unknown_segment_page_is_404(owner_client):
    assert owner_client.get(reverse("customers:segment_detail", args=["vip"])).status_code == 404


def test_segment_pages_need_the_customers_area(client, one_of_each):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(reverse("customers:segments")).status_code == 403
    client.force_login(UserFactory(role="staff", areas=["customers"]))
    assert client.get(reverse("customers:segments")).status_code == 200


def test_the_customer_list_filters_by_segment(owner, owner_client):
    today = timezone.localdate()
    drifting = customer_with(owner, "丙", days_ago=200, orders=5, spent="2000", today=today)
    customer_with(owner, "甲", days_ago=3, orders=5, spent="2000", today=today)
    response = owner_client.get(reverse("customers:list"), {"segment": "important_retain"})
    assert response.content.decode().count("data-customer=") == 1
    assert drifting.public_id in response.content.decode()

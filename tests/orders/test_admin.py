from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.migrating import back_to_latest, migrate, migrate_to_latest
from weishang.core import address
from weishang.orders import services
from weishang.orders.models import Order, OrderState, RegionShippingFee, ShopSettings

pytestmark = pytest.mark.django_db


def test_the_admin_shows_orders_read_only_with_lines_and_timeline(owner_admin_client, place,
                                                                  stocked):
    order = place(stocked(5, title="真丝围巾"))
    listing = owner_admin_client.get(reverse("admin:orders_order_changelist"))
    assert listing.status_code == 200 and order.number in listing.text
    detail = owner_admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert detail.status_code == 200 and "真丝围巾" in detail.text
    assert 'name="state"' not in detail.text
    assert owner_admin_client.get(reverse("admin:orders_order_add")).status_code == 403


def test_admin_actions_go_through_the_services(owner_admin_client, place, stocked, owner):
    pending, paid = place(stocked(5)), place(stocked(5))
    services.confirm_payment(paid, actor=owner)
    response = owner_admin_client.post(reverse("admin:orders_order_changelist"), {
        "action": "cancel_unpaid", "_selected_action": [pending.pk, paid.pk]}, follow=True)
    assert response.status_code == 200
    assert Order.objects.get(pk=pending.pk).state == OrderState.CANCELLED
    assert Order.objects.get(pk=paid.pk).state == OrderState.PAID
    assert pending.events.last().actor == owner


def test_shop_settings_are_changed_through_the_service(owner_admin_client):
    settings_row = ShopSettings.load()
    url = reverse("admin:orders_shopsettings_change", args=[settings_row.pk])
    form = {"payment_instructions": "备注订单号", "unpaid_expiry_minutes": "3",
            "auto_complete_days": "10", "after_sales_days": "7", "shipping_fee": "8",
            "free_shipping_above": ""}
    assert owner_admin_client.post(url, form).status_code == 200  # 3 minutes: refused by the form
    assert ShopSettings.load().unpaid_expiry_minutes == 30
    form["unpaid_expiry_minutes"] = "60"
    assert owner_admin_client.post(url, form).status_code == 302
    assert ShopSettings.load().unpaid_expiry_minutes == 60
    assert ShopSettings.load().payment_instructions == "备注订单号"


def test_regional_fees_are_read_only_in_the_admin(owner_admin_client):
    services.set_region_fees(None, [("广东省", "12.00", None)])
    fee = RegionShippingFee.objects.get()
    add = reverse("admin:orders_regionshippingfee_add")
    assert owner_admin_client.post(add, {"province": "广东",
                                         "shipping_fee": "0"}).status_code == 403
    change = reverse("admin:orders_regionshippingfee_change", args=[fee.pk])
    assert owner_admin_client.post(change, {"province": "广东省",
                                      "shipping_fee": "0"}).status_code == 403
    assert owner_admin_client.get(change).status_code == 200
    assert list(RegionShippingFee.objects.values_list("province", "shipping_fee")) == [
        ("广东省", Decimal("12.00"))]
    assert services.shipping_fee_for(Decimal("10.00"), "广东") == Decimal("12.00")


@pytest.mark.parametrize("province", address.provinces())
def test_the_databases_short_province_is_the_one_checkout_matches(province):
    RegionShippingFee.objects.create(province=province, shipping_fee=Decimal("5.00"))
    assert RegionShippingFee.objects.get().province_key == services.short_province(province)


@pytest.mark.parametrize(("first", "second"), [("广东省", "广东"), ("广西", "广西壮族自治区"),
                                               ("上海市", "上海"), ("香港特别行政区", "香港")])
def test_the_database_refuses_one_province_twice(first, second):
    RegionShippingFee.objects.create(province=first, shipping_fee=Decimal("5.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionShippingFee.objects.create(province=second, shipping_fee=Decimal("0.00"))
    assert list(RegionShippingFee.objects.values_list("province", flat=True)) == [first]


BEFORE_KEY = [("orders", "0008_events_keep_their_order")]
WITH_KEY = [("orders", "0009_one_fee_per_province")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_fee_checkout_charged_of_each_province():
    with back_to_latest():
        fees = migrate(BEFORE_KEY).get_model("orders", "RegionShippingFee")
        for province, fee in [("广东省", "20.00"), ("新疆", "25.00"), ("广东", "15.00"),
                              ("新疆维吾尔自治区", "30.00"), ("西藏", "28.00")]:
            fees.objects.create(province=province, shipping_fee=Decimal(fee))
        # Checkout took the first row by name: 广东 before 广东省, 新疆 before 新疆维吾尔自治区.
        charged = {"广东省": Decimal("15.00"), "新疆": Decimal("25.00"), "西藏": Decimal("28.00")}
        migrate(WITH_KEY)
        migrate_to_latest()  # checkout below reads today's models
        assert sorted(RegionShippingFee.objects.values_list("province", flat=True)) == [
            "广东", "新疆", "西藏"]
        assert {province: services.shipping_fee_for(Decimal("1.00"), province)
                for province in charged} == charged

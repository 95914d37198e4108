import pytest
from django.urls import reverse

from weishang.orders import services
from weishang.orders.models import Order, OrderState

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    """The owner as create_owner makes them: allowed into the Django admin."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    return client


def test_the_admin_shows_orders_read_only_with_lines_and_timeline(owner_client, place, stocked):
    order = place(stocked(5, title="真丝围巾"))
    listing = owner_client.get(reverse("admin:orders_order_changelist"))
    assert listing.status_code == 200 and order.number in listing.text
    detail = owner_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert detail.status_code == 200 and "真丝围巾" in detail.text
    assert 'name="state"' not in detail.text
    assert owner_client.get(reverse("admin:orders_order_add")).status_code == 403


def test_admin_actions_go_through_the_services(owner_client, place, stocked, owner):
    pending, paid = place(stocked(5)), place(stocked(5))
    services.confirm_payment(paid, actor=owner)
    response = owner_client.post(reverse("admin:orders_order_changelist"), {
        "action": "cancel_unpaid", "_selected_action": [pending.pk, paid.pk]}, follow=True)
    assert response.status_code == 200
    assert Order.objects.get(pk=pending.pk).state == OrderState.CANCELLED
    assert Order.objects.get(pk=paid.pk).state == OrderState.PAID
    assert pending.events.last().actor == owner


def test_shop_settings_are_changed_through_the_service(owner_client):
    settings_row = services.shop_settings()
    url = reverse("admin:orders_shopsettings_change", args=[settings_row.pk])
    form = {"payment_instructions": "备注订单号", "unpaid_expiry_minutes": "3",
            "auto_complete_days": "10", "after_sales_days": "7", "shipping_fee": "8",
            "free_shipping_above": ""}
    assert owner_client.post(url, form).status_code == 200  # 3 minutes: refused by the form
    assert services.shop_settings().unpaid_expiry_minutes == 30
    form["unpaid_expiry_minutes"] = "60"
    assert owner_client.post(url, form).status_code == 302
    assert services.shop_settings().unpaid_expiry_minutes == 60
    assert services.shop_settings().payment_instructions == "备注订单号"

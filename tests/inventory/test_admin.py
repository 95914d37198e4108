import pytest
from django.urls import reverse

from weishang.inventory import services
from weishang.inventory.models import StockLevel, StockMovement

pytestmark = pytest.mark.django_db


@pytest.fixture
def level(variant, stocked):
    stocked(variant, 5, threshold=1)
    return StockLevel.objects.get(variant=variant)


def test_admin_lists_locations_levels_and_movements(admin_client, level):
    for model in ("stocklocation", "stocklevel", "stockmovement"):
        response = admin_client.get(reverse(f"admin:inventory_{model}_changelist"))
        assert response.status_code == 200, model
    page = admin_client.get(reverse("admin:inventory_stockmovement_changelist")).content.decode()
    assert "真丝围巾 红 / M" in page


def test_admin_cannot_add_change_or_delete_movements(admin_client, level):
    movement = StockMovement.objects.get()
    assert admin_client.get(reverse("admin:inventory_stockmovement_add")).status_code == 403
    delete = reverse("admin:inventory_stockmovement_delete", args=[movement.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:inventory_stockmovement_change", args=[movement.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="delta"' not in page, "view only"
    admin_client.post(change, {"delta": "500", "quantity_after": "500"})
    assert StockMovement.objects.get().delta == 5


def test_admin_changes_only_the_threshold_of_a_level_through_the_service(admin_client, level):
    change = reverse("admin:inventory_stocklevel_change", args=[level.pk])
    assert 'name="quantity"' not in admin_client.get(change).content.decode()
    response = admin_client.post(change, {"low_stock_threshold": "7", "quantity": "999"})
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.quantity, level.low_stock_threshold) == (5, 7)
    response = admin_client.post(change, {"low_stock_threshold": str(services.MAX_QUANTITY + 1)})
    assert response.status_code == 200
    level.refresh_from_db()
    assert level.low_stock_threshold == 7
    assert admin_client.get(reverse("admin:inventory_stocklevel_add")).status_code == 403
    assert services.verify_ledger() == []

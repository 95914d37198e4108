"""The admin shows the customer-care settings and tags but changes neither: the settings change
on their page (care.update_customer_settings, which checks them), tags with the customers
tagged (services, which check their names)."""

import pytest
from django.urls import reverse

from weishang.customers.models import CustomerSettings, Tag

pytestmark = pytest.mark.django_db


def test_customer_settings_are_read_only_in_the_admin(owner_admin_client):
    settings = CustomerSettings.load()
    url = reverse("admin:customers_customersettings_change", args=[settings.pk])
    assert owner_admin_client.get(url).status_code == 200
    response = owner_admin_client.post(url, {"remind_days_before": "0", "recency_days": "0",
                                       "frequency_orders": "0", "monetary_amount": "500"})
    assert response.status_code == 403
    stored = CustomerSettings.objects.get()
    assert (stored.recency_days, stored.frequency_orders) == (90, 2)


def test_tags_are_read_only_in_the_admin(owner_admin_client, add_customer):
    add_customer(tags=["老客户"])
    tag = Tag.objects.get()
    assert owner_admin_client.post(reverse("admin:customers_tag_add"),
                             {"name": "a,b，c"}).status_code == 403
    assert owner_admin_client.post(reverse("admin:customers_tag_change", args=[tag.pk]),
                             {"name": "x" * 20}).status_code == 403
    assert owner_admin_client.post(reverse("admin:customers_tag_delete", args=[tag.pk]),
                             {"post": "yes"}).status_code == 403
    assert list(Tag.objects.values_list("name", flat=True)) == ["老客户"]
    assert Tag.objects.get().customers.count() == 1

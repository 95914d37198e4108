"""Earnings stay frozen for the shop's after-sales window (orders' ShopSettings.after_sales_days)
instead of a window of their own: an owner who had changed the earnings one keeps it, as the
shop's window (within what that one allows), so refunds and settlement keep their timing."""

from django.db import migrations

DEFAULT_WINDOW_DAYS = 7
#: orders.services.MAX_AFTER_SALES_DAYS when this was written (migrations keep their own copy).
LONGEST_AFTER_SALES_DAYS = 90


def keep_a_changed_window(apps, schema_editor):
    earnings = apps.get_model("commissions", "CommissionSettings").objects.first()
    if earnings and earnings.freeze_days != DEFAULT_WINDOW_DAYS:
        apps.get_model("orders", "ShopSettings").objects.update_or_create(
            singleton=True,
            defaults={"after_sales_days": min(earnings.freeze_days, LONGEST_AFTER_SALES_DAYS)})


def give_earnings_their_window_back(apps, schema_editor):
    shop = apps.get_model("orders", "ShopSettings").objects.first()
    if shop:
        apps.get_model("commissions", "CommissionSettings").objects.update(
            freeze_days=shop.after_sales_days)


class Migration(migrations.Migration):

    dependencies = [
        ("commissions", "0002_lean_ledger_indexes_settlement_runs"),
        ("orders", "0006_shop_after_sales_days"),
    ]

    operations = [
        migrations.RunPython(keep_a_changed_window, give_earnings_their_window_back),
        migrations.RemoveField(model_name="commissionsettings", name="freeze_days"),
    ]

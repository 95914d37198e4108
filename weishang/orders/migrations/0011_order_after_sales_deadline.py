"""Each order keeps its own after-sales deadline, fixed when it completes.

Backfill: a completed order's deadline is its completion plus the shop's current window (a
purchase kept in cloud stock has none); commissions' next migration corrects it to the due
date its earnings were frozen until, where there are any."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def fix_after_sales_deadlines(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    ShopSettings = apps.get_model("orders", "ShopSettings")
    window = ShopSettings.objects.values_list("after_sales_days", flat=True).first()
    days = 7 if window is None else window
    (Order.objects.filter(completed_at__isnull=False).exclude(kind="purchase", delivery="cloud")
     .update(after_sales_until=F("completed_at") + timedelta(days=days)))


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0010_checkout_limits_and_keys_per_client'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='after_sales_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='after-sales until'),
        ),
        migrations.RunPython(fix_after_sales_deadlines, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('completed_at__isnull', True), models.Q(('delivery', 'cloud'), ('kind', 'purchase')), models.Q(('after_sales_until__gte', models.F('completed_at')), ('after_sales_until__isnull', False)), _connector='OR'), name='orders_completed_has_after_sales_deadline'),
        ),
    ]

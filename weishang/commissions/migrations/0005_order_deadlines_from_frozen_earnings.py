"""Orders whose earnings froze keep the deadline their earnings were frozen until: orders' 0011
backfilled every completed order from the shop's current window, which the owner may have
changed since those earnings froze — a customer could then ask for a refund of money already
settled."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def deadlines_from_frozen_earnings(apps, schema_editor):
    LedgerEntry = apps.get_model("commissions", "LedgerEntry")
    Order = apps.get_model("orders", "Order")
    # Not before the completion (SQLite stores due times to the millisecond).
    frozen = (LedgerEntry.objects.filter(order=OuterRef("pk"), bucket="frozen", amount__gt=0,
                                         available_at__gte=OuterRef("completed_at"))
              .order_by("available_at"))
    (Order.objects.filter(completed_at__isnull=False).filter(Exists(frozen))
     .update(after_sales_until=Subquery(frozen.values("available_at")[:1])))


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0004_settle_by_releases'),
        ('orders', '0011_order_after_sales_deadline'),
    ]

    operations = [
        migrations.RunPython(deadlines_from_frozen_earnings, migrations.RunPython.noop),
    ]

from django.db import migrations


def create_warehouse(apps, schema_editor):
    StockLocation = apps.get_model("inventory", "StockLocation")
    StockLocation.objects.get_or_create(kind="warehouse", defaults={"name": "总仓"})


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(create_warehouse, migrations.RunPython.noop)]

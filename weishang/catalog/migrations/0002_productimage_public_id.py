# Adds a public id to product images (console and API URLs never carry sequential ids).
# Three steps, so that images already stored each get their own id.

from django.db import migrations, models

import weishang.core.models


def give_each_image_an_id(apps, schema_editor):
    ProductImage = apps.get_model("catalog", "ProductImage")
    for image in ProductImage.objects.filter(public_id__isnull=True).only("pk"):
        image.public_id = weishang.core.models.new_public_id()
        image.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="productimage",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_each_image_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="productimage",
            name="public_id",
            field=models.CharField(
                default=weishang.core.models.new_public_id, editable=False, max_length=32,
                unique=True,
            ),
        ),
    ]

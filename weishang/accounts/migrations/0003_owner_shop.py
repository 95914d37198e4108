import secrets

from django.db import migrations

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def give_the_owner_a_shop(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Shop = apps.get_model("accounts", "Shop")
    for owner in User.objects.filter(role="owner", shop__isnull=True):
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        Shop.objects.create(seller=owner, code=code, name="我的微商小店")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_shop")]
    operations = [migrations.RunPython(give_the_owner_a_shop, migrations.RunPython.noop)]

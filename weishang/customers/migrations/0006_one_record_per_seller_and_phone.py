from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_one_record_per_seller'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(condition=models.Q(('phone', ''), _negated=True), fields=['phone'], name='customers_phone'),
        ),
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.UniqueConstraint(condition=models.Q(('phone', ''), _negated=True), fields=('seller', 'phone'), name='customers_one_per_seller_and_phone'),
        ),
    ]

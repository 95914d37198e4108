from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0005_order_deadlines_from_frozen_earnings'),
    ]

    operations = [
        migrations.CreateModel(
            name='SettlementHold',
            fields=[
                ('entry_id', models.BigIntegerField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'earning held for a refund request',
                'verbose_name_plural': 'earnings held for refund requests',
            },
        ),
    ]

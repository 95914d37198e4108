from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0007_team_orders'),
    ]

    operations = [
        migrations.AlterField(
            model_name='commissionsettings',
            name='upline_percent',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=5, verbose_name="upline commission (% of the seller's earning)"),
        ),
    ]

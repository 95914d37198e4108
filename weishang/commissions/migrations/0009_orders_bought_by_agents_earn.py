from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0008_upline_share_of_the_sellers_earning'),
    ]

    operations = [
        migrations.AlterField(
            model_name='commissionsettings',
            name='team_orders_earn',
            field=models.BooleanField(default=False, help_text="An order whose buyer is an agent (of the seller's team, an upline or any other agent) is no sale to a real customer: it never counts towards upgrades, ships from your stock rather than the seller's cloud stock, and earns nothing unless you switch this on. Nobody ever earns on an order they bought themselves.", verbose_name='pay commission on orders bought by agents'),
        ),
    ]

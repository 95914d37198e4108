from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0006_settlement_holds'),
    ]

    operations = [
        migrations.AddField(
            model_name='commissionsettings',
            name='team_orders_earn',
            field=models.BooleanField(default=False, help_text="An order whose buyer is an agent of the seller's team (a downline) is a team order: it never counts as a retail sale, and earns nothing unless you switch this on.", verbose_name="pay commission on orders from the agent's own team"),
        ),
    ]

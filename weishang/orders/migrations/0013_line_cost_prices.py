"""Order lines keep the goods' cost when it was set: an upline's commission never takes the
owner's share of a line below it. Lines ordered before keep none."""

import weishang.core.money
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0012_order_buyers'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderline',
            name='cost_price',
            field=weishang.core.money.MoneyField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='cost price'),
        ),
        migrations.AddConstraint(
            model_name='orderline',
            constraint=models.CheckConstraint(condition=models.Q(('cost_price__isnull', True), ('cost_price__gte', 0), _connector='OR'), name='orders_line_cost_not_negative'),
        ),
    ]

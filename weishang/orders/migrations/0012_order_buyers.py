"""Orders name their buyer when an agent bought them.

Backfill: a retail order whose recipient's mobile is the login phone of an agent (ever
approved) names that agent as its buyer, related to the seller as the tree stands now (the
signed-in user was not recorded before)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

#: Deeper than any tree: a longer chain is an old cycle.
MAX_TREE_DEPTH = 1000


def name_agent_buyers(apps, schema_editor):
    Agent = apps.get_model("network", "Agent")
    Order = apps.get_model("orders", "Order")
    by_phone = dict(Agent.objects.filter(joined_at__isnull=False, user__phone__isnull=False)
                    .values_list("user__phone", "pk"))
    if not by_phone:
        return
    agents = {row[0]: row[1:] for row in Agent.objects.values_list(
        "pk", "user_id", "upline_id", "upline_until")}
    seller_of_user = {user_id: pk for pk, (user_id, _upline, _until) in agents.items()}
    now = django.utils.timezone.now()

    def uplines(agent_id):
        chain = []
        _user, upline, until = agents[agent_id]
        while upline is not None and (until is None or until > now) and upline not in chain \
                and len(chain) < MAX_TREE_DEPTH:
            chain.append(upline)
            _user, upline, until = agents.get(upline, (None, None, None))
        return chain

    orders = (Order.objects.filter(kind="retail", recipient_phone__in=list(by_phone))
              .values_list("pk", "recipient_phone", "shop__seller_id"))
    for order_id, phone, seller_user in list(orders):
        buyer, seller = by_phone[phone], seller_of_user.get(seller_user)
        if seller is None:
            relation = "agent"
        elif buyer == seller:
            relation = "self"
        elif seller in uplines(buyer):
            relation = "team"
        elif buyer in uplines(seller):
            relation = "upline"
        else:
            relation = "agent"
        Order.objects.filter(pk=order_id).update(buyer_agent_id=buyer, buyer_relation=relation)


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0002_upgrades_reviewed_after_refunds'),
        ('orders', '0011_order_after_sales_deadline'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='buyer_agent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='network.agent', verbose_name='bought by the agent'),
        ),
        migrations.AddField(
            model_name='order',
            name='buyer_relation',
            field=models.CharField(choices=[('customer', 'A customer'), ('self', "The shop's own agent"), ('team', "An agent of the seller's team"), ('upline', 'An upline of the seller'), ('agent', 'Another agent')], db_default='customer', default='customer', max_length=10, verbose_name='buyer'),
        ),
        migrations.RunPython(name_agent_buyers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('buyer_agent__isnull', True), ('buyer_relation', 'customer')), models.Q(('buyer_agent__isnull', False), ('buyer_relation__in', ['self', 'team', 'upline', 'agent'])), _connector='OR'), name='orders_buyer_agent_named'),
        ),
    ]

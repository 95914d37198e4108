from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "weishang.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from weishang.core import jobs
        from weishang.network import queries as network_queries
        from weishang.network.upgrades import services as upgrades

        from . import sales, services
        from .agents import queries as agent_queries

        # Network comes before orders: upgrades read real retail selling through this, and the
        # owner's page of an agent their shop's latest orders.
        upgrades.read_retail_with(sales.retail_selling)
        network_queries.read_latest_orders_with(agent_queries.latest_orders)

        # Celery beat runs them on the same cadence (weishang/celery.py).
        jobs.register("expire_unpaid_orders", services.expire_unpaid_orders, every=jobs.MINUTE)
        jobs.register("complete_shipped_orders", services.complete_shipped_orders,
                      every=jobs.HOUR)

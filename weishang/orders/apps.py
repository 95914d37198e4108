from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "weishang.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from weishang.core import jobs
        from weishang.network import upgrades

        from . import sales, services

        # Network comes before orders: upgrades read real retail selling through this.
        upgrades.read_retail_with(sales.retail_selling)

        # Celery beat runs them on the same cadence (weishang/celery.py).
        jobs.register("expire_unpaid_orders", services.expire_unpaid_orders, every=jobs.MINUTE)
        jobs.register("complete_shipped_orders", services.complete_shipped_orders,
                      every=jobs.HOUR)

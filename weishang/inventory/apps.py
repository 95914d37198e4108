from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "weishang.inventory"
    label = "inventory"
    verbose_name = _("Stock")

    def ready(self):
        from weishang.core import ledgers

        from .checks import check_ledger

        ledgers.register("stock", check_ledger)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "weishang.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the orders signals)

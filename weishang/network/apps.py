from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "weishang.network"
    label = "network"
    verbose_name = _("Agents")

    def ready(self):
        from . import certificate_receivers  # noqa: F401  (connects the receivers)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "weishang.network"
    label = "network"
    verbose_name = _("Agents")

    def ready(self):
        from weishang.core import jobs

        from .certificates import receivers  # noqa: F401  (connects the receivers)
        from .services import expire_bindings
        from .upgrades.services import run_upgrades

        # Both measure in days (selling per month, binding days): once a day is enough.
        jobs.register("upgrade_agents", run_upgrades, every=jobs.DAY)
        jobs.register("expire_upline_bindings", expire_bindings, every=jobs.DAY)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "weishang.commissions"
    label = "commissions"
    verbose_name = _("Earnings")

    def ready(self):
        from weishang.core import jobs, ledgers

        from . import receivers  # noqa: F401  (connects to the orders signals)
        from .checks import check_ledger
        from .services.settlement import settle

        jobs.register("settle_earnings", lambda: settle().earnings, every=jobs.HOUR)
        ledgers.register("earnings", check_ledger)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "weishang.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        from weishang.orders.sources import register_channel_names

        from .models import Channel

        def channel_name(code: str) -> str:
            return Channel.objects.filter(code=code).values_list("name", flat=True).first() or ""

        register_channel_names(channel_name)

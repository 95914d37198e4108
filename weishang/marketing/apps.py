from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "weishang.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        from weishang.orders.sources import register_channel_names, register_channels

        from .models import Channel

        def channel_name(code: str) -> str:
            return Channel.objects.filter(code=code).values_list("name", flat=True).first() or ""

        def channels() -> list[tuple[str, str]]:
            return list(Channel.objects.values_list("code", "name"))

        # Orders and customers come before marketing: they read its channels through these.
        register_channel_names(channel_name)
        register_channels(channels)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "weishang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import text

        text.check_text_fields()

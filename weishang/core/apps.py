from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "weishang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import jobs, text

        text.check_text_fields()
        post_migrate.connect(jobs.note_jobs, sender=self)

"""``weishang settle``: move the frozen earnings whose after-sales window has passed to
available now (the periodic job does it every minute in-process, hourly with Celery)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.core.money import format_cny

from ...services.settlement import settle


class Command(BaseCommand):
    help = "Settles the earnings whose after-sales window has passed (frozen → available)."

    def handle(self, *args, **options):
        settled = settle()
        if not settled.earnings:
            self.stdout.write(_("Nothing to settle."))
            return
        self.stdout.write(self.style.SUCCESS(ngettext(
            "Settled %(count)d earning of %(agents)d agent(s): %(amount)s now available.",
            "Settled %(count)d earnings of %(agents)d agent(s): %(amount)s now available.",
            settled.earnings) % {"count": settled.earnings, "agents": settled.agents,
                                 "amount": format_cny(settled.amount)}))

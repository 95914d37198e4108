from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from weishang.network.services import expire_bindings
from weishang.network.upgrades.services import run_upgrades


class Command(BaseCommand):
    help = ("Move agents whose retail selling meets a higher level's conditions up to it, and "
            "end upline bindings whose time is up (for cron; running it again changes nothing).")

    def handle(self, *args, **options):
        moved = run_upgrades()
        ended = expire_bindings()
        self.stdout.write(ngettext("%(count)d agent upgraded.", "%(count)d agents upgraded.",
                                   moved) % {"count": moved})
        self.stdout.write(ngettext("%(count)d upline binding ended.",
                                   "%(count)d upline bindings ended.", ended) % {"count": ended})

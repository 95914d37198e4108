from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from weishang.customers import services


class Command(BaseCommand):
    help = ("Recompute the search keys of every customer (pinyin, initials, last 4 digits, "
            "birthday), e.g. after an upgrade improved the reading of surnames.")

    def handle(self, *args, **options):
        changed = services.refresh_search_keys()
        self.stdout.write(ngettext("Search keys updated for %(count)d customer.",
                                   "Search keys updated for %(count)d customers.", changed)
                          % {"count": changed})

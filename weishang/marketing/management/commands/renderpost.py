from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from weishang.accounts.services import owner_shop
from weishang.core.convert import REGIONS
from weishang.core.site import absolute_url
from weishang.marketing import queries, rendering
from weishang.marketing.models import Channel, Post


class Command(BaseCommand):
    help = ("Print a library post as it will appear on a channel for the owner: the copy to "
            "paste, its length as the channel counts it, where it folds and what to fix. "
            "Channels: weishang renderpost --list-channels")

    def add_arguments(self, parser):
        parser.add_argument("post", nargs="?", help="the post's id (as in its console address)")
        parser.add_argument("--channel", default="wechat_moments", help="channel code")
        parser.add_argument("--variant", default="", choices=["", *REGIONS],
                            help="tw / hk: Traditional Chinese with Taiwan or Hong Kong wording")
        parser.add_argument("--link", default="",
                            help="the link to fill in for {店铺链接} (default: the shop's "
                                 "address on SITE_URL)")
        parser.add_argument("--list-channels", action="store_true")

    def handle(self, *args, post=None, channel, variant, link, list_channels, **options):
        if list_channels:
            for option in queries.channels():
                self.stdout.write(f"{option.code}\t{option.name}")
            return
        if not post:
            raise CommandError(_("Name a post id (or use --list-channels)."))
        try:
            found = queries.post_detail(post)
        except Post.DoesNotExist as exc:
            raise CommandError(_("No post with the id %(post)s.") % {"post": post}) from exc
        target = Channel.objects.filter(code=channel).first()
        if target is None:
            raise CommandError(_("No channel %(channel)r; see --list-channels.")
                               % {"channel": channel})
        shop = owner_shop()
        if not link and not settings.SITE_URL:
            self.stderr.write(_("{店铺链接} is only the shop's path: set SITE_URL (e.g. "
                                "https://shop.example.com) for the full link."),
                              self.style.WARNING)
        rendered = rendering.render(
            found, target, seller=shop.seller, variant=variant,
            link_url=link or absolute_url(reverse("storefront:shop", args=[shop.code])))
        if target.title_limit:
            self.stdout.write(rendered.title)
            self.stdout.write("")
        self.stdout.write(rendered.text)
        self.stdout.write("")
        self.stdout.write(self._summary(rendered, target), self.style.NOTICE)
        for problem in rendered.problems:
            self.stdout.write(f"! {problem}", self.style.WARNING)

    @staticmethod
    def _summary(rendered, channel) -> str:
        """"120/2000 characters, folds after 100, 3 pictures" in the active language (the post
        page's own words)."""
        if channel.text_limit:
            parts = [_("%(count)s/%(limit)s characters")
                     % {"count": rendered.length, "limit": channel.text_limit}]
        else:
            parts = [ngettext("%(counter)s character", "%(counter)s characters", rendered.length)
                     % {"counter": rendered.length}]
        if rendered.fold_at is not None:
            parts.append(_("folds after %(fold)s") % {"fold": channel.fold_after})
        pictures = len(rendered.images)
        parts.append(ngettext("%(counter)s picture", "%(counter)s pictures", pictures)
                     % {"counter": pictures})
        return pgettext("between the parts of a list", ", ").join(parts)

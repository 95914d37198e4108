from django.core.management.base import BaseCommand, CommandError

from weishang.accounts.services import owner_shop
from weishang.core.convert import REGIONS
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
                            help="the link to fill in for {店铺链接} (default: the shop's path)")
        parser.add_argument("--list-channels", action="store_true")

    def handle(self, *args, post=None, channel, variant, link, list_channels, **options):
        if list_channels:
            for option in queries.channels():
                self.stdout.write(f"{option.code}\t{option.name}")
            return
        if not post:
            raise CommandError("Name a post id (or use --list-channels).")
        try:
            found = queries.post_detail(post)
        except Post.DoesNotExist as exc:
            raise CommandError(f"No post with the id {post}.") from exc
        target = Channel.objects.filter(code=channel).first()
        if target is None:
            raise CommandError(f"No channel {channel!r}; see --list-channels.")
        shop = owner_shop()
        rendered = rendering.render(found, target, seller=shop.seller, variant=variant,
                                    link_url=link or f"/s/{shop.code}/")
        if target.title_limit:
            self.stdout.write(rendered.title)
            self.stdout.write("")
        self.stdout.write(rendered.text)
        self.stdout.write("")
        limit = f"/{target.text_limit}" if target.text_limit else ""
        fold = "" if rendered.fold_at is None else f", folds after {target.fold_after}"
        self.stdout.write(f"{rendered.length}{limit} characters{fold}, "
                          f"{len(rendered.images)} pictures", self.style.NOTICE)
        for problem in rendered.problems:
            self.stdout.write(f"! {problem}", self.style.WARNING)

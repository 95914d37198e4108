"""weishang postplan: the owner's posting plan from the command line (for scripts and cron)."""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.services import owner_shop
from weishang.core.errors import DomainError
from weishang.marketing import queries
from weishang.marketing.models import Channel, PlanState
from weishang.marketing.plan import queries as plan_queries
from weishang.marketing.plan import services as plan

TIME_FORMAT = "%Y-%m-%d %H:%M"


class Command(BaseCommand):
    help = ("Show the owner's posting plan (the next days, or what is due now), or plan a post "
            "under the same rules as the console: weishang postplan --add POST --channel weibo "
            "--at '2026-11-26 10:30'. Times are China time.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="days to show from today")
        parser.add_argument("--due", action="store_true",
                            help="only the planned posts whose time has come")
        parser.add_argument("--add", metavar="POST", help="plan this post (its id)")
        parser.add_argument("--channel", help="channel code, for --add")
        parser.add_argument("--at", help="date and time (YYYY-MM-DD HH:MM), for --add")
        parser.add_argument("--account", default="", help="group or account, for --add")
        parser.add_argument("--check", action="store_true",
                            help="with --add: say which rules it would break (and exit with "
                                 "1 if any), save nothing")

    def handle(self, *args, days, due, add, channel, at, account, check, **options):
        seller = owner_shop().seller
        if add:
            self._add(seller, add, channel, at, account, check)
        elif due:
            self._print(plan_queries.due_reminders(seller))
        else:
            if not 1 <= days <= 92:
                raise CommandError(_("--days must be from 1 to 92."))
            today = plan_queries.local_day(timezone.now())
            self._print(plan_queries.visible_plans(seller).filter(
                planned_at__gte=plan_queries.day_start(today),
                planned_at__lt=plan_queries.day_start(today + timedelta(days=days))))

    def _print(self, entries):
        for entry in entries:
            when = entry.planned_at.astimezone(plan_queries.PLAN_TIME_ZONE).strftime(TIME_FORMAT)
            where = f"{entry.channel.code}" + (f"/{entry.account}" if entry.account else "")
            state = "" if entry.state == PlanState.PLANNED else f" [{entry.state}]"
            self.stdout.write(f"{when}\t{where}\t{entry.post.public_id}\t{entry.post.title}"
                              f"{state}")

    def _add(self, seller, post_id, channel_code, at, account, check):
        post = queries.library_for(seller).filter(public_id=post_id).first()
        if post is None:
            raise CommandError(_("No published post with the id %(post)s.") % {"post": post_id})
        channel = Channel.objects.filter(code=channel_code or "").first()
        if channel is None:
            raise CommandError(_("No channel %(channel)r; see weishang renderpost "
                                 "--list-channels.") % {"channel": channel_code})
        try:
            planned_at = datetime.strptime(at or "", TIME_FORMAT).replace(
                tzinfo=plan_queries.PLAN_TIME_ZONE)
        except ValueError as exc:
            raise CommandError(_("--at takes a date and time (China time) like %(example)s.")
                               % {"example": "2026-11-26 10:30"}) from exc
        fields = {"seller": seller, "post": post, "channel": channel, "account": account,
                  "planned_at": planned_at}
        try:
            if check:
                violations = plan.dry_run(**fields)
            else:
                entry = plan.plan_post(**fields)
                violations = [plan.Violation(**warning) for warning in entry.warnings]
        except plan.PlanRefused as refused:
            raise CommandError(_broken(_("Not planned:"), refused.violations)) from refused
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if check:
            if violations:  # a script asks `--check` whether to go ahead: the answer is no
                raise CommandError(_broken(_("Breaks the posting rules:"), violations))
            self.stdout.write(_("Within every posting rule."))
            return
        for violation in violations:
            self.stderr.write(f"! {violation.message}", self.style.WARNING)
        self._print([entry])


def _broken(heading: str, violations) -> str:
    return "\n".join([heading, *(f"- {violation.message}" for violation in violations)])

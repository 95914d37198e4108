from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from weishang.accounts import services
from weishang.accounts.queries import user_for_login

from ._prompts import AccountCommand


class Command(AccountCommand):
    help = "Set a new password for an account, named by its username or mobile number."

    def add_arguments(self, parser):
        parser.add_argument("login", help="username or mobile number")
        super().add_arguments(parser)

    def handle(self, *args, login, **options):
        # Before asking for a password, so a typo in the name is reported at once.
        if user_for_login(login) is None:
            raise CommandError(
                _("No account has the username or mobile number “%(login)s”.") % {"login": login}
            )
        values, typed = self.values(options, {"password": self.ask_new_password})
        user = self.run_service(services.reset_password, {"login": login, **values}, typed)
        self.stdout.write(
            self.style.SUCCESS(
                _("The password of %(username)s was changed; any login lockout is lifted.")
                % {"username": user.username}
            )
        )

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts import services
from weishang.core.errors import DomainError


class Command(BaseCommand):
    help = ("Lift the login lockouts of an account (named by its username or mobile number), "
            "or of an IP address, without changing any password.")

    def add_arguments(self, parser):
        parser.add_argument("login", nargs="?", help="username or mobile number")
        parser.add_argument("--address", help="an IP address whose lockout to lift instead")

    def handle(self, *args, login, address, **options):
        if bool(login) == bool(address):
            raise CommandError(_("Name an account or give --address, not both."))
        try:
            if address:
                forgotten = services.unlock_address(address)
                done = ngettext(
                    "Forgot %(count)d failed login from %(address)s; it may log in again.",
                    "Forgot %(count)d failed logins from %(address)s; it may log in again.",
                    forgotten,
                ) % {"count": forgotten, "address": address}
            else:
                user, forgotten = services.unlock_account(login)
                done = ngettext(
                    "Forgot %(count)d failed login of %(username)s; the account may log in "
                    "again from everywhere.",
                    "Forgot %(count)d failed logins of %(username)s; the account may log in "
                    "again from everywhere.",
                    forgotten,
                ) % {"count": forgotten, "username": user.username}
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(done))

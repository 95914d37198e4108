from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from weishang.accounts import services
from weishang.accounts.models import Role, User

from ._prompts import AccountCommand


class Command(AccountCommand):
    help = "Create the shop owner's account (there is only one)."

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--phone", help="mainland mobile number, e.g. 13812345678")
        parser.add_argument("--display-name", default="")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        owner = User.objects.filter(role=Role.OWNER).first()
        if owner is not None:
            raise CommandError(
                _(
                    "The owner account already exists: %(username)s. "
                    "To set its password use: weishang resetpassword %(username)s"
                )
                % {"username": owner.username}
            )
        prompts = {
            "username": lambda: self.ask(_("Username")),
            "phone": lambda: self.ask(_("Mobile number")),
            "password": self.ask_new_password,
        }
        values, typed = self.values(options, prompts)
        values["display_name"] = options["display_name"]
        owner = self.run_service(services.create_owner, values, typed)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Owner account %(username)s created. Log in at /accounts/login/ "
                    "with the username or the mobile number %(phone)s."
                )
                % {"username": owner.username, "phone": owner.phone}
            )
        )

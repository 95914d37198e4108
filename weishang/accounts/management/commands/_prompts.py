"""Shared by the account commands: ask on the terminal, and ask again for what a service rejects."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from weishang.core.errors import DomainError, InvalidInput


class AccountCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--password", help="for scripts; otherwise you are asked twice")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive",
            help="never ask; fail when a value is missing",
        )

    def ask(self, label: str) -> str:
        return input(f"{label}: ").strip()

    def ask_new_password(self) -> str:
        """Ask twice until both entries match."""
        while True:
            password = getpass.getpass(_("Password: "))
            if password == getpass.getpass(_("Password (again): ")):
                return password
            self.stderr.write(_("The two passwords are not the same. Try again."))

    def values(self, options: dict, prompts: dict) -> tuple[dict, dict]:
        """Each value from its option, else (when interactive) typed in.

        Returns the values and the prompts of those typed in, to ask again if rejected.
        """
        missing = {name: prompt for name, prompt in prompts.items() if options[name] is None}
        if missing and not options["interactive"]:
            raise CommandError(_("Missing --%(option)s.") % {"option": next(iter(missing))})
        values = {name: options[name] for name in prompts}
        values.update({name: prompt() for name, prompt in missing.items()})
        return values, missing

    def run_service(self, service, values: dict, prompts: dict):
        """``service(**values)``; a rejected value that was typed in is asked for again,
        any other bad input is a CommandError (exit code 1)."""
        while True:
            try:
                return service(**values)
            except InvalidInput as error:
                if error.field not in prompts:
                    raise CommandError(str(error.message)) from error
                self.stderr.write(str(error.message))
                values[error.field] = prompts[error.field]()
            except DomainError as error:
                raise CommandError(str(error.message)) from error

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts.models import Role, User
from weishang.core.errors import DomainError
from weishang.core.phone import normalize_mobile
from weishang.customers import queries, services
from weishang.customers.models import Customer, CustomerOrder


class Command(BaseCommand):
    help = ("Erase a customer's personal data on their request (PIPL), as the owner, at every "
            "seller who has their mobile number: name, number, WeChat ID, birthday, region, "
            "addresses, notes, tags and follow-ups. Orders keep their goods and amounts. "
            "Refused while one of their orders is still under way. Logged in the access log.")

    def add_arguments(self, parser):
        parser.add_argument("customer", help="the customer's mobile number or id")
        parser.add_argument("--yes", action="store_true",
                            help="erase without asking (it cannot be undone)")

    def handle(self, *args, customer: str, yes: bool, **options):
        owner = User.objects.filter(role=Role.OWNER).first()
        if owner is None:
            raise CommandError(_("There is no owner yet; run createowner first."))
        found = Customer.objects.with_phones(normalize_mobile(customer)).first() or \
            Customer.objects.filter(public_id=customer).first()
        if found is None:
            raise CommandError(_("No customer has this mobile number or id."))
        refused_because = services.erasure_refused_because(found)
        if refused_because:
            raise CommandError(refused_because)
        records = list(queries.person_records(found).values_list("pk", flat=True))
        if not yes:
            self._confirm(found, len(records))
        try:
            services.erase_customer(owner, found)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        kept = CustomerOrder.objects.filter(customer_id__in=records).count()
        self.stdout.write(ngettext(
            "Erased. %(count)d order is kept without name, number or address.",
            "Erased. %(count)d orders are kept without name, number or address.", kept)
            % {"count": kept})

    def _confirm(self, customer: Customer, sellers: int) -> None:
        if not sys.stdin.isatty():
            # A script or a pipe cannot answer: refuse rather than read nothing and fail.
            raise CommandError(_("Nothing was erased: there is no terminal to ask for "
                                 "confirmation. Run the command again with --yes to erase "
                                 "without asking."))
        question = ngettext(
            "Erase the personal data of %(name)s? This cannot be undone. Type yes: ",
            "Erase the personal data of %(name)s at %(count)d sellers? This cannot be "
            "undone. Type yes: ", sellers) % {"name": customer.name, "count": sellers}
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError(_("Nothing was erased."))

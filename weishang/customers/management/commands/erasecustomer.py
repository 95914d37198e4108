from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts.models import Role, User
from weishang.core.errors import DomainError
from weishang.core.phone import normalize_mobile
from weishang.customers import services
from weishang.customers.models import Customer


class Command(BaseCommand):
    help = ("Erase a customer's personal data on their request (PIPL), as the owner: name, "
            "number, WeChat ID, birthday, region, addresses, notes, tags and follow-ups. Orders "
            "keep their goods and amounts. Logged in the access log.")

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
        if not yes:
            answer = input(_("Erase the personal data of %(name)s? This cannot be undone. "
                             "Type yes: ") % {"name": found.name})
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing was erased."))
        try:
            services.erase_customer(owner, found)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        kept = found.order_links.count()
        self.stdout.write(ngettext(
            "Erased. %(count)d order is kept without name, number or address.",
            "Erased. %(count)d orders are kept without name, number or address.", kept)
            % {"count": kept})

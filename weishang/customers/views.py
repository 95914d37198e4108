"""Customer care pages (/console/customers/): the list with one search box, a customer's page
with addresses, orders, tags and notes, the forms, and the personal-data actions (reveal a
number, export, erase) with the owner's access log. Every change goes through ``services``;
a refused change shows why and writes nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.models import Role
from weishang.accounts.permissions import area_or_agent_required, owner_required
from weishang.core.errors import DomainError
from weishang.core.forms import submit_form

from . import data_files, queries, services
from .forms import AddressForm, CustomerFilterForm, CustomerForm, NoteForm
from .models import AccessLog, Customer

CUSTOMERS_PER_PAGE = 20
ACCESS_LOG_PER_PAGE = 50
#: An agent opens these pages too: every read goes through queries.customers_for, which gives
#: an agent only their own customers.
customers_area = area_or_agent_required("customers")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "customers", **context}, status=status)


def _customer_or_404(request, public_id: str) -> Customer:
    try:
        return queries.customer_detail(public_id, request.user)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


# -- List -------------------------------------------------------------------------------------

@customers_area
def customer_list(request):
    channels = queries.source_channel_choices()
    filter_form = CustomerFilterForm.with_choices(request.GET, request.user,
                                                  channel_choices=channels)
    page = Paginator(queries.customer_list(request.user, **filter_form.filters())
                     .select_related("seller"), CUSTOMERS_PER_PAGE).get_page(
        request.GET.get("page"))
    channel_names = dict(channels)
    for customer in page:
        customer.source_name = queries.source_channel_name(customer.source_channel,
                                                           channel_names)
        # The owner's list holds every agent's records: a person at two sellers is two rows.
        customer.agent_name = (str(customer.seller) if customer.seller.role == Role.AGENT
                               and customer.seller_id != request.user.pk else "")
    context = {"filter_form": filter_form, "page": page}
    if request.headers.get("HX-Request"):
        # Results as you type: only the rows and the count change.
        return render(request, "customers/_results.html", context)
    return _page(request, "customers/customer_list.html", context)


# -- Create and edit --------------------------------------------------------------------------

def _edit(request, customer: Customer | None):
    channels = queries.source_channel_choices()

    def page(form):
        return _page(request, "customers/customer_form.html",
                     {"form": form, "customer": customer})

    def save(data):
        if customer is None:
            return services.create_customer(request.user, **data)
        return services.update_customer(request.user, customer, **data)

    if request.method != "POST":
        return page(CustomerForm(initial=CustomerForm.initial_for(customer) if customer else None,
                                 channel_choices=channels))
    return submit_form(
        request, CustomerForm(request.POST, channel_choices=channels), save,
        success_message=lambda saved: _("Saved %(name)s.") % {"name": saved.name},
        success_url=lambda saved: reverse("customers:detail", args=[saved.public_id]),
        page_with_errors=page)


@customers_area
def customer_create(request):
    return _edit(request, None)


@customers_area
def customer_edit(request, public_id):
    customer = _customer_or_404(request, public_id)
    if customer.is_erased:
        messages.error(request, _("This customer's data was erased."))
        return redirect("customers:detail", public_id=public_id)
    return _edit(request, customer)


# -- Detail -----------------------------------------------------------------------------------

def _detail_page(request, customer: Customer, *, note_form=None, address_form=None,
                 revealed_phone: str = ""):
    return _page(request, "customers/customer_detail.html", {
        "customer": customer,
        "phone": revealed_phone or services.shown_phone(request.user, customer),
        "phone_masked": not (revealed_phone
                             or services.can_see_full_phone(request.user, customer)),
        "channel_name": queries.source_channel_name(customer.source_channel),
        "other_records": queries.other_records(request.user, customer),
        "note_form": note_form or NoteForm(),
        "address_form": address_form or AddressForm(),
        "open_address_form": address_form is not None,
    })


@customers_area
def customer_detail(request, public_id):
    return _detail_page(request, _customer_or_404(request, public_id))


@customers_area
@require_POST
def add_note(request, public_id):
    customer = _customer_or_404(request, public_id)
    return submit_form(
        request, NoteForm(request.POST),
        lambda data: services.add_note(request.user, customer, data["text"]),
        success_message=_("Note added."),
        success_url=reverse("customers:detail", args=[public_id]),
        page_with_errors=lambda form: _detail_page(request, customer, note_form=form))


@customers_area
@require_POST
def add_address(request, public_id):
    customer = _customer_or_404(request, public_id)
    form = AddressForm(request.POST)
    return submit_form(
        request, form, lambda data: services.add_address(request.user, customer, form.recipient()),
        success_message=_("Address added."),
        success_url=reverse("customers:detail", args=[public_id]),
        page_with_errors=lambda form: _detail_page(request, customer, address_form=form))


@customers_area
@require_POST
def remove_address(request, public_id, address_id):
    customer = _customer_or_404(request, public_id)
    try:
        services.remove_address(request.user, customer, address_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Address removed."))
    return redirect("customers:detail", public_id=public_id)


# -- Personal data ----------------------------------------------------------------------------

@customers_area
@require_POST
def reveal_phone(request, public_id):
    customer = _customer_or_404(request, public_id)
    try:
        phone = services.reveal_phone(request.user, customer)
    except DomainError as exc:
        if request.headers.get("HX-Request"):
            return HttpResponse(str(exc.message), status=exc.status)
        messages.error(request, str(exc.message))
        return redirect("customers:detail", public_id=public_id)
    if request.headers.get("HX-Request"):
        return render(request, "customers/_phone.html",
                      {"customer": customer, "phone": phone, "phone_masked": False})
    return _detail_page(request, customer, revealed_phone=phone)


@customers_area
@require_POST
def export_customer(request, public_id):
    customer = _customer_or_404(request, public_id)
    file_format = request.POST.get("format", "")
    if file_format not in data_files.FORMATS:
        messages.error(request, _("Choose JSON or Excel."))
        return redirect("customers:detail", public_id=public_id)
    try:
        data = services.export_customer(request.user, customer, file_format=file_format)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("customers:detail", public_id=public_id)
    response = HttpResponse(data_files.write(data, file_format),
                            content_type=data_files.FORMATS[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{data_files.filename(customer.public_id, file_format)}"')
    return response


@owner_required
def erase_customer(request, public_id):
    customer = _customer_or_404(request, public_id)
    if request.method == "POST":
        try:
            services.erase_customer(request.user, customer)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The customer's personal data was erased. Their orders "
                                        "are kept without name, number or address."))
        return redirect("customers:detail", public_id=public_id)
    return _page(request, "customers/customer_erase.html", {
        "customer": customer,
        "records": queries.person_records(customer).select_related("seller").order_by("pk"),
        "refused_because": services.erasure_refused_because(customer),
    })


@owner_required
def access_log(request):
    entries = AccessLog.objects.select_related("actor", "customer")
    page = Paginator(entries, ACCESS_LOG_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "customers/access_log.html", {"page": page})

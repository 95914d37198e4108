"""Console pages of bulk shipping: download the orders to ship, upload the tracking numbers.

An upload shows a preview first; its rows wait in the session (no file is kept) until the
owner confirms, and are checked again then, since orders may have changed in between.
"""

import secrets

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from weishang.accounts.permissions import area_required
from weishang.core import spreadsheets
from weishang.core.errors import InvalidInput
from weishang.core.forms import DateInput

from . import files, queries, services

orders_area = area_required("orders")
SESSION_KEY = "orders_shipping_import"


class ExportFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Placed from"), required=False,
                                widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("Placed until"), required=False,
                              widget=DateInput())


class ShippingFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel (.xlsx) or CSV file"),
        help_text=gettext_lazy("Columns 订单号, 快递公司 and 快递单号; other columns are ignored. "
                               "Rows without a carrier and tracking number are not shipped."),
        widget=forms.ClearableFileInput(attrs={"accept": spreadsheets.ACCEPTED_FILES}),
    )


@orders_area
@require_GET
def shipping_export(request):
    filters = ExportFilterForm(request.GET)
    dates = filters.cleaned_data if filters.is_valid() else {}
    content = files.export_workbook(queries.orders_to_ship(
        date_from=dates.get("date_from"), date_to=dates.get("date_to")))
    response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    filename = f"待发货-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _upload_page(request, form, status=200):
    return render(request, "orders/bulk_import.html",
                  {"nav": "orders", "form": form, "filter_form": ExportFilterForm(),
                   "max_megabytes": files.MAX_FILE_BYTES // (1024 * 1024),
                   "max_rows": files.MAX_ROWS},
                  status=status)


def _preview(request, rows, *, message="", status=200):
    """The checked rows; when all are right and some are to ship, they wait in the session
    for the confirmation."""
    statuses = [files.row_status(row) for row in rows]
    has_errors = "error" in statuses
    to_ship = statuses.count("ok")
    token = ""
    if has_errors or not to_ship:
        request.session.pop(SESSION_KEY, None)
        if not has_errors:
            message = message or services.nothing_to_ship()
    else:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {"token": token, "rows": files.rows_to_session(rows)}
    return render(request, "orders/bulk_preview.html", {
        "nav": "orders", "rows": rows, "has_errors": has_errors, "token": token,
        "error_count": statuses.count("error"), "to_ship": to_ship,
        "blank_count": statuses.count("blank"), "message": message,
    }, status=status)


@orders_area
@require_http_methods(["GET", "POST"])
def shipping_import(request):
    if request.method == "GET":
        return _upload_page(request, ShippingFileForm())
    form = ShippingFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    try:
        rows = files.read_shipping_file(form.cleaned_data["file"])
    except InvalidInput as error:
        form.add_error("file", str(error.message))
        return _upload_page(request, form, status=400)
    rows, _orders = services.check_rows(rows)
    return _preview(request, rows)


@orders_area
@require_POST
def shipping_apply(request):
    saved = request.session.get(SESSION_KEY)
    if not saved or saved.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview is no longer valid; upload the file again."))
        return redirect("orders:shipping_import")
    rows = files.rows_from_session(saved["rows"])
    try:
        shipped = services.apply_shipping(rows, actor=request.user)
    except services.ShippingFileRefused as refused:
        return _preview(request, refused.rows, message=str(refused.message), status=409)
    finally:
        request.session.pop(SESSION_KEY, None)
    messages.success(request, ngettext("%(count)d order shipped.", "%(count)d orders shipped.",
                                       shipped) % {"count": shipped})
    return redirect("orders:shipping_import")

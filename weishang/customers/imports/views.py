"""Console pages of the customer import (upload → preview → import) and the Excel export.

An upload is checked at once and shown as a preview. The file waits in the data folder (never
in a public one) under an unguessable name kept in the uploader's session, until they import
it or upload another; the import reads it again, since customers may have changed meanwhile.
"""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from weishang.accounts.permissions import area_required
from weishang.core import spreadsheets
from weishang.core.errors import DomainError

from .. import services
from ..forms import CustomerFilterForm
from . import queries, reports, rows
from . import services as imports
from .forms import CustomerFileForm

customers_area = area_required("customers")
SESSION_KEY = "customers_import"


def _discard(request) -> None:
    saved = request.session.pop(SESSION_KEY, None)
    if saved:
        imports.discard_staged(saved["token"])


def _column_headers() -> dict[str, str]:
    """Each column's Chinese headers and its plainest English one, to show on the page."""
    return {field: " / ".join([*(header for header in headers if not header.isascii()),
                               next(header for header in headers if header.isascii())])
            for field, headers in rows.HEADERS.items()}


def _upload_page(request, form, status=200):
    return render(request, "customers/import_upload.html", {
        "nav": "customers", "form": form, "columns": _column_headers(),
        "max_megabytes": rows.MAX_FILE_BYTES // (1024 * 1024), "max_rows": rows.MAX_ROWS,
        "tag_separators": services.TAG_SEPARATORS_SHOWN,
    }, status=status)


def _preview(request, report, *, filename, message="", status=200):
    return render(request, "customers/import_preview.html", {
        "nav": "customers", "report": report, "filename": filename, "message": message,
        "token": request.session[SESSION_KEY]["token"],
        "importable": report.new + report.merged,
        "hidden_errors": report.error_count - len(report.error_rows),
    }, status=status)


@customers_area
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if request.method == "GET":
        return _upload_page(request, CustomerFileForm())
    form = CustomerFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    _discard(request)
    token = imports.stage_upload(upload)
    try:
        with open(imports.staged_path(token), "rb") as staged:
            report = imports.check_file(staged, actor=request.user)
    except DomainError as error:
        imports.discard_staged(token)
        form.add_error("file", str(error.message))
        return _upload_page(request, form, status=400)
    request.session[SESSION_KEY] = {"token": token, "filename": upload.name}
    return _preview(request, report, filename=upload.name)


@customers_area
@require_POST
def import_apply(request):
    saved = request.session.get(SESSION_KEY)
    path = saved and imports.staged_path(saved["token"])
    if not saved or saved["token"] != request.POST.get("token") or not path.exists():
        messages.error(request, _("This preview is no longer valid; upload the file again."))
        return redirect("customers:import_upload")
    try:
        with open(path, "rb") as staged:
            report = imports.import_file(staged, actor=request.user,
                                         skip_bad_rows=request.POST.get("skip_bad_rows") == "on")
    except reports.ImportRefused as refused:
        return _preview(request, refused.report, filename=saved["filename"],
                        message=str(refused.message), status=409)
    except DomainError as error:
        _discard(request)
        messages.error(request, str(error.message))
        return redirect("customers:import_upload")
    _discard(request)
    messages.success(request, _("Imported. New customers: %(new)d · merged: %(merged)d · "
                                "rows skipped: %(skipped)d.")
                     % {"new": report.new, "merged": report.merged, "skipped": report.skipped})
    return redirect("customers:list")


@customers_area
@require_GET
def export_xlsx(request):
    filter_form = CustomerFilterForm.with_choices(request.GET, request.user)
    if not filter_form.is_valid():
        messages.error(request, filter_form.first_error())
        return redirect("customers:list")
    customers, description = queries.filtered_customers(request.user, filter_form.filters())
    output = imports.export_customers(customers, actor=request.user, description=description)
    return FileResponse(output, as_attachment=True, content_type=spreadsheets.XLSX_CONTENT_TYPE,
                        filename=f"客户-{timezone.localdate():%Y%m%d}.xlsx")

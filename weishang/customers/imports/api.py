"""REST endpoints of the customer import and export (included by customers/api.py).

``POST customers/import/`` takes an .xlsx or CSV file: with ``dry_run`` it answers the preview
(counts and wrong rows) and writes nothing; otherwise it imports in one transaction, and a file
with wrong rows answers 400 ``invalid_rows`` and imports nothing unless ``skip_bad_rows``.
``GET customers/export.xlsx`` downloads the customers the user may see (logged, PIPL).
"""

from django.http import FileResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaPermission
from weishang.core import spreadsheets
from weishang.core.rest.errors import ErrorSerializer, refusals

from .. import api_filters
from . import queries, reports
from . import services as imports


class CustomerImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx or CSV (UTF-8 or GBK) file with a header "
                                           "row naming its columns (姓名, 手机, …).")
    dry_run = serializers.BooleanField(default=False,
                                       help_text="Only check the file and count; write nothing.")
    skip_bad_rows = serializers.BooleanField(
        default=False, help_text="Import the right rows even when others are wrong.")


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as seen in Excel (header = 1).")
    name = serializers.CharField()
    phone = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="False for a dry run.")
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    merged = serializers.IntegerField()
    error_count = serializers.IntegerField()
    error_rows = ImportRowSerializer(
        many=True, help_text=f"The first {reports.MAX_REPORTED_ERRORS} wrong rows.")


class ImportRefusedSerializer(ErrorSerializer):
    report = ImportReportSerializer(required=False, help_text="With invalid_rows.")


def _report_data(report: reports.ImportReport) -> dict:
    return {"applied": report.applied, "rows": report.rows, "new": report.new,
            "merged": report.merged, "error_count": report.error_count,
            "error_rows": [reports.row_as_dict(row) for row in report.error_rows]}


class CustomerImportView(APIView):
    permission_classes = [AreaPermission]
    area = "customers"
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Import customers from an Excel or CSV file",
        description=(
            "Rows are matched to customers by mobile number: a known number adds what the "
            "customer lacks (empty fields, tags, address, note) and keeps its seller. With "
            "`dry_run` the file is only checked. Otherwise it is imported in one transaction; "
            "wrong rows answer 400 `invalid_rows` with the report and nothing is imported, "
            "unless `skip_bad_rows`."
        ),
        request={"multipart/form-data": CustomerImportSerializer},
        responses={200: ImportReportSerializer, 409: ErrorSerializer,
                   **refusals("CustomerImport", "invalid_rows", base=ImportRefusedSerializer)},
    )
    def post(self, request):
        given = CustomerImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        try:
            if given.validated_data["dry_run"]:
                report = imports.check_file(upload, actor=request.user)
            else:
                report = imports.import_file(
                    upload, actor=request.user,
                    skip_bad_rows=given.validated_data["skip_bad_rows"])
        except reports.ImportRefused as refused:
            return Response({"code": refused.code, "message": str(refused.message),
                             "report": _report_data(refused.report)},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_report_data(report))


class CustomerExportView(APIView):
    permission_classes = [AreaPermission]
    area = "customers"

    @extend_schema(
        summary="Download customers as Excel",
        operation_id="customers_export",
        parameters=api_filters.FILTER_PARAMETERS,
        description="The customers the user may see, filtered like the customer list, in the "
                    "columns the import reads. Every download is written to the access log.",
        responses={(200, spreadsheets.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
                   400: ErrorSerializer},
    )
    def get(self, request):
        filters = api_filters.CustomerFilterSerializer(data=request.query_params).filters()
        customers, description = queries.filtered_customers(request.user, filters)
        output = imports.export_customers(customers, actor=request.user,
                                          description=description)
        return FileResponse(output, as_attachment=True, content_type=spreadsheets.XLSX_CONTENT_TYPE,
                            filename=f"customers-{timezone.localdate():%Y%m%d}.xlsx")


urlpatterns = [
    path("customers/import/", CustomerImportView.as_view(), name="customer_import"),
    path("customers/export.xlsx", CustomerExportView.as_view(), name="customer_export"),
]

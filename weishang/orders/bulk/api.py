"""REST API of bulk shipping: ship the orders of an Excel file (mounted by orders/api.py)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaPermission
from weishang.core.rest.errors import ErrorSerializer, refusals

from . import files, services

# --- output ---------------------------------------------------------------------------------


class ShippingRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the sheet.")
    order_number = serializers.CharField()
    carrier = serializers.CharField(help_text="The carrier's code when recognised.")
    tracking_number = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["ok", "error", "blank"],
        help_text="blank: no carrier and no tracking number, so the order is not shipped.")
    error = serializers.CharField(help_text="Why the row cannot be applied; empty when ok.")


class ShippingImportResultSerializer(serializers.Serializer):
    shipped = serializers.IntegerField(help_text="Orders shipped (0 on a dry run).")
    rows = ShippingRowSerializer(many=True)


class ShippingImportErrorSerializer(ErrorSerializer):
    rows = ShippingRowSerializer(many=True, required=False)


# --- input ----------------------------------------------------------------------------------


class ShippingImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="An .xlsx or CSV with the columns 订单号, 快递公司, 快递单号.")
    dry_run = serializers.BooleanField(required=False, default=False,
                                       help_text="Only check the rows and return them.")


# --- endpoint -------------------------------------------------------------------------------


class ShippingImportView(APIView):
    permission_classes = [AreaPermission]
    area = "orders"
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Ship orders from an Excel file",
        description=(
            "The file's rows (订单号, 快递公司 (name or code), 快递单号) are all checked; rows "
            "with neither carrier nor tracking number are left out (status `blank`). With "
            "`dry_run` the checked rows are returned. Otherwise every other order is shipped in "
            "one transaction, or none: any wrong row answers 400 `invalid_rows` with the rows, "
            "and a file of blank rows only 400 `nothing_to_ship`."
        ),
        request={"multipart/form-data": ShippingImportSerializer},
        responses={200: ShippingImportResultSerializer, **refusals(
            "ShippingImport", "invalid_rows", "nothing_to_ship",
            base=ShippingImportErrorSerializer)},
    )
    def post(self, request):
        given = ShippingImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rows = files.read_shipping_file(given.validated_data["file"])
        try:
            if given.validated_data["dry_run"]:
                rows, _orders = services.check_rows(rows)
                shipped = 0
            else:
                shipped = services.apply_shipping(rows, actor=request.user)
        except services.ShippingFileRefused as refused:
            return Response({"code": refused.code, "message": str(refused.message),
                             "rows": [files.row_as_dict(row) for row in refused.rows]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"shipped": shipped, "rows": [files.row_as_dict(row) for row in rows]})


urlpatterns = [
    path("orders/shipping-import/", ShippingImportView.as_view(), name="shipping_import"),
]

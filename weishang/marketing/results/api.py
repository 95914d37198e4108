"""REST endpoint of the results: ``results/``, clicks, orders, revenue and conversion per post,
channel, seller or link over a date range. Refused input answers
``{"code", "message", "fields"?}``.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from weishang.accounts.permissions import AreaPermission
from weishang.core.rest.errors import ErrorSerializer

from . import queries as results
from .queries import By, Period

# --- output ---------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    clicks = serializers.IntegerField()
    orders = serializers.IntegerField(help_text="Orders placed through the link(s).")
    paid_orders = serializers.IntegerField(help_text="Of those, paid, shipped or completed.")
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2,
                                       help_text="Payable of the paid orders.")
    conversion = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True,
                                          help_text="Orders per click (0.0250 is 2.5%); null "
                                                    "before the first click.")


class ResultRowSerializer(FiguresSerializer):
    key = serializers.CharField(help_text="The post's public id (\"\" for shop links), the "
                                          "channel's code, the seller's id or the link's code.")
    label = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=By.CHOICES)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    total = FiguresSerializer()
    rows = ResultRowSerializer(many=True, help_text="Best first: revenue, orders, clicks.")


# --- input ----------------------------------------------------------------------------------


class ResultsFilterSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=By.CHOICES, required=False, default=By.POST)
    date_from = serializers.DateField(required=False, default=None)
    date_to = serializers.DateField(required=False, default=None)

    def validate(self, data):
        if data["date_from"] and data["date_to"] and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError(
                {"date_from": [_("The start date is after the end date.")]})
        return data


# --- views ----------------------------------------------------------------------------------


class ResultsView(GenericAPIView):
    permission_classes = [AreaPermission]
    area = "marketing"
    serializer_class = ResultsSerializer

    @extend_schema(
        summary="Clicks, orders, revenue and conversion per post, channel, seller or link",
        description="Clicks by their time, orders by the time they were placed (local dates, "
                    "both ends included; without dates: all time). Revenue counts sales: "
                    "paid, shipped and completed orders (not while a refund request is "
                    "open).",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(By.CHOICES),
                             description="The breakdown (default post)."),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses={200: ResultsSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        filters = ResultsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        period = Period(data["date_from"], data["date_to"])
        rows = results.breakdown(data["by"], period=period,
                                 seller=results.seller_scope(request.user))
        return Response(ResultsSerializer({
            "by": data["by"], "date_from": period.date_from, "date_to": period.date_to,
            "total": results.total(rows), "rows": rows,
        }).data)


urlpatterns = [
    path("results/", ResultsView.as_view(), name="marketing_results"),
]

"""The customer list's filters in the API: the list and the Excel export take the same ones."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from weishang.core.models import max_length_of

from . import queries
from .models import Customer, Tag


class CustomerFilterSerializer(serializers.Serializer):
    search = serializers.CharField(max_length=queries.MAX_SEARCH_LENGTH, required=False,
                                   default="", allow_blank=True)
    tag = serializers.CharField(max_length=max_length_of(Tag, "name"), required=False,
                                default="", allow_blank=True)
    channel = serializers.CharField(max_length=max_length_of(Customer, "source_channel"),
                                    required=False, default="", allow_blank=True)
    segment = serializers.CharField(max_length=40, required=False, default="",
                                    allow_blank=True)
    last_order_from = serializers.DateField(required=False, default=None)
    last_order_to = serializers.DateField(required=False, default=None)
    spent_min = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                         required=False, default=None)
    spent_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0,
                                         required=False, default=None)

    def filters(self) -> dict:
        """The validated filters as keyword arguments of queries.customer_list (raises
        ValidationError for a wrong one)."""
        self.is_valid(raise_exception=True)
        data = dict(self.validated_data)
        return {"text": data.pop("search"), **data}


FILTER_PARAMETERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description=(
        "Name, full pinyin (zhangsan), pinyin initials (zs), the last 4 digits or the "
        "start of the mobile number, WeChat ID or tag, each matched at its start.")),
    OpenApiParameter("tag", OpenApiTypes.STR, description="Only with this tag."),
    OpenApiParameter("channel", OpenApiTypes.STR,
                     description="Only from this source channel code."),
    OpenApiParameter("segment", OpenApiTypes.STR, description="Only in this segment."),
    OpenApiParameter("last_order_from", OpenApiTypes.DATE),
    OpenApiParameter("last_order_to", OpenApiTypes.DATE),
    OpenApiParameter("spent_min", OpenApiTypes.DECIMAL),
    OpenApiParameter("spent_max", OpenApiTypes.DECIMAL),
]

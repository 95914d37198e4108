"""Public address helpers for checkout pages: smart paste and region lists for cascading selects.

Both are open to anyone (a customer checking out has no account) and need no CSRF token; the
paste is rate limited per client (scope ``address_parse``).
"""

from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from weishang.core.rest.errors import ErrorSerializer

from .address import cities, districts, parse_address, provinces
from .errors import NotFound

MAX_TEXT_LENGTH = 500
REGIONS_MAX_AGE = 24 * 60 * 60


class AddressTextSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, trim_whitespace=True,
        help_text="A whole line as pasted from a chat: name, mobile number and address.",
        error_messages={"blank": _("Paste the name, phone number and address first.")},
    )


class RenamedSerializer(serializers.Serializer):
    written = serializers.CharField(help_text="As written, e.g. 闸北区.")
    now = serializers.CharField(help_text="Today's name, e.g. 静安区; empty when it was divided.")
    year = serializers.IntegerField(allow_null=True, help_text="The year of the change, if known.")
    choices = serializers.ListField(child=serializers.CharField(),
                                    help_text="The districts it was divided among, if it was.")


class ParsedAddressSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    province = serializers.CharField(help_text="Full official name, e.g. 广东省; empty if unknown.")
    city = serializers.CharField(help_text="e.g. 深圳市 (北京市 for Beijing); empty if unknown.")
    district = serializers.CharField(
        help_text="e.g. 南山区; empty if unknown or the city has none.")
    street = serializers.CharField()
    note = serializers.CharField(help_text=(
        "A delivery note written with the address (放门卫, 周末送), for the order's note."))
    renamed = RenamedSerializer(
        many=True, help_text="Former place names read as today's (上海市闸北区 → 静安区).")
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What could not be read, for people to check."
    )
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="What was read differently from how it is written, to tell the customer.")


class RegionListSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["province", "city", "district"])
    names = serializers.ListField(child=serializers.CharField())


class AddressParseView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "address_parse"

    @extend_schema(
        operation_id="address_parse",
        summary="Read name, phone and address from one pasted line (智能地址识别)",
        request=AddressTextSerializer,
        responses={200: ParsedAddressSerializer, 400: ErrorSerializer,
                   429: ErrorSerializer},
        tags=["addresses"],
    )
    def post(self, request):
        """Also says which former place names were read as today's, and why a district is
        left to choose (a development zone, a divided district; Hong Kong, Macau and Taiwan
        are read but not delivered to)."""
        serializer = AddressTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parsed = parse_address(serializer.validated_data["text"])
        return Response(ParsedAddressSerializer(parsed).data)


class RegionListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="region_list",
        summary="Provinces, a province's cities or a city's districts",
        parameters=[
            OpenApiParameter("province", str, description="Full name, e.g. 广东省; omit for all."),
            OpenApiParameter("city", str, description="Full name, e.g. 深圳市 (needs province)."),
        ],
        responses={200: RegionListSerializer, 404: ErrorSerializer},
        tags=["addresses"],
    )
    def get(self, request):
        province = request.query_params.get("province", "").strip()
        city = request.query_params.get("city", "").strip()
        if not province:
            level, names = "province", provinces()
        elif not city:
            level, names = "city", cities(province)
            if not names and province not in provinces():
                raise NotFound(_("Unknown province."), code="unknown_region")
        else:
            level, names = "district", districts(province, city)
            if not names and city not in cities(province):
                raise NotFound(_("Unknown city."), code="unknown_region")
        response = Response({"level": level, "names": names})
        patch_cache_control(response, public=True, max_age=REGIONS_MAX_AGE)
        return response


urlpatterns = [
    path("addresses/parse", AddressParseView.as_view(), name="address_parse"),
    path("regions/", RegionListView.as_view(), name="region_list"),
]

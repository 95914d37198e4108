"""REST endpoints of customer care, under /api/v1/.

Customers (list with the same search and filters as the console, create, retrieve, update),
their notes, the tags, and the personal-data actions: reveal a number (logged), export
(logged) and erase (owner only). Like the console pages, they are open to an agent with their
own customers only. Mobile numbers are masked in lists, and in a single customer for anyone
but its seller. Follow-ups and segments (care.api) and the import (imports.api) add their own
endpoints, for the owner and staff. Changes go through ``services``; a refused change answers
``{"code", "message", "fields"?}`` and writes nothing.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from weishang.accounts.permissions import AreaOrAgentPermission
from weishang.core.models import max_length_of
from weishang.core.phone import mask_mobile
from weishang.core.rest.errors import ErrorSerializer

from . import api_filters, data_files, queries, services
from .care import api as care_api
from .imports import api as import_api
from .models import Customer, CustomerAddress, CustomerNote, Gender, Tag

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- output ---------------------------------------------------------------------------------


class AddressSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = CustomerAddress
        fields = ["id", "recipient_name", "phone", "province", "city", "district", "street",
                  "is_default"]
        read_only_fields = fields

    def get_phone(self, address) -> str:
        return services.shown_phone(self.context["request"].user, address.customer,
                                    address.phone)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True,
                                   default=None)

    class Meta:
        model = CustomerNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    """A customer in a list: the mobile number always masked."""

    id = serializers.CharField(source="public_id", read_only=True)
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField(help_text="Masked: 138****5678.")
    seller = serializers.CharField(source="seller.username", read_only=True)
    source_channel_name = serializers.SerializerMethodField()
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "wechat_id", "gender", "birthday", "province", "city",
                  "district", "source_channel", "source_channel_name", "seller", "tags",
                  "first_order_at", "last_order_at", "order_count", "total_spent",
                  "created_at", "erased_at"]
        read_only_fields = fields

    def get_name(self, customer) -> str:
        return _("Erased customer") if customer.is_erased else customer.name

    def get_phone(self, customer) -> str:
        return mask_mobile(customer.phone)

    def get_source_channel_name(self, customer) -> str:
        return queries.source_channel_name(customer.source_channel,
                                           self.context["channel_names"])


class CustomerDetailSerializer(CustomerSerializer):
    """One customer: the full number for its seller, masked for anyone else (who may ask for
    it with reveal-phone, which is logged); addresses and the latest notes."""

    phone = serializers.SerializerMethodField(
        help_text="Full for the customer's seller, else masked.")
    phone_masked = serializers.SerializerMethodField()
    addresses = AddressSerializer(many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "phone_masked", "addresses", "notes"]
        read_only_fields = fields

    def get_phone(self, customer) -> str:
        return services.shown_phone(self.context["request"].user, customer)

    def get_phone_masked(self, customer) -> bool:
        return not services.can_see_full_phone(self.context["request"].user, customer)


class TagSerializer(serializers.ModelSerializer):
    customers = serializers.IntegerField(source="customer_count", read_only=True,
                                         help_text="How many customers you see carry it.")

    class Meta:
        model = Tag
        fields = ["name", "customers"]
        read_only_fields = fields


class RevealedPhoneSerializer(serializers.Serializer):
    phone = serializers.CharField()


# --- input ----------------------------------------------------------------------------------


class CustomerInputSerializer(serializers.Serializer):
    """A customer's profile; on update, fields left out stay as they are. There is no field for
    an ID card number, and notes refuse one."""

    name = serializers.CharField(max_length=max_length_of(Customer, "name"), required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                  help_text="Mainland mobile number, or empty.")
    wechat_id = serializers.CharField(max_length=max_length_of(Customer, "wechat_id"),
                                      required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birthday = serializers.DateField(required=False, allow_null=True)
    province = serializers.CharField(max_length=max_length_of(Customer, "province"),
                                     required=False, allow_blank=True)
    city = serializers.CharField(max_length=max_length_of(Customer, "city"), required=False,
                                 allow_blank=True)
    district = serializers.CharField(max_length=max_length_of(Customer, "district"),
                                     required=False, allow_blank=True)
    source_channel = serializers.CharField(
        max_length=max_length_of(Customer, "source_channel"), required=False, allow_blank=True,
        help_text="A marketing channel code, or shop / chat / import.")
    tags = serializers.ListField(child=serializers.CharField(max_length=max_length_of(Tag, "name")),
                                 max_length=services.MAX_TAGS, required=False,
                                 help_text="Tag names; replaces the customer's tags.")


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=CustomerNote._meta.get_field("text").max_length)


class ExportInputSerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=sorted(data_files.FORMATS), default="json")


# --- views ----------------------------------------------------------------------------------


class CustomerViewSet(viewsets.GenericViewSet):
    """Customers of the user's reach (queries.customers_for): owner and customer staff see all,
    an agent only their own (another agent's answer 404). Erasing stays the owner's; an agent
    reveals and exports only their own customers, like the console pages."""

    permission_classes = [AreaOrAgentPermission]
    area = "customers"
    serializer_class = CustomerSerializer
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9a-f]{32}"
    queryset = Customer.objects.none()

    def _customer(self, public_id) -> Customer:
        try:
            return queries.customer_detail(public_id, self.request.user)
        except Customer.DoesNotExist:
            raise NotFound(_("No such customer.")) from None

    def _context(self):
        return {"request": self.request,
                "channel_names": dict(queries.source_channel_choices())}

    def _detail(self, customer, status_code=status.HTTP_200_OK):
        customer = self._customer(customer.public_id)
        return Response(CustomerDetailSerializer(customer, context=self._context()).data,
                        status=status_code)

    @extend_schema(
        summary="Customers, latest order first",
        parameters=api_filters.FILTER_PARAMETERS,
        responses={200: CustomerSerializer(many=True), 400: ErrorSerializer},
    )
    def list(self, request):
        filters = api_filters.CustomerFilterSerializer(data=request.query_params).filters()
        page = self.paginate_queryset(
            queries.customer_list(request.user, **filters).select_related("seller"))
        return self.get_paginated_response(
            CustomerSerializer(page, many=True, context=self._context()).data)

    @extend_schema(summary="Add a customer by hand", request=CustomerInputSerializer,
                   responses={201: CustomerDetailSerializer, **ERRORS})
    def create(self, request):
        given = CustomerInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        customer = services.create_customer(request.user, **given.validated_data)
        return self._detail(customer, status.HTTP_201_CREATED)

    @extend_schema(summary="One customer with addresses and notes",
                   responses={200: CustomerDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request, public_id=None):
        return self._detail(self._customer(public_id))

    @extend_schema(summary="Change a customer's profile (fields left out stay)",
                   request=CustomerInputSerializer,
                   responses={200: CustomerDetailSerializer, **ERRORS})
    def partial_update(self, request, public_id=None):
        given = CustomerInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        customer = services.update_customer(request.user, self._customer(public_id),
                                            **given.validated_data)
        return self._detail(customer)

    @extend_schema(summary="Show the full mobile number (written in the access log)",
                   request=None, responses={200: RevealedPhoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="reveal-phone")
    def reveal_phone(self, request, public_id=None):
        phone = services.reveal_phone(request.user, self._customer(public_id))
        return Response({"phone": phone})

    @extend_schema(
        summary="Export the customer's personal data (written in the access log)",
        description="JSON answers with the data itself; xlsx with an Excel file.",
        request=ExportInputSerializer,
        responses={(200, data_files.FORMATS["json"]): OpenApiResponse(
                       OpenApiTypes.OBJECT, description="The data (JSON) or an .xlsx file."),
                   (200, data_files.FORMATS["xlsx"]): OpenApiTypes.BINARY,
                   **ERRORS})
    @action(detail=True, methods=["post"])
    def export(self, request, public_id=None):
        given = ExportInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        file_format = given.validated_data["file_format"]
        customer = self._customer(public_id)
        data = services.export_customer(request.user, customer, file_format=file_format)
        if file_format == "json":
            return Response(data)
        response = HttpResponse(data_files.write(data, file_format),
                                content_type=data_files.FORMATS[file_format])
        response["Content-Disposition"] = (
            f'attachment; filename="{data_files.filename(customer.public_id, file_format)}"')
        return response

    @extend_schema(
        summary="Erase the customer's personal data (owner only, cannot be undone)",
        description="Orders stay with goods and amounts but lose name, number and address.",
        request=None, responses={200: CustomerDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def erase(self, request, public_id=None):
        customer = services.erase_customer(request.user, self._customer(public_id))
        return self._detail(customer)

    @extend_schema(methods=["get"], summary="The customer's notes, newest first",
                   responses={200: NoteSerializer(many=True), 404: ErrorSerializer})
    @extend_schema(methods=["post"], summary="Add a note (ID card numbers are refused)",
                   request=NoteInputSerializer, responses={201: NoteSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, public_id=None):
        customer = self._customer(public_id)
        if request.method == "GET":
            page = self.paginate_queryset(
                customer.notes.select_related("author").order_by("-created_at", "-id"))
            return self.get_paginated_response(NoteSerializer(page, many=True).data)
        given = NoteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        note = services.add_note(request.user, customer, given.validated_data["text"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class TagViewSet(viewsets.GenericViewSet):
    """The tags in use, with how many of the user's customers carry each."""

    permission_classes = [AreaOrAgentPermission]
    area = "customers"
    serializer_class = TagSerializer
    queryset = Tag.objects.none()

    @extend_schema(summary="Tags, by name", responses={200: TagSerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(queries.tags_for(request.user))
        return self.get_paginated_response(TagSerializer(page, many=True).data)


router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = [*care_api.urlpatterns, *import_api.urlpatterns, *router.urls]

"""REST API of orders.

Public: checkout (a cart becomes an order awaiting payment), the customer's order lookup and
refund request (mobile number + order number, rate limited). For users who manage orders: the
list, one order with its lines and timeline, its state transitions, and bulk shipping from an
Excel file (bulk/api.py); for the owner, the selling rules.
Changes go through ``services``; a refused change answers ``{"code", "message", "fields"?}``
(409 ``invalid_transition`` for a move the order's state does not allow) and writes nothing.
"""

from django.db.models import Prefetch
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from weishang.accounts.models import Shop
from weishang.accounts.permissions import AreaPermission
from weishang.core.errors import InvalidInput
from weishang.core.models import max_length_of
from weishang.core.phone import mask_mobile
from weishang.core.rest.errors import ErrorSerializer, refusals
from weishang.core.site import absolute_url

from . import carriers, queries, services
from .models import BuyerRelation, Order, OrderEvent, OrderLine, OrderState, ShopSettings
from .services import guards

# --- output ---------------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    """What was bought, as it was when bought."""

    class Meta:
        model = OrderLine
        fields = ["product_title", "spec_label", "sku_code", "unit_price", "quantity",
                  "line_total"]
        read_only_fields = fields


class OrderLineDetailSerializer(OrderLineSerializer):
    variant = serializers.CharField(source="variant.public_id", read_only=True)

    class Meta(OrderLineSerializer.Meta):
        fields = ["variant", *OrderLineSerializer.Meta.fields]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.ModelSerializer):
    """One step of the order's timeline, as the customer sees it."""

    state = serializers.CharField(source="to_state", read_only=True,
                                  help_text="The state the order moved into.")
    state_label = serializers.CharField(source="get_to_state_display", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["state", "state_label", "created_at"]
        read_only_fields = fields


class OrderEventSerializer(TimelineEntrySerializer):
    """One step of the timeline with who moved it and the note."""

    from_state = serializers.CharField(read_only=True,
                                       help_text="The state before; empty when placed.")
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True,
                                  default=None)

    class Meta(TimelineEntrySerializer.Meta):
        fields = ["from_state", *TimelineEntrySerializer.Meta.fields, "actor", "actor_kind",
                  "note"]
        read_only_fields = fields


class ShippingInfoMixin(serializers.Serializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    carrier_name = serializers.SerializerMethodField()
    after_sales_until = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="Until when the customer may ask for a refund of the completed order, fixed "
                  "when it completed; null before completion.")

    def get_carrier_name(self, order) -> str:
        return carriers.carrier_name(order.carrier)


class OrderSerializer(ShippingInfoMixin, serializers.ModelSerializer):
    """An order in the owner's list."""

    shop = serializers.CharField(source="shop.code", read_only=True)
    buyer_relation = serializers.ChoiceField(
        choices=BuyerRelation.choices, read_only=True,
        help_text="Who bought, seen from the shop's seller, as checkout recorded it: a "
                  "customer, or an agent — the seller's team, an upline, another agent (the "
                  "seller's own orders are refused). An order bought by an agent is no retail "
                  "sale and earns only if the owner switched team_orders_earn on.")
    buyer_badge = serializers.CharField(
        read_only=True,
        help_text="The badge the console shows for buyer_relation (代理自购, 团队订单, "
                  "代理订单), translated; empty for a customer.")
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["number", "state", "state_label", "channel", "shop", "buyer_relation",
                  "buyer_badge", "recipient_name",
                  "recipient_phone", "province", "city", "district", "street", "customer_note",
                  "goods_total", "shipping_fee", "payable", "created_at", "expires_at",
                  "paid_at", "payment_reference", "shipped_at", "carrier", "carrier_name",
                  "tracking_number", "completed_at", "after_sales_until", "closed_at", "lines"]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    """An order with its lines and its whole timeline."""

    placed_by = serializers.CharField(source="placed_by.username", read_only=True,
                                      allow_null=True, default=None)
    lines = OrderLineDetailSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "placed_by", "events"]
        read_only_fields = fields


class CustomerOrderSerializer(ShippingInfoMixin, serializers.ModelSerializer):
    """What the customer may see of an order: no full phone number, no internal notes."""

    recipient_phone = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The order's private page.")
    refund_declined_reason = serializers.SerializerMethodField(
        help_text="Why the seller declined the latest refund request; null when it was not "
                  "declined (the customer may ask again while the state allows it).")
    lines = OrderLineSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["number", "state", "state_label", "url", "recipient_name", "recipient_phone",
                  "province", "city", "district", "street", "goods_total", "shipping_fee",
                  "payable", "created_at", "expires_at", "paid_at", "shipped_at", "carrier",
                  "carrier_name", "tracking_number", "completed_at", "after_sales_until",
                  "refund_declined_reason", "lines", "timeline"]
        read_only_fields = fields

    def get_recipient_phone(self, order) -> str:
        return mask_mobile(order.recipient_phone)

    def get_refund_declined_reason(self, order) -> str | None:
        declined = services.declined_refund(order)
        return declined.note if declined else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, order):
        return absolute_url(reverse("storefront:order", args=[order.access_token]),
                            self.context.get("request"))


# --- input ----------------------------------------------------------------------------------


class CheckoutLineSerializer(serializers.Serializer):
    variant = serializers.CharField(max_length=32, help_text="The variant's public id.")
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_LINE_QUANTITY)


class RecipientSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=max_length_of(Order, "recipient_name"))
    phone = serializers.CharField(max_length=20, help_text="Mainland mobile number.")
    province = serializers.CharField(max_length=max_length_of(Order, "province"))
    city = serializers.CharField(max_length=max_length_of(Order, "city"))
    district = serializers.CharField(max_length=max_length_of(Order, "district"),
                                     allow_blank=True, required=False, default="")
    street = serializers.CharField(max_length=max_length_of(Order, "street"))
    note = serializers.CharField(max_length=max_length_of(Order, "customer_note"),
                                 allow_blank=True, required=False, default="")


class CheckoutSerializer(serializers.Serializer):
    shop_code = serializers.CharField(max_length=max_length_of(Shop, "code"))
    lines = CheckoutLineSerializer(many=True, max_length=services.MAX_LINES)
    recipient = RecipientSerializer()
    idempotency_key = serializers.CharField(
        max_length=max_length_of(Order, "idempotency_key"), required=False, allow_blank=True,
        default="",
        help_text="Send the same key when retrying: the order is placed once.",
    )


class LookupSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)


class CustomerRefundRequestSerializer(LookupSerializer):
    note = serializers.CharField(max_length=max_length_of(OrderEvent, "note"), allow_blank=True,
                                 required=False, default="", help_text="Why, for the seller.")


class ShopSettingsSerializer(serializers.ModelSerializer):
    """The selling rules (the receipt codes are pictures: uploaded on the settings page)."""

    class Meta:
        model = ShopSettings
        fields = ["payment_instructions", "unpaid_expiry_minutes", "auto_complete_days",
                  "after_sales_days", "shipping_fee", "free_shipping_above",
                  "max_line_quantity", "max_order_quantity", "max_unpaid_orders"]
        extra_kwargs = {
            "max_line_quantity": {"min_value": 1, "max_value": services.MAX_LINE_QUANTITY},
            "max_order_quantity": {"min_value": 1, "max_value": services.MAX_ORDER_QUANTITY},
            "max_unpaid_orders": {"min_value": 1, "max_value": services.MAX_UNPAID_ORDERS},
        }


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=max_length_of(OrderEvent, "note"), allow_blank=True,
                                 required=False, default="")


class DeclineRefundSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=max_length_of(OrderEvent, "note"),
                                   help_text="Why, shown to the customer.")


class PaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=max_length_of(Order, "payment_reference"),
                                      allow_blank=True, required=False, default="",
                                      help_text="e.g. the transfer's note or serial number.")


class ShipSerializer(serializers.Serializer):
    carrier = serializers.ChoiceField(choices=carriers.CARRIERS)
    tracking_number = serializers.CharField(max_length=carriers.MAX_TRACKING_NUMBER_LENGTH)


class OrderFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=OrderState.choices, required=False, default="",
                                    allow_blank=True)
    search = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    date_from = serializers.DateField(required=False, default=None)
    date_to = serializers.DateField(required=False, default=None)


# --- public views ---------------------------------------------------------------------------


def _customer_view(order: Order):
    """The order again with what the customer view shows prefetched."""
    return Order.objects.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("id")),
    ).get(pk=order.pk)


class CheckoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Place an order from a cart",
        description=(
            "Prices, shipping fee and totals come from the shop, never from the request. "
            "Stock is taken at once; the order waits for payment until `expires_at`. "
            "Answers 201 with the order, or 200 with the order placed before when the same "
            "client sends the same `idempotency_key` with the same content again (a key "
            "belongs to the client: the signed-in user, else the session cookie, else only "
            "to the content). Refused, nothing is written: 400 for bad input (the province, "
            "city and district must go together; `quantity_limit` beyond the shop's limits "
            "per item and per order), 409 `insufficient_stock` naming the item, "
            "`idempotency_key_reused` for a key sent before with other content, "
            "`too_many_unpaid_orders` when the mobile number has the shop's most unpaid "
            "orders, `own_shop` when an agent (by the recipient's mobile or the signed-in "
            "user) orders in their own shop (they buy stock on the purchase page), and 429 "
            "`too_many_checkouts` (with Retry-After) when the client's address or the mobile "
            "number checked out too often lately."
        ),
        request=CheckoutSerializer,
        responses={201: CustomerOrderSerializer, 200: CustomerOrderSerializer,
                   **refusals("Checkout", "quantity_limit", "insufficient_stock", "shop_closed",
                              "own_shop", "idempotency_key_reused", "too_many_unpaid_orders",
                              "too_many_checkouts")},
    )
    def post(self, request):
        given = CheckoutSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        shop = Shop.objects.filter(code=data["shop_code"], is_open=True).first()
        if shop is None:
            raise InvalidInput(_("There is no open shop with this code."), field="shop_code")
        placed = services.place_order_once(
            shop=shop,
            lines=[services.CartLine(line["variant"], line["quantity"]) for line in data["lines"]],
            recipient=services.Recipient(**data["recipient"]),
            idempotency_key=data["idempotency_key"],
            client=guards.client_of(request),
            buyer_user=request.user,
        )
        # A new order is answered as it was written; one placed before is read again.
        order = _customer_view(placed.order) if placed.replayed else placed.order
        body = CustomerOrderSerializer(order, context={"request": request}).data
        return Response(body, status=status.HTTP_200_OK if placed.replayed
                        else status.HTTP_201_CREATED)


class CustomerOrderView(APIView):
    """A customer's own order, found by mobile number and order number (both must match)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "order_lookup"

    def _order(self, data) -> Order:
        order = queries.find_for_customer(data["phone"], data["number"])
        if order is None:
            raise NotFound(_("No order matches this mobile number and order number."))
        return order


class OrderLookupView(CustomerOrderView):

    @extend_schema(
        summary="Find an order by mobile number and order number",
        description="Both must match. Rate limited per client (429 when exceeded).",
        request=LookupSerializer,
        responses={200: CustomerOrderSerializer, 400: ErrorSerializer,
                   404: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request):
        given = LookupSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        order = self._order(given.validated_data)
        return Response(CustomerOrderSerializer(order, context={"request": request}).data)


class CustomerRefundRequestView(CustomerOrderView):
    @extend_schema(
        summary="Ask for a refund (the customer)",
        description=(
            "Of a paid or shipped order, or of a completed one within the shop's after-sales "
            "window (`after_sales_until`; afterwards 409 `after_sales_closed`: the seller may "
            "still refund). The seller then refunds, or declines with a reason "
            "(`refund_declined_reason`) and the order is back where it was: the customer may "
            "ask again. Found by mobile number and order number like the lookup, and rate "
            "limited with it."
        ),
        request=CustomerRefundRequestSerializer,
        responses={200: CustomerOrderSerializer, 400: ErrorSerializer, 404: ErrorSerializer,
                   409: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request):
        given = CustomerRefundRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        order = self._order(given.validated_data)
        services.request_refund(order, by_customer=True, note=given.validated_data["note"])
        return Response(CustomerOrderSerializer(_customer_view(order),
                                                context={"request": request}).data)


# --- console views --------------------------------------------------------------------------


ORDER_ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _transition_schema(summary, request_serializer):
    return extend_schema(summary=summary, request=request_serializer,
                         responses={200: OrderDetailSerializer, **ORDER_ERRORS})


class OrderViewSet(viewsets.GenericViewSet):
    """Orders for users who manage them (the owner, staff granted "orders")."""

    permission_classes = [AreaPermission]
    area = "orders"
    serializer_class = OrderSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Za-z]+"
    queryset = Order.objects.none()

    def _order(self, number) -> Order:
        try:
            return queries.order_detail(number)
        except Order.DoesNotExist:
            raise NotFound(_("There is no order with this number.")) from None

    @extend_schema(
        summary="Orders, newest first",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=OrderState.values,
                             description="Only orders in this state."),
            OpenApiParameter("search", OpenApiTypes.STR,
                             description="Order number (or its beginning), mobile number, its "
                                         "last 4 digits, or the recipient's name."),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Placed on or after."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Placed on or before."),
        ],
        responses={200: OrderSerializer(many=True), 400: ErrorSerializer},
    )
    def list(self, request):
        filters = OrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(queries.console_orders(**filters.validated_data))
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(summary="One order with its lines and timeline",
                   responses={200: OrderDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request, number=None):
        return Response(OrderDetailSerializer(self._order(number)).data)

    def _move(self, request, number, input_serializer, move):
        given = input_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        move(self._order(number), **given.validated_data)
        return Response(OrderDetailSerializer(self._order(number)).data)

    @_transition_schema("Confirm the payment arrived", PaymentSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-payment")
    def confirm_payment(self, request, number=None):
        return self._move(request, number, PaymentSerializer,
                          lambda order, **data: services.confirm_payment(
                              order, actor=request.user, **data))

    @_transition_schema("Ship with a carrier and tracking number", ShipSerializer)
    @action(detail=True, methods=["post"])
    def ship(self, request, number=None):
        return self._move(request, number, ShipSerializer,
                          lambda order, **data: services.ship_order(
                              order, actor=request.user, **data))

    @_transition_schema("Mark as completed (the parcel arrived)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, number=None):
        return self._move(request, number, NoteSerializer,
                          lambda order, **data: services.complete_order(
                              order, actor=request.user, **data))

    @_transition_schema("Cancel an unpaid order (its stock goes back)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._move(request, number, NoteSerializer,
                          lambda order, **data: services.cancel_order(
                              order, actor=request.user, **data))

    @_transition_schema("Record a refund request (a completed order too, at any time)",
                        NoteSerializer)
    @action(detail=True, methods=["post"], url_path="request-refund")
    def request_refund(self, request, number=None):
        return self._move(request, number, NoteSerializer,
                          lambda order, **data: services.request_refund(
                              order, actor=request.user, **data))

    @_transition_schema("Refund in full (stock goes back if it never shipped)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def refund(self, request, number=None):
        return self._move(request, number, NoteSerializer,
                          lambda order, **data: services.refund_order(
                              order, actor=request.user, **data))

    @_transition_schema("Decline a refund request (驳回): back to the state it was asked from",
                        DeclineRefundSerializer)
    @action(detail=True, methods=["post"], url_path="decline-refund")
    def decline_refund(self, request, number=None):
        return self._move(request, number, DeclineRefundSerializer,
                          lambda order, **data: services.decline_refund(
                              order, actor=request.user, **data))


class IsOwner(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_owner)


class ShopSettingsView(APIView):
    """The owner's selling rules, as on the settings page."""

    permission_classes = [IsOwner]

    @extend_schema(summary="The selling rules", responses={200: ShopSettingsSerializer,
                                                           403: ErrorSerializer})
    def get(self, request):
        return Response(ShopSettingsSerializer(ShopSettings.load()).data)

    @extend_schema(summary="Change the selling rules (fields left out stay)",
                   request=ShopSettingsSerializer,
                   responses={200: ShopSettingsSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer})
    def patch(self, request):
        given = ShopSettingsSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        settings = services.update_shop_settings(request.user, **given.validated_data)
        return Response(ShopSettingsSerializer(settings).data)


router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [
    path("checkout/", CheckoutView.as_view(), name="checkout"),
    path("orders/lookup/", OrderLookupView.as_view(), name="order_lookup"),
    path("orders/refund-request/", CustomerRefundRequestView.as_view(),
         name="customer_refund_request"),
    path("orders/settings/", ShopSettingsView.as_view(), name="shop_settings"),
    path("", include("weishang.orders.bulk.api")),
    *router.urls,
]

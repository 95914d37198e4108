"""REST endpoints of stock purchases, cloud stock and buy-backs.

An agent creates and lists their own purchases, reads their own cloud stock and asks for a
buy-back after exiting; the owner (and staff with the agents area) lists everyone's and pays
buy-backs. Nobody sees another agent's rows: they are filtered out, not refused one by one.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from weishang.catalog.models import Variant
from weishang.core.errors import InvalidInput, NotFound, NotPermitted
from weishang.core.models import max_length_of
from weishang.core.rest.errors import ErrorSerializer
from weishang.inventory.models import StockLevel
from weishang.network.queries import agent_of

from .. import services
from ..api import CheckoutLineSerializer, OrderLineDetailSerializer, RecipientSerializer
from ..models import BuyBack, BuyBackLine, Order, PurchaseDelivery
from . import queries as purchase_queries
from . import services as purchases

# --- output ---------------------------------------------------------------------------------


class PurchaseSerializer(serializers.ModelSerializer):
    purchaser = serializers.CharField(source="purchaser.agent.name", read_only=True,
                                      default="")
    lines = OrderLineDetailSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["number", "state", "delivery", "purchaser", "goods_total", "shipping_fee",
                  "payable", "created_at", "expires_at", "paid_at", "lines"]
        read_only_fields = fields


class CloudStockSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant.public_id")
    product_title = serializers.CharField(source="variant.product.title")
    spec_label = serializers.CharField(source="variant.spec_label")

    class Meta:
        model = StockLevel
        fields = ["variant", "product_title", "spec_label", "quantity"]
        read_only_fields = fields


class BuyBackLineSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant.public_id")
    product_title = serializers.CharField(source="variant.product.title")

    class Meta:
        model = BuyBackLine
        fields = ["variant", "product_title", "quantity", "unit_price"]
        read_only_fields = fields


class BuyBackSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.name")
    lines = BuyBackLineSerializer(many=True, read_only=True)

    class Meta:
        model = BuyBack
        fields = ["public_id", "agent", "state", "percent", "paid_total", "amount",
                  "reference", "created_at", "paid_at", "lines"]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------


class PurchaseInputSerializer(serializers.Serializer):
    lines = CheckoutLineSerializer(many=True, max_length=services.MAX_LINES)
    delivery = serializers.ChoiceField(choices=PurchaseDelivery.choices)
    recipient = RecipientSerializer(required=False, help_text="Needed when delivery is ship.")
    idempotency_key = serializers.CharField(
        max_length=max_length_of(Order, "idempotency_key"), required=False, allow_blank=True,
        default="", help_text="Send the same key when retrying: the purchase is placed once.")


class ReturnLineSerializer(serializers.Serializer):
    variant = serializers.CharField(max_length=32, help_text="The variant's public id.")
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_LINE_QUANTITY)


class BuyBackInputSerializer(serializers.Serializer):
    lines = ReturnLineSerializer(many=True, max_length=services.MAX_LINES)


class BuyBackPaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=max_length_of(BuyBack, "reference"))


# --- views ----------------------------------------------------------------------------------


def _manages(user) -> bool:
    return user.can("agents")


def _own_agent(user):
    agent = agent_of(user)
    if agent is None:
        raise NotPermitted(_("Only agents have purchases and cloud stock."))
    return agent


class PurchaseViewSet(viewsets.GenericViewSet):
    """Stock purchases: an agent's own, or everyone's for the owner."""

    permission_classes = [IsAuthenticated]
    serializer_class = PurchaseSerializer
    queryset = Order.objects.none()

    @extend_schema(summary="Stock purchases, newest first (an agent sees their own)",
                   responses={200: PurchaseSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        user = request.user
        rows = (purchase_queries.purchases() if _manages(user)
                else purchase_queries.purchases(purchaser=_own_agent(user).user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PurchaseSerializer(page, many=True).data)

    @extend_schema(summary="Buy stock at the level price (an active agent)",
                   request=PurchaseInputSerializer,
                   responses={201: PurchaseSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer, 409: ErrorSerializer})
    def create(self, request):
        given = PurchaseInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        recipient = data.get("recipient")
        order = purchases.place_purchase(
            user=request.user, delivery=data["delivery"],
            lines=[services.CartLine(line["variant"], line["quantity"])
                   for line in data["lines"]],
            recipient=services.Recipient(**recipient) if recipient else None,
            idempotency_key=data["idempotency_key"])
        order = purchase_queries.purchases().get(pk=order.pk)
        return Response(PurchaseSerializer(order).data, status=status.HTTP_201_CREATED)


class CloudStockViewSet(viewsets.GenericViewSet):
    """The agent's own cloud stock (云仓), per variant."""

    permission_classes = [IsAuthenticated]
    serializer_class = CloudStockSerializer
    queryset = StockLevel.objects.none()

    @extend_schema(summary="My cloud stock per variant",
                   responses={200: CloudStockSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        page = self.paginate_queryset(purchase_queries.cloud_levels(_own_agent(request.user).user))
        return self.get_paginated_response(CloudStockSerializer(page, many=True).data)


class BuyBackViewSet(viewsets.GenericViewSet):
    """Buy-backs: an exited agent asks for their own; the owner pays them."""

    permission_classes = [IsAuthenticated]
    serializer_class = BuyBackSerializer
    queryset = BuyBack.objects.none()
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9a-f]{32}"

    @extend_schema(summary="Buy-backs, newest first (an agent sees their own)",
                   responses={200: BuyBackSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        user = request.user
        rows = (purchase_queries.buybacks() if _manages(user)
                else purchase_queries.buybacks(agent=_own_agent(user)))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(BuyBackSerializer(page, many=True).data)

    @extend_schema(summary="Return unsold cloud stock (an agent who exited)",
                   request=BuyBackInputSerializer,
                   responses={201: BuyBackSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer, 409: ErrorSerializer})
    def create(self, request):
        agent = _own_agent(request.user)
        given = BuyBackInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        lines = given.validated_data["lines"]
        variants = Variant.objects.in_bulk([line["variant"] for line in lines],
                                           field_name="public_id")
        if len(variants) != len({line["variant"] for line in lines}):
            raise InvalidInput(_("This item no longer exists."), field="lines")
        buyback = purchases.request_buyback(
            agent=agent, actor=request.user,
            lines=[(variants[line["variant"]], line["quantity"]) for line in lines])
        return Response(BuyBackSerializer(purchase_queries.buybacks().get(pk=buyback.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record the refund transfer (the owner)",
                   request=BuyBackPaymentSerializer,
                   responses={200: BuyBackSerializer, 400: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, public_id=None):
        if not _manages(request.user):
            raise NotPermitted()
        buyback = BuyBack.objects.filter(public_id=public_id).first()
        if buyback is None:
            raise NotFound(_("No such buy-back."))
        given = BuyBackPaymentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        purchases.pay_buyback(buyback, actor=request.user,
                              reference=given.validated_data["reference"])
        return Response(BuyBackSerializer(purchase_queries.buybacks().get(pk=buyback.pk)).data)


router = SimpleRouter()
router.register("purchases", PurchaseViewSet, basename="purchase")
router.register("cloud-stock", CloudStockViewSet, basename="cloud-stock")
router.register("buybacks", BuyBackViewSet, basename="buyback")

urlpatterns = router.urls

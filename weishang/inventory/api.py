"""REST API of stock: levels (with low-stock filter), adjustments and stocktakes, the ledger.

Only users who manage stock may use it. Changes go through ``services``: a refused change answers
400 (invalid) or 409 (``insufficient_stock``) with ``{"code", "message"}`` and writes nothing.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from weishang.accounts.permissions import AreaPermission
from weishang.catalog.models import Variant
from weishang.core.rest.errors import ErrorSerializer

from . import queries, services
from .models import MovementReason, StockMovement
from .queries import StockFilter

# --- serializers ----------------------------------------------------------------------------


class StockLevelSerializer(serializers.ModelSerializer):
    """A variant's stock in the owner's warehouse."""

    variant = serializers.CharField(source="public_id", read_only=True)
    product = serializers.CharField(source="product.public_id", read_only=True)
    product_title = serializers.CharField(source="product.title", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    low_stock_threshold = serializers.IntegerField(source="threshold", read_only=True)
    is_low = serializers.SerializerMethodField(
        help_text="At or below the low-stock threshold (sold out included).")
    is_sold_out = serializers.SerializerMethodField()

    class Meta:
        model = Variant
        fields = ["variant", "product", "product_title", "spec_label", "sku_code", "is_active",
                  "quantity", "low_stock_threshold", "is_low", "is_sold_out"]
        read_only_fields = fields

    def get_is_low(self, variant) -> bool:
        return variant.quantity <= variant.threshold

    def get_is_sold_out(self, variant) -> bool:
        return variant.quantity == 0


class StockMovementSerializer(serializers.ModelSerializer):
    """One row of the stock ledger."""

    variant = serializers.CharField(source="level.variant.public_id", read_only=True)
    item = serializers.SerializerMethodField(help_text="Product title and spec.")
    reason = serializers.ChoiceField(choices=MovementReason.choices, read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = ["variant", "item", "delta", "quantity_after", "reason", "note", "actor",
                  "created_at"]
        read_only_fields = fields

    def get_item(self, movement) -> str:
        return services.item_name(movement.level.variant)


class StockAdjustmentSerializer(serializers.Serializer):
    """Either ``delta`` (with a ``reason``) or ``set_quantity`` (a stocktake)."""

    variant = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Variant.objects.select_related("product"),
        error_messages={"does_not_exist": _("There is no variant with this id."),
                        "invalid": _("There is no variant with this id.")},
    )
    delta = serializers.IntegerField(
        required=False, min_value=-services.MAX_QUANTITY, max_value=services.MAX_QUANTITY,
        help_text="Units to add (positive) or remove (negative).",
    )
    set_quantity = serializers.IntegerField(
        required=False, min_value=0, max_value=services.MAX_QUANTITY,
        help_text="Stocktake: the counted quantity; the difference is recorded.",
    )
    reason = serializers.ChoiceField(
        choices=[(reason.value, reason.label) for reason in services.MANUAL_REASONS],
        required=False, help_text="Required with `delta`.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=services.NOTE_MAX_LENGTH)

    def validate(self, data):
        has_delta, has_count = "delta" in data, "set_quantity" in data
        if has_delta == has_count:
            raise serializers.ValidationError(
                _("Send either a change (delta) or a counted quantity (set_quantity)."))
        if has_delta and data["delta"] == 0:
            raise serializers.ValidationError({"delta": _("Enter a change other than zero.")})
        if has_delta and "reason" not in data:
            raise serializers.ValidationError({"reason": _("Choose a reason.")})
        return data


class StockLevelFilterSerializer(serializers.Serializer):
    variant = serializers.CharField(required=False, max_length=32)
    low = serializers.BooleanField(required=False, default=False)
    search = serializers.CharField(required=False, default="", max_length=80)


# --- views ----------------------------------------------------------------------------------


class InventoryAccess:
    # Only users who manage stock (the owner, staff granted the area) may read or write.
    permission_classes = [AreaPermission]
    area = "inventory"


class StockLevelList(InventoryAccess, generics.ListAPIView):
    """Stock levels; only for users who manage stock."""

    serializer_class = StockLevelSerializer

    @extend_schema(
        summary="Stock of each variant in the owner's warehouse, fewest units first",
        parameters=[
            OpenApiParameter("variant", OpenApiTypes.STR,
                             description="Only this variant (its public id), on sale or not."),
            OpenApiParameter("low", OpenApiTypes.BOOL,
                             description="Only variants at or below their low-stock threshold."),
            OpenApiParameter("search", OpenApiTypes.STR,
                             description="Product title or SKU code contains this."),
        ],
        responses={200: StockLevelSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        given = StockLevelFilterSerializer(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        filters = given.validated_data
        variants = (Variant.objects.filter(public_id=filters["variant"])
                    if "variant" in filters else None)
        return queries.stock_list(state=StockFilter.LOW if filters["low"] else StockFilter.ALL,
                                  search=filters["search"], variants=variants)


class StockAdjustmentList(InventoryAccess, generics.ListAPIView):
    """Stock adjustments and the ledger; only for users who manage stock."""

    serializer_class = StockMovementSerializer

    @extend_schema(
        summary="The stock ledger, newest first",
        parameters=[OpenApiParameter("variant", OpenApiTypes.STR,
                                     description="Only this variant's movements (public id).")],
        responses={200: StockMovementSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        rows = queries.movements()
        variant = self.request.query_params.get("variant")
        return rows.filter(level__variant__public_id=variant) if variant else rows

    @extend_schema(
        summary="Adjust stock, or set the counted quantity",
        description=(
            "`delta` with a `reason` adds or removes units; `set_quantity` records a stocktake. "
            "Answers 201 with the movement written, or 200 with the stock level when a "
            "stocktake matches the stock (nothing written). Removing more than is in stock "
            "answers 409 `insufficient_stock`."
        ),
        request=StockAdjustmentSerializer,
        responses={201: StockMovementSerializer, 200: StockLevelSerializer,
                   400: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request, *args, **kwargs):
        given = StockAdjustmentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        variant = data["variant"]
        if "set_quantity" in data:
            movement = services.set_stock(variant=variant, quantity=data["set_quantity"],
                                          actor=request.user, note=data["note"])
        else:
            movement = services.adjust_stock(variant=variant, delta=data["delta"],
                                             reason=data["reason"], actor=request.user,
                                             note=data["note"])
        if movement is None:
            level = queries.variant_with_stock(variant.public_id)
            return Response(StockLevelSerializer(level).data, status=status.HTTP_200_OK)
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("stock-levels/", StockLevelList.as_view(), name="stock_levels"),
    path("stock-adjustments/", StockAdjustmentList.as_view(), name="stock_adjustments"),
]

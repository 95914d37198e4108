"""REST API of the catalog: categories, products (with variants and pictures) and variants.

Anyone may read what the shop shows; users who manage the catalog see and change everything.
Objects are addressed by their public id. Changes go through ``services``; a refused change
answers 400/409 with ``{"code", "message", "fields"}`` and writes nothing.
"""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from weishang.accounts.permissions import AreaPermission
from weishang.catalog import queries, services
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.catalog.richtext import sanitize_description
from weishang.core.rest.errors import ErrorSerializer, refusals


def manages_catalog(request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.can("catalog"))


def _money_field(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"),
                                    **kwargs)


# --- output ---------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "position", "is_active"]


class ProductImageSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail_url", "width", "height", "position"]

    def _absolute(self, file) -> str | None:
        if not file:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(file.url) if request else file.url

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image):
        return self._absolute(image.image)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, image):
        return self._absolute(image.thumbnail)


class VariantSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    product = serializers.CharField(source="product.public_id", read_only=True)
    cost_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True,
        help_text="Only shown to users who manage the catalog.",
    )
    #: Left out for users who do not manage the catalog (so not required in the schema).
    withheld_fields = ("cost_price",)

    class Meta:
        model = Variant
        fields = ["id", "product", "spec_values", "spec_label", "sku_code", "barcode",
                  "retail_price", "market_price", "cost_price", "weight_grams", "is_active"]
        read_only_fields = fields

    def to_representation(self, variant):
        data = super().to_representation(variant)
        if not self.context.get("manager"):
            for name in self.withheld_fields:
                del data[name]
        return data


class SpecOptionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.SPEC_NAME_MAX_LENGTH)
    values = serializers.ListField(
        child=serializers.CharField(max_length=services.SPEC_VALUE_MAX_LENGTH),
        allow_empty=False, max_length=services.MAX_SPEC_VALUES,
    )


class ProductSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    category = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True,
                                          allow_null=True)
    description = serializers.SerializerMethodField()
    specs = SpecOptionSerializer(many=True, read_only=True)
    lowest_price = _money_field(read_only=True, allow_null=True)
    highest_price = _money_field(read_only=True, allow_null=True)
    images = ProductImageSerializer(source="gallery", many=True, read_only=True)
    variants = VariantSerializer(source="variant_list", many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "title", "selling_points", "description", "category", "category_name",
                  "usage_days", "specs", "is_on_shelf", "lowest_price", "highest_price",
                  "images", "variants", "created_at", "updated_at"]
        read_only_fields = fields

    def get_description(self, product) -> str:
        """Sanitized HTML (also sanitized when written)."""
        return sanitize_description(product.description)


# --- input ----------------------------------------------------------------------------------


class CategoryWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.CATEGORY_NAME_MAX_LENGTH)
    parent = serializers.SlugRelatedField(slug_field="public_id", queryset=Category.objects.all(),
                                          allow_null=True, required=False, default=None)
    position = serializers.IntegerField(min_value=0, max_value=services.MAX_POSITION,
                                        required=False, default=0)
    is_active = serializers.BooleanField(required=False, default=True)


class VariantWriteSerializer(serializers.Serializer):
    retail_price = _money_field()
    market_price = _money_field(required=False, allow_null=True, default=None)
    cost_price = _money_field(required=False, allow_null=True, default=None)
    weight_grams = serializers.IntegerField(min_value=0, max_value=services.MAX_WEIGHT_GRAMS,
                                            required=False, default=0)
    barcode = serializers.CharField(max_length=services.BARCODE_MAX_LENGTH, allow_blank=True,
                                    required=False, default="")
    sku_code = serializers.CharField(max_length=services.SKU_CODE_MAX_LENGTH, allow_blank=True,
                                     allow_null=True, required=False, default="")


class VariantInputSerializer(VariantWriteSerializer):
    spec_values = serializers.DictField(
        child=serializers.CharField(max_length=services.SPEC_VALUE_MAX_LENGTH), required=False,
        default=dict,
        help_text='The combination, e.g. {"颜色": "红", "尺码": "M"}; {} without specs.',
    )


class ProductWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX_LENGTH)
    selling_points = serializers.CharField(max_length=services.SELLING_POINTS_MAX_LENGTH,
                                           allow_blank=True, required=False, default="")
    description = serializers.CharField(allow_blank=True, required=False, default="",
                                        help_text="HTML; sanitized when saved.")
    category = serializers.SlugRelatedField(slug_field="public_id",
                                            queryset=Category.objects.all(), allow_null=True,
                                            required=False, default=None)
    usage_days = serializers.IntegerField(
        min_value=1, max_value=services.MAX_USAGE_DAYS, allow_null=True, required=False,
        help_text="How many days one unit lasts a customer (repurchase reminders); null if it "
                  "does not run out. Leave out to keep the current value.")
    specs = SpecOptionSerializer(many=True, required=False, max_length=services.MAX_SPECS,
                                 help_text="Leave out to keep the current specs.")
    variants = VariantInputSerializer(
        many=True, required=False, max_length=services.MAX_VARIANTS,
        help_text="One per combination of the specs; on update, existing combinations left "
                  "out keep their data.",
    )


class ShelfSerializer(serializers.Serializer):
    on_shelf = serializers.BooleanField()


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="A JPEG, PNG, WebP or GIF picture.")


# --- views ----------------------------------------------------------------------------------


class CatalogViewSet(viewsets.GenericViewSet):
    permission_classes = [AreaPermission]
    area = "catalog"
    read_public = True
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "manager": manages_catalog(self.request)}

    def _merged(self, serializer, instance, names):
        """Validated input, with what a partial update left out taken from ``instance``."""
        data = dict(serializer.validated_data)
        for name in names:
            data.setdefault(name, getattr(instance, name))
        return data


#: A write refused for what it would break: a category still in use, a SKU code taken, a
#: product with nothing on sale put on shelf.
CONFLICT = {409: ErrorSerializer}


def _changes(request, answer, *, create=True) -> dict:
    """The schemas of a viewset's (create,) update and partial_update: ``request`` in,
    ``answer`` out, or a conflict."""
    changes = {name: extend_schema(request=request, responses={200: answer, **CONFLICT})
               for name in ("update", "partial_update")}
    if create:
        changes["create"] = extend_schema(request=request,
                                          responses={201: answer, **CONFLICT})
    return changes


@extend_schema_view(
    list=extend_schema(summary="Categories (top ones first, then their sub-categories)"),
    **_changes(CategoryWriteSerializer, CategorySerializer),
    destroy=extend_schema(responses={204: None, **refusals(
        "CategoryDelete", "category_has_children", "category_has_products")}),
)
class CategoryViewSet(CatalogViewSet):
    serializer_class = CategorySerializer
    pagination_class = None
    fields = ("name", "parent", "position", "is_active")

    def get_queryset(self):
        categories = queries.category_tree()
        if not manages_catalog(self.request):
            categories = categories.filter(is_active=True).exclude(parent__is_active=False)
        return categories

    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, id=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = CategoryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.create_category(**serializer.validated_data, actor=request.user)
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)

    def update(self, request, id=None, partial=False):
        category = self.get_object()
        serializer = CategoryWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = self._merged(serializer, category, self.fields)
        category = services.update_category(category, **data, actor=request.user)
        return Response(self.get_serializer(category).data)

    def partial_update(self, request, id=None):
        return self.update(request, id, partial=True)

    def destroy(self, request, id=None):
        services.delete_category(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


PRODUCT_FILTERS = [
    OpenApiParameter("search", str, description="Part of the title, a SKU code or a barcode."),
    OpenApiParameter("category", str,
                     description="Category id; a top category includes its sub-categories."),
    OpenApiParameter("on_shelf", bool,
                     description="Only for users who manage the catalog (others only ever see "
                                 "products on shelf)."),
]


@extend_schema_view(
    list=extend_schema(parameters=PRODUCT_FILTERS),
    **_changes(ProductWriteSerializer, ProductSerializer),
)
class ProductViewSet(CatalogViewSet):
    serializer_class = ProductSerializer
    fields = ("title", "selling_points", "description", "category")

    def get_queryset(self):
        return queries.api_products(sees_everything=manages_catalog(self.request))

    def _filtered(self):
        params = self.request.query_params
        filters = {"search": params.get("search", "")}
        if params.get("on_shelf", "") in ("true", "1", "false", "0"):
            filters["on_shelf"] = params["on_shelf"] in ("true", "1")
        if params.get("category"):
            filters["category"] = Category.objects.filter(public_id=params["category"]).first()
            if filters["category"] is None:
                return Product.objects.none()
        return queries.api_products(sees_everything=manages_catalog(self.request), **filters)

    def _output(self, product, status_code=status.HTTP_200_OK):
        product = self.get_queryset().get(pk=product.pk)
        return Response(self.get_serializer(product).data, status=status_code)

    def list(self, request):
        page = self.paginate_queryset(self._filtered().order_by("position", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, id=None):
        return Response(self.get_serializer(self.get_object()).data)

    @staticmethod
    def _variant_data(serializer) -> list:
        return [services.VariantData(**variant)
                for variant in serializer.validated_data.get("variants", [])]

    def create(self, request):
        serializer = ProductWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = services.create_product(
            title=data["title"], selling_points=data["selling_points"],
            description=data["description"], category=data["category"],
            usage_days=data.get("usage_days"),
            specs=data.get("specs", []), variants=self._variant_data(serializer),
            actor=request.user,
        )
        return self._output(product, status.HTTP_201_CREATED)

    def update(self, request, id=None, partial=False):
        product = self.get_object()
        serializer = ProductWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = self._merged(serializer, product, self.fields)
        product = services.update_product(
            product, title=data["title"], selling_points=data["selling_points"],
            description=data["description"], category=data["category"],
            usage_days=data.get("usage_days", services.KEEP),
            specs=data.get("specs"), variants=self._variant_data(serializer),
            actor=request.user,
        )
        return self._output(product)

    def partial_update(self, request, id=None):
        return self.update(request, id, partial=True)

    @extend_schema(request=ShelfSerializer, responses={200: ProductSerializer, **CONFLICT},
                   summary="Put on shelf or take off shelf")
    @action(detail=True, methods=["post"])
    def shelf(self, request, id=None):
        serializer = ShelfSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = services.set_on_shelf(self.get_object(), serializer.validated_data["on_shelf"],
                                        actor=request.user)
        return self._output(product)

    @extend_schema(request=None, responses={201: ProductSerializer},
                   summary="Copy a product (off shelf, variants without SKU codes)")
    @action(detail=True, methods=["post"])
    def duplicate(self, request, id=None):
        copy = services.duplicate_product(self.get_object(), actor=request.user)
        return self._output(copy, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": ImageUploadSerializer},
                   responses={201: ProductSerializer}, summary="Add a picture")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def images(self, request, id=None):
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = self.get_object()
        services.add_image(product, serializer.validated_data["image"], actor=request.user)
        return self._output(product, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Remove a picture")
    @action(detail=True, methods=["delete"], url_path=r"images/(?P<image_id>[0-9a-f]{32})")
    def remove_image(self, request, id=None, image_id=None):
        image = get_object_or_404(ProductImage, product=self.get_object(), public_id=image_id)
        services.remove_image(image, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(**_changes(VariantWriteSerializer, VariantSerializer, create=False))
class VariantViewSet(CatalogViewSet):
    serializer_class = VariantSerializer
    fields = ("retail_price", "market_price", "cost_price", "weight_grams", "barcode",
              "sku_code")

    def get_queryset(self):
        variants = Variant.objects.select_related("product")
        if manages_catalog(self.request):
            return variants
        shop = queries.visible_in_shop(Product.objects.all())
        return variants.filter(is_active=True, product__in=shop)

    def retrieve(self, request, id=None):
        return Response(self.get_serializer(self.get_object()).data)

    def update(self, request, id=None, partial=False):
        variant = self.get_object()
        serializer = VariantWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        variant = services.update_variant(
            variant, **self._merged(serializer, variant, self.fields), actor=request.user)
        return Response(self.get_serializer(variant).data)

    def partial_update(self, request, id=None):
        return self.update(request, id, partial=True)


router = SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("products", ProductViewSet, basename="product")
router.register("variants", VariantViewSet, basename="variant")
urlpatterns = router.urls

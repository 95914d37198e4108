"""REST endpoints of marketing, under /api/v1/: channels, the content library (posts and their
pictures) and the per-channel preview of a post; share kits, tracked links, results and plans
have their own modules, included at the end.

Everything needs the "marketing" area, except that an agent reads the library: the list of
posts and one post, only those they may share (``queries.library_for``; any other answers 404).
Changing a channel needs the owner. Posts are addressed
by their public id, channels by their code. Changes go through ``services``; a refused change
answers 400/403/409 with ``{"code", "message", "fields"}`` and writes nothing.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
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

from weishang.accounts.permissions import AreaPermission, is_agent
from weishang.catalog.models import Product
from weishang.core.convert import REGIONS
from weishang.core.rest.errors import ErrorSerializer
from weishang.core.rest.parsers import JSONParser
from weishang.core.site import absolute_url
from weishang.network.models import AgentLevel

from . import queries, rendering, services
from .kits import api as kit_api
from .links import api as link_api
from .models import Channel, HashtagStyle, Post, PostImage, PostKind
from .plan import api as plan_api
from .results import api as results_api
from .views import PREVIEW_LINK_PATH

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- output ---------------------------------------------------------------------------------


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["code", "name", "position", "is_active", "max_images", "text_limit",
                  "fold_after", "title_limit", "hashtag_style", "daily_cap",
                  "min_spacing_minutes", "cap_per_account", "can_autopost"]
        read_only_fields = fields


class PostImageSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PostImage
        fields = ["id", "url", "width", "height", "position"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image):
        request = self.context.get("request")
        return request.build_absolute_uri(image.image.url) if request else image.image.url


class PostProductSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    lowest_price = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                            allow_null=True)

    class Meta:
        model = Product
        fields = ["id", "title", "is_on_shelf", "lowest_price"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    hashtags = serializers.ListField(child=serializers.CharField(), read_only=True)
    products = PostProductSerializer(source="product_list", many=True, read_only=True)
    images = PostImageSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "title", "body", "kind", "hashtags", "products", "images",
                  "min_level", "is_published", "created_at", "updated_at"]
        read_only_fields = fields


class RenderedSerializer(serializers.Serializer):
    channel = serializers.CharField(source="channel.code")
    variant = serializers.CharField()
    title = serializers.CharField(source="rendered.title")
    text = serializers.CharField(source="rendered.text")
    length = serializers.IntegerField(source="rendered.length",
                                      help_text="Characters as the channel counts them.")
    title_length = serializers.IntegerField(source="rendered.title_length")
    text_limit = serializers.IntegerField(source="channel.text_limit", allow_null=True)
    title_limit = serializers.IntegerField(source="channel.title_limit", allow_null=True)
    fold_at = serializers.IntegerField(source="rendered.fold_at", allow_null=True,
                                       help_text="Index in text where the channel folds it.")
    over_limit = serializers.BooleanField(source="rendered.over_limit")
    problems = serializers.ListField(source="rendered.problems", child=serializers.CharField())
    images = PostImageSerializer(source="rendered.images", many=True)
    trimmed_images = serializers.IntegerField(source="rendered.trimmed_images")


# --- input ----------------------------------------------------------------------------------


def _optional_limit(maximum):
    return serializers.IntegerField(min_value=1, max_value=maximum, allow_null=True,
                                    required=False)


class ChannelWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.CHANNEL_NAME_MAX_LENGTH, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    is_active = serializers.BooleanField(required=False)
    max_images = serializers.IntegerField(min_value=1, max_value=services.MAX_POST_IMAGES,
                                          required=False)
    text_limit = _optional_limit(services.MAX_TEXT_LIMIT)
    fold_after = _optional_limit(services.MAX_TEXT_LIMIT)
    title_limit = _optional_limit(services.TITLE_MAX_LENGTH)
    hashtag_style = serializers.ChoiceField(choices=HashtagStyle.choices, required=False)
    daily_cap = serializers.IntegerField(min_value=1, max_value=services.MAX_DAILY_CAP,
                                         required=False)
    min_spacing_minutes = serializers.IntegerField(
        min_value=0, max_value=services.MAX_SPACING_MINUTES, required=False)
    cap_per_account = serializers.BooleanField(required=False)


class PostWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=services.BODY_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=PostKind.choices, default=PostKind.PRODUCT)
    hashtags = serializers.ListField(
        child=serializers.CharField(max_length=services.TOPIC_MAX_LENGTH + 2), required=False,
        default=list, max_length=services.MAX_TOPICS,
        help_text='Topics without "#", e.g. ["护肤", "好物分享"].')
    products = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Product.objects.all(), many=True, required=False,
        default=list, help_text="Product ids; {商品名} and {价格} use the first in catalog order.")
    min_level = serializers.PrimaryKeyRelatedField(
        queryset=AgentLevel.objects.all(), allow_null=True, required=False, default=None,
        help_text="Id of the lowest agent level that may share the post; null: every agent.")


class PublishSerializer(serializers.Serializer):
    published = serializers.BooleanField()


class PostImageUploadSerializer(serializers.Serializer):
    images = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                   max_length=services.MAX_POST_IMAGES,
                                   help_text="JPEG, PNG, WebP or GIF pictures.")


class PostImageOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.CharField(max_length=32),
                                  help_text="Every picture id of the post, in the new order.")


# --- views ----------------------------------------------------------------------------------


class MarketingViewSet(viewsets.GenericViewSet):
    permission_classes = [AreaPermission]
    area = "marketing"


class LibraryPermission(AreaPermission):
    """The marketing managers pass; an agent only to read the library (the list and one post),
    which ``PostViewSet`` scopes to the posts they may share."""

    AGENT_ACTIONS = ("list", "retrieve")

    def has_permission(self, request, view):
        return super().has_permission(request, view) or (
            is_agent(request.user) and view.action in self.AGENT_ACTIONS)


@extend_schema_view(
    list=extend_schema(summary="Channels, in their order"),
    partial_update=extend_schema(request=ChannelWriteSerializer,
                                 responses={200: ChannelSerializer, **ERRORS},
                                 summary="Change a channel's settings (the owner only)"),
)
class ChannelViewSet(MarketingViewSet):
    serializer_class = ChannelSerializer
    pagination_class = None
    lookup_field = "code"

    def get_queryset(self):
        return queries.channels()

    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, code=None):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, code=None):
        serializer = ChannelWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = services.update_channel(request.user, self.get_object(),
                                          **serializer.validated_data)
        return Response(self.get_serializer(channel).data)


POST_FILTERS = [
    OpenApiParameter("kind", str, enum=PostKind.values),
    OpenApiParameter("product", str, description="Posts showing this product (its id)."),
    OpenApiParameter("tag", str, description="Posts with this topic."),
    OpenApiParameter("published", bool),
]
RENDER_PARAMETERS = [
    OpenApiParameter("channel", str, required=True, description="Channel code, e.g. weibo."),
    OpenApiParameter("variant", str, enum=["", *REGIONS],
                     description="tw / hk: Traditional Chinese with Taiwan or Hong Kong "
                                 "wording; empty: Simplified."),
]


@extend_schema_view(
    list=extend_schema(parameters=POST_FILTERS, summary="The content library, newest first",
                       description="For an agent: the published posts of their level "
                                   "(`published` is ignored)."),
    create=extend_schema(request=PostWriteSerializer, responses={201: PostSerializer, **ERRORS},
                         summary="Write a post (not published yet)"),
    update=extend_schema(request=PostWriteSerializer, responses={200: PostSerializer, **ERRORS}),
    partial_update=extend_schema(request=PostWriteSerializer,
                                 responses={200: PostSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS},
                          summary="Delete a post nobody shared or planned"),
)
class PostViewSet(MarketingViewSet):
    permission_classes = [LibraryPermission]
    serializer_class = PostSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    fields = ("title", "body", "kind", "hashtags", "min_level")

    def get_queryset(self):
        if is_agent(self.request.user):
            return queries.library_for(self.request.user)
        return queries.console_posts()

    def _filtered(self):
        params = self.request.query_params
        filters = {"kind": params.get("kind", ""), "tag": params.get("tag", "")}
        if params.get("product"):
            filters["product"] = Product.objects.filter(public_id=params["product"]).first()
            if filters["product"] is None:
                return Post.objects.none()
        if is_agent(self.request.user):
            return queries.library_for(self.request.user, **filters)
        if params.get("published", "") in ("true", "1", "false", "0"):
            filters["published"] = params["published"] in ("true", "1")
        return queries.console_posts(**filters)

    def _output(self, post, status_code=status.HTTP_200_OK):
        post = queries.post_detail(post.public_id)
        return Response(self.get_serializer(post).data, status=status_code)

    def list(self, request):
        page = self.paginate_queryset(self._filtered())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, id=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        serializer = PostWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.create_post(request.user, **serializer.validated_data)
        return self._output(post, status.HTTP_201_CREATED)

    def update(self, request, id=None, partial=False):
        post = self.get_object()
        serializer = PostWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in self.fields:
            data.setdefault(name, getattr(post, name))
        data.setdefault("products", post.product_list)
        post = services.update_post(request.user, post, **data)
        return self._output(post)

    def partial_update(self, request, id=None):
        return self.update(request, id, partial=True)

    def destroy(self, request, id=None):
        services.delete_post(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PublishSerializer, responses={200: PostSerializer, **ERRORS},
                   summary="Publish to the sellers' library, or take back")
    @action(detail=True, methods=["post"])
    def publish(self, request, id=None):
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.set_published(request.user, self.get_object(),
                                      serializer.validated_data["published"])
        return self._output(post)

    @extend_schema(methods=["GET"], request=None, responses=PostImageSerializer(many=True),
                   summary="The post's pictures, in order")
    @extend_schema(methods=["POST"], request={"multipart/form-data": PostImageUploadSerializer},
                   responses={201: PostImageSerializer(many=True), **ERRORS},
                   summary="Add pictures at the end (all or none)")
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser],
            pagination_class=None)
    def images(self, request, id=None):
        post = self.get_object()
        if request.method == "POST":
            serializer = PostImageUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.add_post_images(request.user, post, serializer.validated_data["images"])
            post = queries.post_detail(post.public_id)
        context = self.get_serializer_context()
        data = PostImageSerializer(post.images.all(), many=True, context=context).data
        return Response(data, status=status.HTTP_201_CREATED if request.method == "POST"
                        else status.HTTP_200_OK)

    @extend_schema(request=PostImageOrderSerializer,
                   responses={200: PostImageSerializer(many=True), **ERRORS},
                   summary="Put the pictures in a new order")
    @action(detail=True, methods=["post"], url_path="images/order", parser_classes=[JSONParser],
            pagination_class=None)
    def order_images(self, request, id=None):
        serializer = PostImageOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = self.get_object()
        services.reorder_post_images(request.user, post, serializer.validated_data["order"])
        images = PostImage.objects.filter(post=post).order_by("position", "id")
        return Response(PostImageSerializer(images, many=True,
                                             context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={204: None, 404: ErrorSerializer},
                   summary="Remove a picture")
    @action(detail=True, methods=["delete"], url_path=r"images/(?P<image_id>[0-9a-f]{32})")
    def remove_image(self, request, id=None, image_id=None):
        image = get_object_or_404(PostImage, post=self.get_object(), public_id=image_id)
        services.remove_post_image(request.user, image)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=RENDER_PARAMETERS,
                   responses={200: RenderedSerializer, 400: ErrorSerializer},
                   summary="The post as it will appear on a channel (an example link)")
    @action(detail=True, methods=["get"])
    def render(self, request, id=None):
        post = self.get_object()
        channel = Channel.objects.filter(code=request.query_params.get("channel", "")).first()
        variant = request.query_params.get("variant", "")
        errors = {}
        if channel is None:
            errors["channel"] = [_choose_one([c.code for c in queries.channels()])]
        if variant and variant not in REGIONS:
            errors["variant"] = [_choose_one(REGIONS)]
        if errors:
            raise serializers.ValidationError(errors)
        rendered = rendering.render(post, channel, seller=queries.sharing_seller(request.user),
                                    variant=variant,
                                    link_url=absolute_url(PREVIEW_LINK_PATH, request))
        data = RenderedSerializer({"channel": channel, "variant": variant, "rendered": rendered},
                                  context=self.get_serializer_context()).data
        return Response(data)


def _choose_one(options) -> str:
    return _("Choose one of: %(options)s.") % {"options": ", ".join(options)}


router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="channel")
router.register("posts", PostViewSet, basename="post")

urlpatterns = [*router.urls, *link_api.urlpatterns, *results_api.urlpatterns,
               *kit_api.urlpatterns, *plan_api.urlpatterns]

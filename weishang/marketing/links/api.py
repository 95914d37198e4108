"""REST endpoints of tracked links.

``links/``: the current seller's tracked links with their counts (staff act for the owner), and
getting a link made for a post (or the shop) on a channel; ``links/<code>/``: one link with its
counts. Refused input answers ``{"code", "message", "fields"?}`` and writes nothing.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from weishang.accounts.permissions import AreaPermission
from weishang.core.errors import InvalidInput
from weishang.core.rest.errors import ErrorSerializer
from weishang.marketing import queries
from weishang.marketing.models import Channel, Post, TrackedLink
from weishang.marketing.results import queries as results
from weishang.marketing.results.api import FiguresSerializer

from . import services
from .queries import link_url

# --- output ---------------------------------------------------------------------------------


class LinkSerializer(serializers.ModelSerializer):
    """A tracked link with its all-time figures."""

    url = serializers.SerializerMethodField(help_text="The link to share: /t/<code>.")
    channel = serializers.CharField(source="channel.code")
    channel_name = serializers.CharField(source="channel.name")
    post = serializers.CharField(source="post.public_id", allow_null=True, default=None,
                                 help_text="null: a link to the shop itself.")
    post_title = serializers.CharField(source="post.title", allow_null=True, default=None)
    seller = serializers.CharField(help_text="Whose shop the link opens.")
    product = serializers.CharField(source="product_public_id",
                                    help_text="The product it opens; \"\" for the shop.")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = TrackedLink
        fields = ["code", "url", "channel", "channel_name", "post", "post_title", "seller",
                  "product", "created_at", "figures"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, link):
        return link_url(link, self.context["request"])

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, link):
        return FiguresSerializer(self.context["figures"][link.code]).data


# --- input ----------------------------------------------------------------------------------


class LinkRequestSerializer(serializers.Serializer):
    channel = serializers.CharField(max_length=Channel._meta.get_field("code").max_length,
                                    help_text="The channel's code, e.g. wechat_moments.")
    post = serializers.CharField(max_length=Post._meta.get_field("public_id").max_length,
                                 required=False, allow_blank=True, default="",
                                 help_text="A published post's public id; leave out for a "
                                           "link to the shop.")


class LinkFilterSerializer(serializers.Serializer):
    channel = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    post = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)


# --- views ----------------------------------------------------------------------------------


def _channel(code: str) -> Channel:
    channel = queries.channels(active_only=True).filter(code=code).first()
    if channel is None:
        raise InvalidInput(_("There is no channel in use with this code."), field="channel")
    return channel


def _post(public_id: str) -> Post:
    try:
        return queries.post_for_share(public_id)
    except Post.DoesNotExist:
        raise InvalidInput(_("There is no published post with this id."), field="post") from None


def _with_parts(found):
    return found.select_related("channel", "post", "seller")


class MarketingView(GenericAPIView):
    permission_classes = [AreaPermission]
    area = "marketing"

    def _links_data(self, found: list[TrackedLink]) -> list[dict]:
        context = {"request": self.request, "figures": results.for_links(found)}
        return LinkSerializer(found, many=True, context=context).data


class LinkListView(MarketingView):
    serializer_class = LinkSerializer
    queryset = TrackedLink.objects.none()

    @extend_schema(
        summary="The current seller's tracked links, newest first, with their figures",
        parameters=[
            OpenApiParameter("channel", OpenApiTypes.STR, description="Only this channel."),
            OpenApiParameter("post", OpenApiTypes.STR, description="Only this post."),
        ],
        responses={200: LinkSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request):
        filters = LinkFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        seller = queries.sharing_seller(request.user)
        found = _with_parts(TrackedLink.objects.filter(seller=seller)).order_by("-created_at",
                                                                                "-id")
        if filters.validated_data["channel"]:
            found = found.filter(channel__code=filters.validated_data["channel"])
        if filters.validated_data["post"]:
            found = found.filter(post__public_id=filters.validated_data["post"])
        page = self.paginate_queryset(found)
        return self.get_paginated_response(self._links_data(page))

    @extend_schema(
        summary="The current seller's link for a post (or the shop) on a channel",
        description="Made the first time (201); asking again answers the same link (200).",
        request=LinkRequestSerializer,
        responses={201: LinkSerializer, 200: LinkSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        given = LinkRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        channel = _channel(given.validated_data["channel"])
        post = _post(given.validated_data["post"]) if given.validated_data["post"] else None
        seller = queries.sharing_seller(request.user)
        existed = TrackedLink.objects.filter(post=post, channel=channel, seller=seller).exists()
        if post is None:
            link = services.shop_link_for(channel=channel, seller=seller)
        else:
            link = services.link_for(post=post, channel=channel, seller=seller)
        body = self._links_data([_with_parts(TrackedLink.objects).get(pk=link.pk)])[0]
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class LinkDetailView(MarketingView):
    serializer_class = LinkSerializer
    queryset = TrackedLink.objects.none()

    @extend_schema(summary="One tracked link with its figures",
                   responses={200: LinkSerializer, 404: ErrorSerializer})
    def get(self, request, code):
        found = _with_parts(TrackedLink.objects).filter(code=code)
        scope = results.seller_scope(request.user)
        if scope is not None:
            found = found.filter(seller=scope)
        link = found.first()
        if link is None:
            raise NotFound(_("There is no tracked link with this code."))
        return Response(self._links_data([link])[0])


urlpatterns = [
    path("links/", LinkListView.as_view(), name="tracked_links"),
    path("links/<str:code>/", LinkDetailView.as_view(), name="tracked_link"),
]

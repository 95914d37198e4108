"""REST endpoints of share kits: a library post ready to share on a channel, as the current
user's seller (staff share as the owner, an active agent as themself: the posts of their level,
with links to their own shop), and its poster.

``GET kits/<post>/<channel>/?variant=tw`` answers the text to copy with its counts and
problems, the pictures the channel takes, the tracked link and the poster's URL;
``GET kits/<post>/<channel>/poster.png`` the poster itself. Opening a kit makes the seller's
tracked link the first time.
"""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaOrAgentPermission
from weishang.core.rest.errors import ErrorSerializer

from . import services as kits
from .views import poster_response


class KitImageSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image):
        return self.context["request"].build_absolute_uri(image.image.url)


class KitSerializer(serializers.Serializer):
    post = serializers.CharField(source="post.public_id")
    channel = serializers.CharField(source="channel.code")
    channel_name = serializers.CharField(source="channel.name")
    seller = serializers.CharField(help_text="Whose name and link the kit carries.")
    variant = serializers.CharField(help_text='"" Simplified, "tw" or "hk" Traditional.')
    title = serializers.CharField(source="rendered.title")
    title_length = serializers.IntegerField(source="rendered.title_length")
    title_limit = serializers.IntegerField(source="channel.title_limit", allow_null=True)
    text = serializers.CharField(source="rendered.text",
                                 help_text="The copy to paste: placeholders filled, topics in "
                                           "the channel's style.")
    length = serializers.IntegerField(source="rendered.length",
                                      help_text="Characters as the channel counts them.")
    text_limit = serializers.IntegerField(source="channel.text_limit", allow_null=True)
    fold_at = serializers.IntegerField(source="rendered.fold_at", allow_null=True,
                                       help_text="Index in `text` where the channel folds it.")
    over_limit = serializers.BooleanField(source="rendered.over_limit")
    problems = serializers.ListField(child=serializers.CharField(), source="rendered.problems")
    images = KitImageSerializer(many=True, help_text="The pictures the channel takes, in order.")
    trimmed_images = serializers.IntegerField(source="rendered.trimmed_images",
                                              help_text="Pictures the channel leaves out.")
    link = serializers.CharField(source="link.code")
    link_url = serializers.URLField()
    poster_url = serializers.SerializerMethodField(help_text="The poster PNG (750×1334).")

    @extend_schema_field(OpenApiTypes.URI)
    def get_poster_url(self, kit):
        url = reverse("api:kit_poster", args=kit.url_args)
        if kit.variant:
            url += f"?variant={kit.variant}"
        return self.context["request"].build_absolute_uri(url)


class KitQuerySerializer(serializers.Serializer):
    variant = serializers.ChoiceField(choices=kits.VARIANT_CHOICES, required=False, default="",
                                      allow_blank=True)


VARIANT_PARAMETER = OpenApiParameter(
    "variant", OpenApiTypes.STR, enum=list(kits.VARIANTS),
    description='Traditional Chinese as written in Taiwan ("tw") or Hong Kong ("hk").')


class KitViewBase(APIView):
    permission_classes = [AreaOrAgentPermission]
    area = "marketing"

    def kit(self, request, post, channel) -> kits.Kit:
        query = KitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return kits.kit_for(request.user, post, channel, request=request,
                            variant=query.validated_data["variant"])


class KitView(KitViewBase):
    @extend_schema(
        summary="A post ready to share on a channel",
        description="404 `post_not_found` for a post that is not in the library, "
                    "`channel_not_found` for a channel not in use.",
        parameters=[VARIANT_PARAMETER],
        responses={200: KitSerializer, 400: ErrorSerializer, 403: ErrorSerializer,
                   404: ErrorSerializer},
    )
    def get(self, request, post, channel):
        kit = self.kit(request, post, channel)
        return Response(KitSerializer(kit, context={"request": request}).data)


class KitPosterView(KitViewBase):
    @extend_schema(
        summary="The kit's poster (PNG, 750×1334)",
        operation_id="kits_poster_retrieve",
        description="The product picture, title, price, the seller's name and a QR code of "
                    "the tracked link. Drawn again only when what it shows has changed.",
        parameters=[VARIANT_PARAMETER],
        responses={(200, "image/png"): OpenApiTypes.BINARY, 400: ErrorSerializer,
                   403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, post, channel):
        return poster_response(self.kit(request, post, channel))


urlpatterns = [
    path("kits/<str:post>/<slug:channel>/", KitView.as_view(), name="kit"),
    path("kits/<str:post>/<slug:channel>/poster.png", KitPosterView.as_view(),
         name="kit_poster"),
]

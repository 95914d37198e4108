"""REST endpoints of an agent's own shop: profile, hidden products, team (their shop's orders
are orders': ``orders.agents.api``).

Every endpoint answers about the agent whose token (or session) calls it, and only them: there
is no agent id in any URL, so agent A has no way to name agent B's data; an order of another
shop is 404 like one that does not exist. The owner and staff use the agents endpoints instead.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from weishang.accounts.permissions import is_agent
from weishang.core.models import max_length_of
from weishang.core.rest.errors import ErrorSerializer
from weishang.core.rest.parsers import JSONParser
from weishang.core.site import absolute_url

from ..models import Agent
from ..queries import agent_of
from . import queries, services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class IsAgent(permissions.BasePermission):
    """Only an agent with an agent record; it is put on the request as ``request.agent``."""

    def has_permission(self, request, view):
        agent = agent_of(request.user) if is_agent(request.user) else None
        request.agent = agent
        return agent is not None


class AgentView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, IsAgent]

    def paginated(self, items, serializer_class):
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)


# --- serializers ----------------------------------------------------------------------------


class LevelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rank = serializers.IntegerField()
    name = serializers.CharField()


class ProfileSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    level = LevelSerializer(read_only=True)
    shop_code = serializers.CharField(source="user.shop.code", read_only=True)
    shop_url = serializers.SerializerMethodField()
    avatar = serializers.ImageField(read_only=True, allow_null=True)
    wechat_qr = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Agent
        fields = ["id", "code", "name", "wechat_id", "state", "level", "avatar", "wechat_qr",
                  "shop_code", "shop_url", "joined_at"]
        read_only_fields = fields

    def get_shop_url(self, agent) -> str:
        return absolute_url(f"/s/{agent.user.shop.code}/", self.context["request"])


class ProfileWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=max_length_of(Agent, "name"), required=False)
    wechat_id = serializers.CharField(max_length=max_length_of(Agent, "wechat_id"),
                                      required=False, allow_blank=True)
    avatar = serializers.FileField(required=False, allow_null=True,
                                   help_text="A picture (JPEG, PNG, WebP, GIF); null removes it.")
    wechat_qr = serializers.FileField(required=False, allow_null=True,
                                      help_text="A picture of the WeChat QR code; null removes it.")


class HiddenProductSerializer(serializers.Serializer):
    product = serializers.CharField(source="public_id", help_text="The product's id.")
    title = serializers.CharField()


class HideSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=32, help_text="The id of the product to hide.")


class TeamMemberSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    name = serializers.CharField()
    level = serializers.CharField(source="level.name")
    state = serializers.CharField()
    joined_at = serializers.DateTimeField(allow_null=True)
    phone = serializers.SerializerMethodField(help_text="Masked: 139****5678.")

    def get_phone(self, member) -> str:
        return queries.masked_phone(member)


# --- views ----------------------------------------------------------------------------------


class ProfileView(AgentView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _output(self, request):
        agent = Agent.objects.select_related("level", "user__shop").get(pk=request.agent.pk)
        return Response(ProfileSerializer(agent, context={"request": request}).data)

    @extend_schema(summary="The agent's own profile", responses={200: ProfileSerializer, **ERRORS})
    def get(self, request):
        return self._output(request)

    @extend_schema(summary="Change the agent's own profile (only the fields sent)",
                   request={"application/json": ProfileWriteSerializer,
                            "multipart/form-data": ProfileWriteSerializer},
                   responses={200: ProfileSerializer, **ERRORS})
    def patch(self, request):
        serializer = ProfileWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {name: "" if value is None else value
                   for name, value in serializer.validated_data.items()}
        services.update_profile(request.agent, **changes)
        return self._output(request)


class HiddenProductsView(AgentView):
    def _hidden(self, request):
        return (queries.products_for_hiding(request.agent)
                .filter(is_hidden=True).order_by("title", "id"))

    @extend_schema(summary="Products the agent's shop hides",
                   responses={200: HiddenProductSerializer(many=True), **ERRORS})
    def get(self, request):
        return self.paginated(self._hidden(request), HiddenProductSerializer)

    @extend_schema(summary="Hide a product from the agent's shop (hiding twice is one hide)",
                   request=HideSerializer, responses={201: HiddenProductSerializer, **ERRORS})
    def post(self, request):
        serializer = HideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hidden = services.hide_product(request.agent, serializer.validated_data["product"])
        return Response(HiddenProductSerializer(hidden.product).data,
                        status=status.HTTP_201_CREATED)


class HiddenProductView(AgentView):
    @extend_schema(summary="Show a hidden product in the agent's shop again",
                   responses={204: None, **ERRORS})
    def delete(self, request, product):
        services.show_product(request.agent, product)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamView(AgentView):
    @extend_schema(summary="The agent's direct team (one level, numbers masked)",
                   responses={200: TeamMemberSerializer(many=True), **ERRORS})
    def get(self, request):
        return self.paginated(queries.team_of(request.agent), TeamMemberSerializer)


urlpatterns = [
    path("agent/profile/", ProfileView.as_view(), name="agent-profile"),
    path("agent/hidden-products/", HiddenProductsView.as_view(), name="agent-hidden-products"),
    path("agent/hidden-products/<str:product>/", HiddenProductView.as_view(),
         name="agent-hidden-product"),
    path("agent/team/", TeamView.as_view(), name="agent-team"),
]

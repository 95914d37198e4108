"""REST endpoints of agents for the owner (and staff managing agents): levels with their
conditions and per-variant rules, agents with their state, level and upline; and the public
application (POST, with an invitation code or without one for the owner's own link).

Changes go through ``services``; a refused change answers ``{"code", "message", "fields"?}`` and
writes nothing. An upgrade condition can only name a lawful measure (``UpgradeMetric``): any
other, such as purchases, payments or recruits, is refused with a message.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaPermission
from weishang.accounts.validators import PASSWORD_MAX_LENGTH
from weishang.catalog.models import Variant
from weishang.core.models import largest_value_of, max_length_of
from weishang.core.rest.errors import ErrorSerializer

from . import queries, services
from .joining import limit_applications
from .models import (
    MIN_BUYBACK_PERCENT,
    Agent,
    AgentEvent,
    AgentLevel,
    AgentState,
    BindingMode,
    Combination,
    LevelVariantRule,
    NetworkSettings,
    UpgradeMetric,
    UpgradeReview,
    UplineChange,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- levels ---------------------------------------------------------------------------------


class NetworkLevelSerializer(serializers.ModelSerializer):
    conditions = serializers.SerializerMethodField()
    agents = serializers.IntegerField(source="agent_count", read_only=True)

    class Meta:
        model = AgentLevel
        fields = ["id", "rank", "name", "discount_percent", "may_invite", "combination",
                  "conditions", "agents"]
        read_only_fields = fields

    def get_conditions(self, level) -> dict[str, str]:
        return {condition.metric: str(condition.threshold)
                for condition in level.conditions.all()}


class LevelInputSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1,
                                    max_value=largest_value_of(AgentLevel, "rank"))
    name = serializers.CharField(max_length=max_length_of(AgentLevel, "name"))
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    may_invite = serializers.BooleanField(default=True)
    combination = serializers.ChoiceField(choices=Combination.choices, default=Combination.ALL)
    conditions = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
        required=False, default=dict,
        help_text="{measure: threshold}; the measures are " + ", ".join(UpgradeMetric.values)
        + " and nothing else (purchases, payments or recruits are refused).")

    def level_data(self) -> services.LevelData:
        return services.LevelData(**self.validated_data)


class VariantRuleSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant.public_id")
    product = serializers.CharField(source="variant.product.title")

    class Meta:
        model = LevelVariantRule
        fields = ["variant", "product", "price", "min_per_order", "max_per_order",
                  "max_per_month"]
        read_only_fields = fields


def _limit_field(name: str):
    return serializers.IntegerField(max_value=largest_value_of(LevelVariantRule, name),
                                    required=False, allow_null=True, default=None)


class VariantRuleInputSerializer(serializers.Serializer):
    variant = serializers.CharField(help_text="The variant's id; all other fields empty "
                                              "removes its rule.")
    price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                     allow_null=True, default=None)
    min_per_order = _limit_field("min_per_order")
    max_per_order = _limit_field("max_per_order")
    max_per_month = _limit_field("max_per_month")


class LevelViewSet(viewsets.GenericViewSet):
    permission_classes = [AreaPermission]
    area = "agents"
    serializer_class = NetworkLevelSerializer
    lookup_value_regex = r"[0-9]+"
    pagination_class = None  # a handful of levels, listed whole
    queryset = AgentLevel.objects.none()

    def _level(self, pk) -> AgentLevel:
        return get_object_or_404(queries.levels_overview(), pk=pk)

    def _answer(self, level, status_code=status.HTTP_200_OK):
        return Response(NetworkLevelSerializer(self._level(level.pk)).data, status=status_code)

    @extend_schema(summary="Agent levels by rank",
                   responses={200: NetworkLevelSerializer(many=True)})
    def list(self, request):
        return Response(NetworkLevelSerializer(queries.levels_overview(), many=True).data)

    @extend_schema(summary="Add a level", request=LevelInputSerializer,
                   responses={201: NetworkLevelSerializer, **ERRORS})
    def create(self, request):
        given = LevelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        level = services.save_level(request.user, given.level_data())
        return self._answer(level, status.HTTP_201_CREATED)

    @extend_schema(summary="One level", responses={200: NetworkLevelSerializer, **ERRORS})
    def retrieve(self, request, pk=None):
        return Response(NetworkLevelSerializer(self._level(pk)).data)

    @extend_schema(summary="Change a level (its conditions become those given)",
                   request=LevelInputSerializer, responses={200: NetworkLevelSerializer, **ERRORS})
    def update(self, request, pk=None):
        level = self._level(pk)
        given = LevelInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(services.save_level(request.user, given.level_data(), level))

    @extend_schema(summary="Delete a level nobody holds", responses={204: None, **ERRORS})
    def destroy(self, request, pk=None):
        services.delete_level(request.user, self._level(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["get"], summary="The level's prices and limits per variant",
                   responses={200: VariantRuleSerializer(many=True), **ERRORS})
    @extend_schema(methods=["post"], summary="Set (or remove) a variant's price and limits",
                   request=VariantRuleInputSerializer,
                   responses={200: VariantRuleSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get", "post"])
    def rules(self, request, pk=None):
        level = self._level(pk)
        if request.method == "POST":
            given = VariantRuleInputSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            values = dict(given.validated_data)
            variant = Variant.objects.filter(public_id=values.pop("variant")).first()
            if variant is None:
                raise NotFound(_("No such variant."))
            services.set_variant_rule(request.user, level, variant, **values)
        rules = (LevelVariantRule.objects.filter(level=level)
                 .select_related("variant__product").order_by("variant__product__title"))
        return Response(VariantRuleSerializer(rules, many=True).data)


# --- agents ---------------------------------------------------------------------------------


class LevelReviewSerializer(serializers.Serializer):
    """Refunds left the selling that earned the agent's level short of it (upgrade_review
    "flag"): the owner keeps the level or moves the agent down (``level-review``)."""

    since = serializers.DateTimeField(source="level_review_since")
    supported_level = serializers.CharField(source="level_review_to.name", allow_null=True,
                                            default=None)
    supported_level_id = serializers.IntegerField(source="level_review_to_id", allow_null=True)


class AgentSummarySerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    phone = serializers.CharField(source="user.phone", allow_null=True)
    level = serializers.CharField(source="level.name")
    level_id = serializers.IntegerField()
    upgraded_from_id = serializers.IntegerField(
        allow_null=True, help_text="Set while the level was reached by automatic upgrades: "
                                   "the level before them, which refunds never go below.")
    level_review = serializers.SerializerMethodField()
    upline = serializers.CharField(source="upline.public_id", allow_null=True, default=None)
    team_size = serializers.IntegerField()

    class Meta:
        model = Agent
        fields = ["id", "name", "phone", "wechat_id", "region", "note", "code", "state",
                  "level", "level_id", "upgraded_from_id", "level_review", "upline",
                  "upline_until", "team_size", "joined_at", "created_at"]
        read_only_fields = fields

    @extend_schema_field(LevelReviewSerializer(allow_null=True))
    def get_level_review(self, agent) -> dict | None:
        return LevelReviewSerializer(agent).data if agent.level_review_since else None


class AgentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentEvent
        fields = ["kind", "from_value", "to_value", "note", "created_at"]
        read_only_fields = fields


class UplineChangeSerializer(serializers.ModelSerializer):
    from_upline = serializers.CharField(source="from_upline.public_id", allow_null=True,
                                        default=None)
    to_upline = serializers.CharField(source="to_upline.public_id", allow_null=True,
                                      default=None)

    class Meta:
        model = UplineChange
        fields = ["from_upline", "to_upline", "reason", "created_at"]
        read_only_fields = fields


class AgentFullSerializer(AgentSummarySerializer):
    invited_by = serializers.CharField(source="invited_by.public_id", allow_null=True,
                                       default=None)
    events = AgentEventSerializer(many=True)
    upline_changes = UplineChangeSerializer(many=True)

    class Meta(AgentSummarySerializer.Meta):
        fields = [*AgentSummarySerializer.Meta.fields, "invited_by", "events", "upline_changes"]
        read_only_fields = fields


class StateInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AgentState.choices,
                                    help_text="active approves or reactivates; exited rejects "
                                              "or ends; suspended suspends.")
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class LevelChangeInputSerializer(serializers.Serializer):
    level = serializers.PrimaryKeyRelatedField(queryset=AgentLevel.objects.all())
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class LevelReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["keep", "move_down"],
        help_text="keep: the level stays, as the owner's decision; move_down: to "
                  "level_review.supported_level.")
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class MoveInputSerializer(serializers.Serializer):
    upline = serializers.CharField(allow_null=True, help_text="The new upline's id, or null.")


class AgentViewSet(viewsets.GenericViewSet):
    permission_classes = [AreaPermission]
    area = "agents"
    serializer_class = AgentSummarySerializer
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9a-f]{32}"
    queryset = Agent.objects.none()

    def _agent(self, public_id) -> Agent:
        try:
            return queries.agent_detail(public_id)
        except Agent.DoesNotExist:
            raise NotFound(_("No such agent.")) from None

    def _answer(self, agent):
        return Response(AgentFullSerializer(self._agent(agent.public_id)).data)

    @extend_schema(summary="Agents, newest first", parameters=[
        OpenApiParameter("state", enum=AgentState.values, required=False),
        OpenApiParameter("q", str, description="Name, mobile number or invitation code.")],
        responses={200: AgentSummarySerializer(many=True)})
    def list(self, request):
        state = request.query_params.get("state", "")
        page = self.paginate_queryset(queries.agent_list(
            q=request.query_params.get("q", "")[:30],
            state=state if state in AgentState.values else ""))
        return self.get_paginated_response(AgentSummarySerializer(page, many=True).data)

    @extend_schema(summary="One agent with its history", responses={200: AgentFullSerializer,
                                                                   **ERRORS})
    def retrieve(self, request, public_id=None):
        return self._answer(self._agent(public_id))

    @extend_schema(summary="Approve, reject, suspend, reactivate or end an agent",
                   request=StateInputSerializer, responses={200: AgentFullSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def state(self, request, public_id=None):
        given = StateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = services.change_state(request.user, self._agent(public_id),
                                      given.validated_data["state"],
                                      given.validated_data["note"])
        return self._answer(agent)

    @extend_schema(summary="Put the agent at a level (up or down)",
                   request=LevelChangeInputSerializer,
                   responses={200: AgentFullSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def level(self, request, public_id=None):
        given = LevelChangeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = services.set_level(request.user, self._agent(public_id),
                                   given.validated_data["level"], given.validated_data["note"])
        return self._answer(agent)

    @extend_schema(summary="Decide on a level refunds took the selling below (the flag in "
                           "level_review): keep it or move down",
                   request=LevelReviewInputSerializer,
                   responses={200: AgentFullSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="level-review")
    def level_review(self, request, public_id=None):
        given = LevelReviewInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = services.decide_level_review(
            request.user, self._agent(public_id),
            keep=given.validated_data["decision"] == "keep", note=given.validated_data["note"])
        return self._answer(agent)

    @extend_schema(summary="Move the agent under another upline (or none)",
                   request=MoveInputSerializer, responses={200: AgentFullSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def upline(self, request, public_id=None):
        given = MoveInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upline_id = given.validated_data["upline"]
        upline = self._agent(upline_id) if upline_id else None
        agent = services.move(request.user, self._agent(public_id), upline)
        return self._answer(agent)


# --- rules ----------------------------------------------------------------------------------


class NetworkSettingsSerializer(serializers.Serializer):
    binding_mode = serializers.ChoiceField(choices=BindingMode.choices)
    binding_days = serializers.IntegerField(min_value=1, max_value=services.MAX_BINDING_DAYS,
                                            allow_null=True,
                                            help_text="null: the binding lasts for good.")
    auto_approve = serializers.BooleanField()
    buyback_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2,
        help_text=f"At least {MIN_BUYBACK_PERCENT}; a lower value is refused.")
    upgrade_review = serializers.ChoiceField(
        choices=UpgradeReview.choices, required=False,
        help_text="When refunds leave the selling that earned an automatic upgrade short of "
                  "the level: flag (default: the agent is flagged, the owner decides) or "
                  "recompute (the daily run moves them down, never below the level they had "
                  "before). Left out: unchanged.")


class NetworkSettingsView(APIView):
    permission_classes = [AreaPermission]
    area = "agents"

    @extend_schema(operation_id="network_settings_read", summary="The rules for agents",
                   responses={200: NetworkSettingsSerializer}, tags=["agents"])
    def get(self, request):
        return Response(NetworkSettingsSerializer(NetworkSettings.load()).data)

    @extend_schema(operation_id="network_settings_update", summary="Change the rules for agents",
                   request=NetworkSettingsSerializer,
                   responses={200: NetworkSettingsSerializer, **ERRORS}, tags=["agents"])
    def put(self, request):
        given = NetworkSettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rules = services.update_settings(request.user, **given.validated_data)
        return Response(NetworkSettingsSerializer(rules).data)


# --- applications (public) ------------------------------------------------------------------


class ApplicationInputSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=max_length_of(Agent, "code"),
                                 help_text="The inviter's invitation code; empty: the owner's "
                                           "own link.")
    name = serializers.CharField(max_length=max_length_of(Agent, "name"))
    phone = serializers.CharField(max_length=20, help_text="Mainland mobile; the login.")
    wechat_id = serializers.CharField(max_length=max_length_of(Agent, "wechat_id"),
                                      required=False, default="", allow_blank=True)
    region = serializers.CharField(max_length=max_length_of(Agent, "region"), required=False,
                                   default="", allow_blank=True)
    note = serializers.CharField(max_length=max_length_of(Agent, "note"), required=False,
                                 default="", allow_blank=True)
    password = serializers.CharField(write_only=True, max_length=PASSWORD_MAX_LENGTH,
                                     trim_whitespace=False, style={"input_type": "password"})


class ApplicationResultSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[AgentState.APPLIED, AgentState.ACTIVE],
        help_text="active when the owner approves applications automatically, else applied.")
    message = serializers.CharField(help_text="What to do next, to show the applicant.")


class ApplicationView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="agent_application", summary="Apply to become an agent (free)",
                   description="No fee, no purchase. The applicant logs in with the mobile "
                               "number once approved (at once if the owner approves "
                               "automatically). Answers 202 with the same body whether or not "
                               "the number already had an account (then nothing is made): "
                               "the answer names no one's login. Each address may send "
                               "AGENT_APPLICATIONS_PER_HOUR applications an hour (10 by "
                               "default), valid or not; then 429 with a Retry-After header.",
                   request=ApplicationInputSerializer,
                   responses={202: ApplicationResultSerializer, 429: ErrorSerializer, **ERRORS},
                   tags=["agents"])
    def post(self, request):
        limit_applications(request)
        given = ApplicationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        code = values.pop("code")
        services.apply(services.Application(**values), code=code or None)
        approved = NetworkSettings.load().auto_approve
        return Response({"state": AgentState.ACTIVE if approved else AgentState.APPLIED,
                         "message": services.application_received()},
                        status=status.HTTP_202_ACCEPTED)


router = SimpleRouter()
router.register("agent-levels", LevelViewSet, basename="agent-level")
router.register("agents", AgentViewSet, basename="agent")

urlpatterns = [
    path("agent-applications/", ApplicationView.as_view(), name="agent-application"),
    path("network-settings/", NetworkSettingsView.as_view(), name="network-settings"),
    *router.urls,
]

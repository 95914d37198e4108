"""REST endpoints of the posting plan, under /api/v1/plans/: the current user's plan (staff plan
for the owner), filtered by date range and channel; planning, moving, posted, skip, delete;
a dry run of the rules; the due reminders.

A plan that breaks a rule answers 409 ``{"code": "plan_rule", "message", "violations":
[{"code", "message"}]}`` and saves nothing, unless the owner set the rules to warn only: then
it is saved and its ``warnings`` hold the same list. Bad input answers 400.
"""


from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from weishang.accounts.permissions import AreaPermission
from weishang.core.days import between_days
from weishang.core.rest.errors import ErrorSerializer, refusals
from weishang.marketing import queries
from weishang.marketing.models import Channel, MarketingSettings, PlannedPost, PlanState, Post

from . import queries as plan_queries
from . import services as plan

MAX_RANGE_DAYS = 92


# "code" and "state" are plain strings in the schema, their values in the help: as enums
# they would collide with the other "code" and "state" enums of the API and rename those.
class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=", ".join(plan.RULE_CODES))
    message = serializers.CharField()


class RefusalSerializer(ErrorSerializer):
    violations = ViolationSerializer(many=True)


class PlannedPostSerializer(serializers.ModelSerializer):
    post = serializers.CharField(source="post.public_id")
    post_title = serializers.CharField(source="post.title")
    post_kind = serializers.CharField(source="post.kind")
    channel = serializers.CharField(source="channel.code")
    channel_name = serializers.CharField(source="channel.name")
    state = serializers.CharField(help_text=", ".join(PlanState.values))
    warnings = ViolationSerializer(many=True, help_text="Rules it breaks, accepted because the "
                                                        "owner set the rules to warn only.")

    class Meta:
        model = PlannedPost
        fields = ["id", "post", "post_title", "post_kind", "channel", "channel_name", "account",
                  "planned_at", "state", "posted_at", "warnings", "created_at"]
        read_only_fields = fields


class PlanWriteSerializer(serializers.Serializer):
    post = serializers.SlugRelatedField(slug_field="public_id", queryset=Post.objects.all(),
                                        help_text="A published library post's id.")
    channel = serializers.SlugRelatedField(slug_field="code", queryset=Channel.objects.all())
    account = serializers.CharField(max_length=plan.ACCOUNT_MAX_LENGTH, required=False,
                                    allow_blank=True, default="",
                                    help_text="The group or account, for channels capped per "
                                              "group (微信群).")
    planned_at = serializers.DateTimeField(help_text="With its offset, e.g. "
                                                     "2026-11-26T10:30:00+08:00.")


class PlanMoveSerializer(PlanWriteSerializer):
    """A move: every field optional, the entry keeps what is not given."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        fields["account"].default = serializers.empty
        return fields


class CheckResultSerializer(serializers.Serializer):
    violations = ViolationSerializer(many=True)
    rule_mode = serializers.CharField(help_text='"refuse": a plan with violations is refused; '
                                                '"warn": saved with them as warnings.')


class PlanFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, source="start")
    date_to = serializers.DateField(required=False, source="end")
    channel = serializers.SlugRelatedField(slug_field="code", queryset=Channel.objects.all(),
                                           required=False)
    state = serializers.ChoiceField(choices=PlanState.choices, required=False)

    def validate(self, data):
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > MAX_RANGE_DAYS):
            raise serializers.ValidationError({"date_to": [
                _("Choose a last day from the first day to %(days)d days after it.")
                % {"days": MAX_RANGE_DAYS}]})
        return data


PLAN_FILTERS = [
    OpenApiParameter("date_from", str, description="First day (YYYY-MM-DD, China time)."),
    OpenApiParameter("date_to", str, description="Last day, included; at most 92 days after "
                                                 "date_from."),
    OpenApiParameter("channel", str, description="Channel code."),
    OpenApiParameter("state", str, enum=PlanState.values),
]
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(parameters=PLAN_FILTERS, summary="The plan, in time order"),
    retrieve=extend_schema(summary="One planned post"),
    create=extend_schema(request=PlanWriteSerializer,
                         responses={201: PlannedPostSerializer, **ERRORS, **refusals(
                             "PlanCreate", "plan_rule", base=RefusalSerializer)},
                         summary="Plan a post (refused with the reasons when it breaks a rule)"),
    partial_update=extend_schema(request=PlanMoveSerializer,
                                 responses={200: PlannedPostSerializer, **ERRORS, **refusals(
                                     "PlanMove", "plan_rule", "already_posted",
                                     base=RefusalSerializer)},
                                 summary="Move a planned post; the rules are checked again"),
    destroy=extend_schema(responses={204: None, **refusals("PlanDelete", "already_posted"),
                                     **ERRORS},
                          summary="Take a post out of the plan (not once posted)"),
)
class PlanViewSet(viewsets.GenericViewSet):
    permission_classes = [AreaPermission]
    area = "marketing"
    serializer_class = PlannedPostSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return plan_queries.visible_plans(self.request.user)

    def get_object(self):
        return plan_queries.entry_for(self.request.user, self.kwargs["pk"])

    def handle_exception(self, exc):
        if isinstance(exc, plan.PlanRefused):
            return Response({"code": exc.code, "message": str(exc.message),
                             "violations": [violation.as_dict() for violation in exc.violations]},
                            status=exc.status)
        return super().handle_exception(exc)

    def _output(self, entry, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(entry).data, status=status_code)

    def list(self, request):
        filters = PlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        entries = self.get_queryset()
        entries = entries.filter(between_days("planned_at", values.get("start"),
                                              values.get("end"), plan_queries.PLAN_TIME_ZONE))
        if values.get("channel"):
            entries = entries.filter(channel=values["channel"])
        if values.get("state"):
            entries = entries.filter(state=values["state"])
        page = self.paginate_queryset(entries.order_by("planned_at", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._output(self.get_object())

    def create(self, request):
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = plan.plan_post(seller=queries.sharing_seller(request.user),
                               **data.validated_data)
        return self._output(entry, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = PlanMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        moved = plan.reschedule(entry, planned_at=values.get("planned_at", entry.planned_at),
                                post=values.get("post"), channel=values.get("channel"),
                                account=values.get("account"))
        return self._output(moved)

    def destroy(self, request, pk=None):
        plan.delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: PlannedPostSerializer, **ERRORS},
                   summary="Mark as posted (again: no change)")
    @action(detail=True, methods=["post"], url_path="mark-posted")
    def mark_posted(self, request, pk=None):
        return self._output(plan.mark_posted(self.get_object()))

    @extend_schema(request=None, responses={200: PlannedPostSerializer, 409: ErrorSerializer,
                                            **ERRORS},
                   summary="Skip: it stays in the plan but counts for no rule")
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        return self._output(plan.skip(self.get_object()))

    @extend_schema(request=PlanWriteSerializer, responses={200: CheckResultSerializer, **ERRORS},
                   summary="Dry run: the rules a plan would break, nothing saved")
    @action(detail=False, methods=["post"])
    def check(self, request):
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        violations = plan.dry_run(seller=queries.sharing_seller(request.user),
                                  **data.validated_data)
        return Response({"violations": [violation.as_dict() for violation in violations],
                         "rule_mode": MarketingSettings.load().rule_mode})

    @extend_schema(responses={200: PlannedPostSerializer(many=True)},
                   summary="Planned posts whose time has come, not posted yet")
    @action(detail=False, methods=["get"], pagination_class=None)
    def due(self, request):
        entries = plan_queries.due_reminders(queries.sharing_seller(request.user))
        return Response(self.get_serializer(entries, many=True).data)


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
urlpatterns = router.urls

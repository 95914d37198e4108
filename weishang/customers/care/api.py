"""REST endpoints of customer care day by day, under /api/v1/ (included by customers.api).

Follow-ups (list, plan, change, remove, done, snooze), who to contact today with the reason
and a message to send (and marking a reminder done or snoozing it), and the RFM segments with
their counts, the repeat-purchase rate and their members. Changes go through ``care.services``; a
refused change answers ``{"code", "message", "fields"?}`` and writes nothing.
"""

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaPermission
from weishang.core.phone import mask_mobile
from weishang.core.rest.errors import ErrorSerializer
from weishang.customers.models import CustomerSettings

from .. import queries, segments
from ..models import Customer, FollowUp, FollowUpKind, FollowUpState, ReminderHandled, ReminderKind
from . import queries as care_queries
from . import services as care

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- output ---------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    """Who to contact: the mobile number masked, the WeChat ID to copy."""

    id = serializers.CharField(source="public_id", read_only=True)
    phone = serializers.SerializerMethodField(help_text="Masked: 138****5678.")

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "wechat_id"]
        read_only_fields = fields

    def get_phone(self, customer) -> str:
        return mask_mobile(customer.phone)


class FollowUpSerializer(serializers.ModelSerializer):
    customer = ContactSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "customer", "kind", "kind_label", "due_on", "note", "state",
                  "state_label", "snooze_count", "done_at", "created_at"]
        read_only_fields = fields


class ReminderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReminderKind.choices)
    kind_label = serializers.SerializerMethodField()
    customer = ContactSerializer()
    due_on = serializers.DateField()
    days_late = serializers.SerializerMethodField()
    reason = serializers.CharField()
    message = serializers.CharField(help_text="A suggested message to copy into WeChat.")
    key = serializers.CharField(help_text="Names a repurchase or birthday reminder when "
                                          "marking it done or snoozing it; empty for a "
                                          "follow-up.")
    follow_up = serializers.IntegerField(source="follow_up.pk", allow_null=True, default=None,
                                         help_text="The follow-up's id, for follow-ups.")
    product = serializers.CharField(help_text="The product running out, for repurchases.")
    run_out_on = serializers.DateField(allow_null=True)

    def get_kind_label(self, reminder) -> str:
        return str(ReminderKind(reminder.kind).label)

    def get_days_late(self, reminder) -> int:
        return reminder.days_late(self.context["today"])


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    contacts = ReminderSerializer(many=True)


class SegmentCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    recent = serializers.BooleanField()
    frequent = serializers.BooleanField()
    valuable = serializers.BooleanField()
    advice = serializers.CharField()
    count = serializers.IntegerField()


class ThresholdsSerializer(serializers.Serializer):
    recency_days = serializers.IntegerField()
    frequency_orders = serializers.IntegerField()
    monetary_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema_serializer(many=False)  # the answer of a list action, but one object
class SegmentOverviewSerializer(serializers.Serializer):
    thresholds = ThresholdsSerializer()
    buyers = serializers.IntegerField(help_text="Customers with at least one paid order.")
    repeat_buyers = serializers.IntegerField(help_text="Customers with two or more.")
    repeat_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True,
        help_text="Repeat buyers per 100 buyers; null without buyers.")
    segments = SegmentCountSerializer(many=True)


class SegmentMemberSerializer(ContactSerializer):
    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "last_order_at", "order_count",
                  "total_spent"]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------


class FollowUpInputSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=32, help_text="The customer's id.")
    kind = serializers.ChoiceField(choices=FollowUpKind.choices, default=FollowUpKind.MESSAGE)
    due_on = serializers.DateField(help_text="Today or a later day.")
    note = serializers.CharField(max_length=care.NOTE_MAX_LENGTH, allow_blank=True,
                                 required=False, default="")


class FollowUpChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowUpKind.choices, required=False)
    due_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=care.NOTE_MAX_LENGTH, allow_blank=True,
                                 required=False)


class SnoozeSerializer(serializers.Serializer):
    days = serializers.ChoiceField(choices=care.SNOOZE_DAYS, required=False, allow_null=True,
                                   default=None, help_text="Put off by this many days…")
    until = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="…or until this later day.")


class ReminderInputSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(choices=ReminderKind.choices,
                                   help_text="repurchase or birthday (follow-ups have their "
                                             "own endpoints).")
    key = serializers.CharField(max_length=ReminderHandled._meta.get_field("key").max_length)


class ReminderSnoozeSerializer(ReminderInputSerializer, SnoozeSerializer):
    pass


class FollowUpFilterSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=32, required=False, default="")
    state = serializers.ChoiceField(choices=FollowUpState.choices, required=False,
                                    default=FollowUpState.OPEN)
    due_before = serializers.DateField(required=False, default=None)


# --- views ----------------------------------------------------------------------------------


def _customer(user, public_id: str) -> Customer:
    customer = queries.customers_for(user).filter(public_id=public_id).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    return customer


class FollowUpViewSet(viewsets.GenericViewSet):
    """Follow-ups of the customers the user may see (queries.customers_for)."""

    permission_classes = [AreaPermission]
    area = "customers"
    serializer_class = FollowUpSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = FollowUp.objects.none()

    def _follow_up(self, pk) -> FollowUp:
        follow_up = care_queries.follow_ups_for(self.request.user).filter(pk=pk).first()
        if follow_up is None:
            raise NotFound(_("No such follow-up."))
        return follow_up

    def _answer(self, follow_up, status_code=status.HTTP_200_OK):
        return Response(FollowUpSerializer(self._follow_up(follow_up.pk)).data,
                        status=status_code)

    @extend_schema(summary="Follow-ups, soonest first (open ones unless asked otherwise)",
                   parameters=[OpenApiParameter("customer", str),
                               OpenApiParameter("state", str, enum=FollowUpState.values),
                               OpenApiParameter("due_before", str, description="Up to this "
                                                "day, included (YYYY-MM-DD).")],
                   responses={200: FollowUpSerializer(many=True), 400: ErrorSerializer})
    def list(self, request):
        filters = FollowUpFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        follow_ups = care_queries.follow_ups_for(request.user).filter(
            state=filters.validated_data["state"]).order_by("due_on", "id")
        if filters.validated_data["customer"]:
            follow_ups = follow_ups.filter(
                customer__public_id=filters.validated_data["customer"])
        if filters.validated_data["due_before"]:
            follow_ups = follow_ups.filter(due_on__lte=filters.validated_data["due_before"])
        page = self.paginate_queryset(follow_ups)
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)

    @extend_schema(summary="Plan a follow-up", request=FollowUpInputSerializer,
                   responses={201: FollowUpSerializer, **ERRORS})
    def create(self, request):
        given = FollowUpInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        follow_up = care.create_follow_up(request.user, _customer(request.user,
                                                                  data.pop("customer")), **data)
        return self._answer(follow_up, status.HTTP_201_CREATED)

    @extend_schema(summary="One follow-up",
                   responses={200: FollowUpSerializer, 404: ErrorSerializer})
    def retrieve(self, request, pk=None):
        return self._answer(self._follow_up(pk))

    @extend_schema(summary="Change the day, type or note of an open follow-up",
                   request=FollowUpChangeSerializer, responses={200: FollowUpSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        given = FollowUpChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        follow_up = care.reschedule_follow_up(request.user, self._follow_up(pk),
                                              **given.validated_data)
        return self._answer(follow_up)

    @extend_schema(summary="Remove an open follow-up planned by mistake",
                   responses={204: None, **ERRORS})
    def destroy(self, request, pk=None):
        care.delete_follow_up(request.user, self._follow_up(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Mark a follow-up done", request=None,
                   responses={200: FollowUpSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._answer(care.complete_follow_up(request.user, self._follow_up(pk)))

    @extend_schema(summary="Put a follow-up off by 1 or 3 days, or until a later day",
                   request=SnoozeSerializer, responses={200: FollowUpSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        given = SnoozeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        follow_up = care.snooze_follow_up(request.user, self._follow_up(pk),
                                          **given.validated_data)
        return self._answer(follow_up)


class TodayView(APIView):
    """Who to contact today (今日待联系): due and late follow-ups, products running out,
    birthdays."""

    permission_classes = [AreaPermission]
    area = "customers"

    @extend_schema(summary="Who to contact today, and why", responses={200: TodaySerializer})
    def get(self, request):
        today = timezone.localdate()
        contacts = care_queries.today_for(request.user, today=today)
        return Response(TodaySerializer(
            {"date": today, "count": len(contacts), "contacts": contacts},
            context={"today": today}).data)


class ReminderDoneView(APIView):
    permission_classes = [AreaPermission]
    area = "customers"

    @extend_schema(summary="Mark a repurchase or birthday reminder done",
                   request=ReminderInputSerializer, responses={204: None, **ERRORS})
    def post(self, request):
        given = ReminderInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        care.handle_reminder(request.user, _customer(request.user, data.pop("customer")),
                             **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReminderSnoozeView(APIView):
    permission_classes = [AreaPermission]
    area = "customers"

    @extend_schema(summary="Deal with a reminder later: it becomes a follow-up on that day",
                   request=ReminderSnoozeSerializer,
                   responses={201: FollowUpSerializer, **ERRORS})
    def post(self, request):
        given = ReminderSnoozeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        follow_up = care.snooze_reminder(request.user,
                                         _customer(request.user, data.pop("customer")), **data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class SegmentViewSet(viewsets.GenericViewSet):
    """RFM segments of the customers the user may see, as of today."""

    permission_classes = [AreaPermission]
    area = "customers"
    serializer_class = SegmentMemberSerializer
    queryset = Customer.objects.none()
    lookup_field = "code"
    lookup_value_regex = r"[a-z_]+"

    @extend_schema(summary="Customers per segment, thresholds and the repeat-purchase rate",
                   operation_id="segments_overview", responses={200: SegmentOverviewSerializer})
    def list(self, request):
        settings = CustomerSettings.load()
        overview = segments.overview(queries.customers_for(request.user), settings=settings)
        return Response(SegmentOverviewSerializer({
            "thresholds": settings, "buyers": overview.buyers,
            "repeat_buyers": overview.repeat_buyers, "repeat_rate": overview.repeat_rate,
            "segments": [{**vars(segment), "count": count}
                         for segment, count in overview.counts],
        }).data)

    @extend_schema(summary="The customers of one segment, latest order first",
                   operation_id="segments_members_list",
                   responses={200: SegmentMemberSerializer(many=True), 404: ErrorSerializer})
    def retrieve(self, request, code=None):
        if code not in segments.SEGMENTS_BY_CODE:
            raise NotFound(_("No such segment."))
        members = segments.segment_filter(queries.customers_for(request.user), code)
        page = self.paginate_queryset(members.order_by("-last_order_at", "-id"))
        return self.get_paginated_response(SegmentMemberSerializer(page, many=True).data)


router = SimpleRouter()
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("segments", SegmentViewSet, basename="segment")

urlpatterns = [
    path("customers/today/", TodayView.as_view(), name="customers-today"),
    path("customers/today/done/", ReminderDoneView.as_view(), name="customers-today-done"),
    path("customers/today/snooze/", ReminderSnoozeView.as_view(),
         name="customers-today-snooze"),
    *router.urls,
]

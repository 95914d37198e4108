"""REST endpoints of earnings and withdrawals, under /api/v1/.

An agent reads their own balance and ledger (``earnings/balance``, ``earnings/ledger``), lists
and requests their own withdrawals (``withdrawals``, with a ``request_key``: the same key twice
is one withdrawal). The owner and staff with the agents area list every withdrawal, approve,
pay (reference and receipt image) or reject them, read any agent's balance
(``earnings/agents/<id>``) and the rules (``earnings/settings``). Changes go through
``withdrawals`` and ``rules``; a refused change answers ``{"code", "message", "fields"?}``.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from weishang.accounts.permissions import AreaPermission
from weishang.core.models import max_length_of
from weishang.core.rest.errors import ErrorSerializer, refusals
from weishang.core.rest.parsers import JSONParser
from weishang.network.agent.api import IsAgent
from weishang.network.models import Agent
from weishang.network.queries import agent_of
from weishang.orders.models import ShopSettings

from . import queries
from .models import (
    AgentBalance,
    CommissionSettings,
    LedgerEntry,
    PayoutMethod,
    Withdrawal,
    WithdrawalState,
)
from .queries import EarningState
from .services import rules, withdrawals

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- output ---------------------------------------------------------------------------------


class BalanceSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.public_id", read_only=True)

    class Meta:
        model = AgentBalance
        fields = ["agent", "pending", "frozen", "available", "withdrawing", "withdrawn"]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    order = serializers.CharField(
        source="order_number", read_only=True, allow_null=True, default=None,
        help_text="The order's number; of another seller's sale (an upline commission) only "
                  "its last 4 digits.")
    withdrawal = serializers.CharField(source="withdrawal.public_id", read_only=True,
                                       allow_null=True, default=None)

    state = serializers.ChoiceField(
        choices=EarningState.choices, read_only=True, default=None, allow_null=True,
        help_text="Where an earning's money is now (null for other entries).")
    due = serializers.DateTimeField(
        read_only=True, default=None, allow_null=True,
        help_text="When a frozen earning becomes available.")

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "kind_label", "bucket", "amount", "order", "withdrawal",
                  "state", "due", "created_at"]
        read_only_fields = fields


class WithdrawalSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    agent = serializers.CharField(source="agent.public_id", read_only=True)
    agent_name = serializers.CharField(source="agent.name", read_only=True)
    transferred = serializers.SerializerMethodField(help_text="amount − fee")

    class Meta:
        model = Withdrawal
        fields = ["id", "agent", "agent_name", "amount", "fee", "transferred", "method",
                  "account", "account_name", "state", "request_key", "reference", "receipt",
                  "note", "created_at", "decided_at", "paid_at"]
        read_only_fields = fields

    def get_transferred(self, withdrawal) -> str:
        return f"{withdrawal.amount - withdrawal.fee:.2f}"


class SettingsSerializer(serializers.ModelSerializer):
    upline_depth = serializers.IntegerField(
        required=False, help_text="Always 1: the direct upline only (any other is refused).")
    confirm_upline = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Needed to switch upline_enabled on: the owner read upline_warning.")
    upline_warning = serializers.SerializerMethodField()
    after_sales_days = serializers.SerializerMethodField(
        help_text="How many days the earnings of an order completed now stay frozen: the "
                  "shop's after-sales window, changed in /api/v1/orders/settings/ (each order "
                  "keeps the window it completed with).")

    class Meta:
        model = CommissionSettings
        fields = ["after_sales_days", "withdrawal_minimum", "withdrawal_fee_percent",
                  "upline_enabled", "upline_percent", "upline_depth", "confirm_upline",
                  "upline_warning", "team_orders_earn"]

    def get_after_sales_days(self, settings) -> int:
        return ShopSettings.load().after_sales_days

    def get_upline_warning(self, settings) -> str:
        return str(rules.UPLINE_WARNING)


# --- input ----------------------------------------------------------------------------------


class WithdrawalInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    method = serializers.ChoiceField(choices=PayoutMethod.choices)
    account = serializers.CharField(max_length=max_length_of(Withdrawal, "account"))
    account_name = serializers.CharField(max_length=max_length_of(Withdrawal, "account_name"))
    request_key = serializers.CharField(
        max_length=max_length_of(Withdrawal, "request_key"),
        help_text="Chosen by the client (e.g. a UUID): sent again, it returns the same "
                  "withdrawal.")


class PayInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=max_length_of(Withdrawal, "reference"))
    receipt = serializers.ImageField(required=False, allow_null=True,
                                     help_text="A picture of the transfer (JPEG, PNG, WebP).")


class RejectInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=max_length_of(Withdrawal, "note"))


# --- views ----------------------------------------------------------------------------------


def _own_agent(request) -> Agent:
    agent = agent_of(request.user)
    if agent is None:
        raise ApiPermissionDenied()
    return agent


class MyBalanceView(APIView):
    permission_classes = [IsAgent]

    @extend_schema(summary="My balance per bucket", responses={200: BalanceSerializer, **ERRORS})
    def get(self, request):
        return Response(BalanceSerializer(queries.balance_for(_own_agent(request))).data)


class MyLedgerViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAgent]
    serializer_class = LedgerEntrySerializer
    queryset = LedgerEntry.objects.none()

    @extend_schema(summary="My statement, newest first: earnings (with where their money is "
                           "now), what refunds took back, withdrawals",
                   responses={200: LedgerEntrySerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        page = queries.with_states(self.paginate_queryset(
            queries.statement_for(_own_agent(request))))
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


class AgentBalanceView(APIView):
    permission_classes = [AreaPermission]
    area = "agents"

    @extend_schema(summary="An agent's balance per bucket (owner)",
                   responses={200: BalanceSerializer, **ERRORS})
    def get(self, request, public_id):
        try:
            agent = Agent.objects.get(public_id=public_id)
        except Agent.DoesNotExist:
            raise NotFound(_("No such agent.")) from None
        return Response(BalanceSerializer(queries.balance_for(agent)).data)


class SettingsView(APIView):
    permission_classes = [AreaPermission]
    area = "agents"

    @extend_schema(summary="The earnings rules", responses={200: SettingsSerializer, **ERRORS})
    def get(self, request):
        return Response(SettingsSerializer(CommissionSettings.load()).data)

    @extend_schema(summary="Change the earnings rules (fields left out stay)",
                   description="upline_depth other than 1 is refused (团队计酬).",
                   request=SettingsSerializer, responses={200: SettingsSerializer, **ERRORS})
    def patch(self, request):
        given = SettingsSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        confirm = changes.pop("confirm_upline", False)
        settings = rules.update_commission_settings(request.user, confirm_upline=confirm,
                                                    **changes)
        return Response(SettingsSerializer(settings).data)


class WithdrawalViewSet(viewsets.GenericViewSet):
    """An agent sees and requests their own withdrawals; the owner sees all and decides."""

    serializer_class = WithdrawalSerializer
    area = "agents"
    lookup_field = "public_id"
    lookup_value_regex = r"[0-9a-f]{32}"
    queryset = Withdrawal.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        if self.action == "create":
            return [IsAgent()]
        if self.action in ("list", "retrieve"):
            return [permissions.IsAuthenticated()]
        return [AreaPermission()]

    def _visible(self):
        if self.request.user.can("agents"):
            return queries.withdrawal_queue(self.request.query_params.get("state", ""))
        return queries.withdrawals_for(_own_agent(self.request)).select_related("agent")

    def _withdrawal(self, public_id) -> Withdrawal:
        try:
            return self._visible().get(public_id=public_id)
        except Withdrawal.DoesNotExist:
            raise NotFound(_("No such withdrawal.")) from None

    def _answer(self, withdrawal, status_code=status.HTTP_200_OK):
        return Response(WithdrawalSerializer(withdrawal, context={"request": self.request}).data,
                        status=status_code)

    @extend_schema(
        summary="Withdrawals: the agent's own, or every one for the owner (open ones first)",
        parameters=[OpenApiParameter("state", enum=WithdrawalState.values, required=False,
                                     description="Owner: only withdrawals in this state.")],
        responses={200: WithdrawalSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        page = self.paginate_queryset(self._visible())
        return self.get_paginated_response(
            WithdrawalSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(summary="Ask for a withdrawal of available money (agent)",
                   request=WithdrawalInputSerializer,
                   responses={201: WithdrawalSerializer, **ERRORS, **refusals(
                       "WithdrawalRequest", "insufficient_balance", "negative_balance")})
    def create(self, request):
        given = WithdrawalInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        withdrawal = withdrawals.request_withdrawal(_own_agent(request), **given.validated_data)
        return self._answer(withdrawal, status.HTTP_201_CREATED)

    @extend_schema(summary="One withdrawal", responses={200: WithdrawalSerializer, **ERRORS})
    def retrieve(self, request, public_id=None):
        return self._answer(self._withdrawal(public_id))

    @extend_schema(summary="Approve a requested withdrawal (owner)", request=None,
                   responses={200: WithdrawalSerializer, **ERRORS, **refusals(
                       "WithdrawalApprove", "invalid_transition", "negative_balance")})
    @action(detail=True, methods=["post"])
    def approve(self, request, public_id=None):
        return self._answer(withdrawals.approve(self._withdrawal(public_id), actor=request.user))

    @extend_schema(summary="Record an approved withdrawal as paid (owner)",
                   request={"multipart/form-data": PayInputSerializer,
                            "application/json": PayInputSerializer},
                   responses={200: WithdrawalSerializer, **ERRORS, **refusals(
                       "WithdrawalPay", "invalid_image", "image_too_large",
                       "invalid_transition", "negative_balance")})
    @action(detail=True, methods=["post"])
    def pay(self, request, public_id=None):
        given = PayInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(withdrawals.mark_paid(
            self._withdrawal(public_id), actor=request.user,
            reference=given.validated_data["reference"],
            receipt=given.validated_data.get("receipt")))

    @extend_schema(summary="Reject a withdrawal: the amount is available again (owner)",
                   request=RejectInputSerializer,
                   responses={200: WithdrawalSerializer, **ERRORS,
                              **refusals("WithdrawalReject", "invalid_transition")})
    @action(detail=True, methods=["post"])
    def reject(self, request, public_id=None):
        given = RejectInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(withdrawals.reject(self._withdrawal(public_id), actor=request.user,
                                               note=given.validated_data["note"]))


router = SimpleRouter()
router.register("earnings/ledger", MyLedgerViewSet, basename="earnings-ledger")
router.register("withdrawals", WithdrawalViewSet, basename="withdrawal")

urlpatterns = [
    path("earnings/balance/", MyBalanceView.as_view(), name="earnings-balance"),
    path("earnings/agents/<str:public_id>/", AgentBalanceView.as_view(),
         name="earnings-agent-balance"),
    path("earnings/settings/", SettingsView.as_view(), name="earnings-settings"),
    *router.urls,
]

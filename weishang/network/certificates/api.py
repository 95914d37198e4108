"""REST endpoints of authorization certificates, under /api/v1/.

``certificates/``: every certificate (the owner and staff managing agents; ``?agent=`` one
agent's), and issuing one; ``certificates/<number>/renew/`` and ``…/revoke/``;
``certificates/mine/``: the calling agent's own; ``verify/<number>/``: the public check, no
login, with the same fields as the public page (the WeChat ID masked). Refused input answers
``{"code", "message", "fields"?}`` and writes nothing.
"""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from weishang.accounts.permissions import AreaPermission
from weishang.core.errors import InvalidInput, NotFound
from weishang.core.models import max_length_of
from weishang.core.rest.errors import ErrorSerializer
from weishang.core.site import absolute_url

from ..models import Agent, Certificate
from ..queries import agent_of
from . import queries, services
from .queries import State

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


# --- output ---------------------------------------------------------------------------------


class PublicCertificateSerializer(serializers.ModelSerializer):
    """What anyone may read about a certificate: the public page's fields."""

    state = serializers.SerializerMethodField()
    wechat_id = serializers.SerializerMethodField(help_text="Masked: wx******cd.")
    revoked_on = serializers.SerializerMethodField()
    shop_name = serializers.SerializerMethodField(help_text="Who authorises the agent.")

    class Meta:
        model = Certificate
        fields = ["number", "state", "agent_name", "level_name", "wechat_id", "valid_from",
                  "valid_until", "revoked_on", "shop_name"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=State.CHOICES))
    def get_state(self, certificate) -> str:
        return queries.state_of(certificate, self.context.get("today"))

    def get_wechat_id(self, certificate) -> str:
        return queries.mask_wechat_id(certificate.wechat_id)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_revoked_on(self, certificate):
        return (timezone.localdate(certificate.revoked_at).isoformat()
                if certificate.revoked_at else None)

    def get_shop_name(self, certificate) -> str:
        return self.context["shop_name"]


class CertificateSerializer(PublicCertificateSerializer):
    """A certificate for its agent and the owner: full WeChat ID, reason, downloads."""

    agent = serializers.CharField(source="agent.public_id", read_only=True)
    wechat_id = serializers.CharField(read_only=True)
    png_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta(PublicCertificateSerializer.Meta):
        fields = [*PublicCertificateSerializer.Meta.fields, "agent", "revoked_at",
                  "revoke_reason", "png_url", "pdf_url", "verify_url"]
        read_only_fields = fields

    # The enum is described once, on PublicCertificate: an enum named "state" in two components
    # collides with the other apps' states in the schema.
    @extend_schema_field(OpenApiTypes.STR)
    def get_state(self, certificate) -> str:
        return super().get_state(certificate)

    def _url(self, path: str) -> str:
        return self.context["request"].build_absolute_uri(path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_png_url(self, certificate) -> str:
        return self._url(reverse("certificates:download", args=[certificate.number, "png"]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, certificate) -> str:
        return self._url(reverse("certificates:download", args=[certificate.number, "pdf"]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, certificate) -> str:
        return absolute_url(queries.verify_path(certificate), self.context["request"])


# --- input ----------------------------------------------------------------------------------


class IssueSerializer(serializers.Serializer):
    agent = serializers.CharField(max_length=max_length_of(Agent, "public_id"),
                                  help_text="The agent's public id.")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=max_length_of(Certificate, "revoke_reason"))


# --- views ----------------------------------------------------------------------------------


def _context(request) -> dict:
    return {"request": request, "shop_name": queries.shop_name(),
            "today": timezone.localdate()}


def _certificate(number: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("agent"), number=number)


class ManagedView(GenericAPIView):
    permission_classes = [AreaPermission]
    area = "agents"
    serializer_class = CertificateSerializer

    def _answer(self, certificate, code=status.HTTP_200_OK) -> Response:
        return Response(CertificateSerializer(certificate, context=_context(self.request)).data,
                        status=code)


class CertificateListView(ManagedView):
    @extend_schema(operation_id="certificates_list", parameters=[
        OpenApiParameter("agent", str, description="Only this agent's (public id)."),
        OpenApiParameter("state", str, enum=[value for value, _label in State.CHOICES]),
    ], responses={200: CertificateSerializer(many=True), **ERRORS})
    def get(self, request):
        found = Certificate.objects.select_related("agent")
        if request.query_params.get("agent"):
            found = found.filter(agent__public_id=request.query_params["agent"])
        state = request.query_params.get("state")
        if state:
            in_state = queries.in_state(state)
            if in_state is None:
                raise InvalidInput(field="state")
            found = found.filter(in_state)
        page = self.paginate_queryset(found)
        data = CertificateSerializer(page, many=True, context=_context(request)).data
        return self.get_paginated_response(data)

    @extend_schema(operation_id="certificates_issue", request=IssueSerializer,
                   responses={201: CertificateSerializer, **ERRORS})
    def post(self, request):
        given = IssueSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        agent = Agent.objects.filter(public_id=given.validated_data["agent"]).first()
        if agent is None:
            raise InvalidInput(field="agent")
        return self._answer(services.issue(agent, actor=request.user),
                            status.HTTP_201_CREATED)


class RenewView(ManagedView):
    @extend_schema(operation_id="certificates_renew", request=None,
                   responses={201: CertificateSerializer, **ERRORS})
    def post(self, request, number):
        return self._answer(services.renew(_certificate(number), actor=request.user),
                            status.HTTP_201_CREATED)


class RevokeView(ManagedView):
    @extend_schema(operation_id="certificates_revoke", request=RevokeSerializer,
                   responses={200: CertificateSerializer, **ERRORS})
    def post(self, request, number):
        certificate = _certificate(number)
        given = RevokeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(services.revoke(certificate, actor=request.user,
                                                reason=given.validated_data["reason"]))


class MineView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CertificateSerializer
    pagination_class = None

    @extend_schema(operation_id="certificates_mine",
                   responses={200: CertificateSerializer(many=True), **ERRORS})
    def get(self, request):
        agent = agent_of(request.user)
        if agent is None:
            raise NotFound()
        found = agent.certificates.select_related("agent")
        return Response(CertificateSerializer(found, many=True, context=_context(request)).data)


class VerifyView(GenericAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicCertificateSerializer

    @extend_schema(operation_id="certificates_verify", auth=[],
                   responses={200: PublicCertificateSerializer, 404: ErrorSerializer})
    def get(self, request, number):
        certificate = queries.for_number(number)
        return Response(PublicCertificateSerializer(certificate,
                                                    context=_context(request)).data)


urlpatterns = [
    path("certificates/", CertificateListView.as_view(), name="certificates"),
    path("certificates/mine/", MineView.as_view(), name="certificates_mine"),
    path("certificates/<str:number>/renew/", RenewView.as_view(), name="certificates_renew"),
    path("certificates/<str:number>/revoke/", RevokeView.as_view(),
         name="certificates_revoke"),
    path("verify/<str:number>/", VerifyView.as_view(), name="certificates_verify"),
]

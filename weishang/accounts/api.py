"""API: log in for a token, and who am I."""

from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from weishang.core.errors import InvalidInput
from weishang.core.rest.errors import ErrorSerializer, refusals

from . import services
from .models import Area, Role, User


class LoginSerializer(serializers.Serializer):
    login = serializers.CharField(
        max_length=User._meta.get_field("username").max_length,
        help_text="Mobile number (e.g. 13812345678 or +86 138 1234 5678) or username.",
    )
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as the header `Authorization: Token <token>`.",
    )


class MeSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    areas = serializers.SerializerMethodField(help_text="Areas this user may manage.")

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "phone", "areas"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Area.choices)))
    def get_areas(self, user) -> list[str]:
        return [area for area in Area.values if user.can(area)]


class TokenView(APIView):
    """Exchange a mobile number or username and a password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="Log in and get an API token",
        description=(
            "Failed logins are limited per account and address, per address, and (with a "
            "growing wait) per account: while a limit holds the answer is 429 "
            "`too_many_attempts` with a Retry-After header, and the password is not checked. "
            "Returns the user's existing token if there is one."
        ),
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            403: ErrorSerializer,
            **refusals("Login", "invalid_credentials", "too_many_attempts"),
        },
    )
    def post(self, request):
        given = LoginSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        # The Django request: the login limits count this attempt by its client address.
        user = authenticate(
            request._request,
            username=given.validated_data["login"],
            password=given.validated_data["password"],
        )
        if user is None:
            raise InvalidInput(
                _("The account or the password is not right."), code="invalid_credentials"
            )
        return Response({"token": services.api_token_for(user)})


class MeView(APIView):
    """The logged-in user."""

    @extend_schema(operation_id="me_retrieve", tags=["auth"], responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth_token"),
    path("me/", MeView.as_view(), name="me"),
]

"""The API's front door, /api/v1/: what it is and where its schema and docs are."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class RootSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.URLField(help_text="The OpenAPI schema of every endpoint.")
    docs = serializers.URLField(help_text="Interactive documentation.")


class RootView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="api_root", tags=["api"], responses={200: RootSerializer},
                   summary="Where the schema and the docs are")
    def get(self, request):
        return Response({
            "name": "Weishang API",
            "version": "1",
            "schema": request.build_absolute_uri(reverse("api:schema")),
            "docs": request.build_absolute_uri(reverse("api:docs")),
        })

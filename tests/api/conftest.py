"""The API as its clients see it: the OpenAPI schema, requests to the WSGI application
in-process (through schemathesis, which checks each answer against the schema) and a realistic
shop to send them about."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api import shop_world

#: What every answer must be: no 5xx, a status code, content type and body the schema documents.
CONFORMS = [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]


@pytest.fixture(scope="session")
def api_schema():
    """The schema /api/v1/schema/ serves, its operations called on the WSGI application."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def in_process(db):
    """Django closes the database connection around each request it handles; inside a test's
    transaction that would end the test (Django's test client does the same as this)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(owner):
    return shop_world.build(owner)


def token_headers(user) -> dict[str, str]:
    """The headers of ``user``'s API client; none for anonymous (None)."""
    return {"Authorization": f"Token {shop_world.token_of(user)}"} if user else {}

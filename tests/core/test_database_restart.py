"""After the database drops the connections (a restart, a failover), the next requests
reconnect: a kept connection is checked before it is used (CONN_HEALTH_CHECKS)."""

from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection

from tests.conftest import is_postgres

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="drops a PostgreSQL connection"),
]


def serve(path: str) -> int:
    """One request through the WSGI handler as a server runs it (the test client would skip
    the connection checks that servers do before and after each request)."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    status = []
    response = get_wsgi_application()(environ, lambda line, headers, *_: status.append(line))
    b"".join(response)
    response.close()
    return int(status[0].split()[0])


def drop_this_connection() -> None:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)",
                      [connection.connection.info.backend_pid])


def test_shop_pages_answer_after_the_database_dropped_the_connection(shop):
    shop_page = f"/s/{shop.code}/"
    assert serve(shop_page) == 200
    assert connection.connection is not None  # kept for the next request (DB_CONN_MAX_AGE)
    drop_this_connection()
    assert [serve(shop_page) for _request in range(3)] == [200, 200, 200]

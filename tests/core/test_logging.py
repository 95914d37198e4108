"""Logs: one line per request with its id, the id on every record of the request (errors
included), JSON lines on request, and errors reported to a Sentry-compatible server without
personal data."""

import copy
import gzip
import importlib
import io
import json
import logging
import logging.config
import re
import subprocess
import sys
import threading
import zlib
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.test_cli import STUCK_SECONDS, environment
from weishang.core.sentry import scrub

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@contextmanager
def captured(log_format: str):
    """Everything logged inside, as the settings' console handler writes it in ``log_format``:
    call the value for the text written so far."""
    config = copy.deepcopy(django_settings.LOGGING)
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"][log_format]))
    handler.addFilter(configurator.configure_filter(config["filters"]["request_id"]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream.getvalue
    finally:
        root.removeHandler(handler)


@pytest.fixture
def records():
    """The records logged during the test, as LOG_FORMAT=json writes them."""
    with captured("json") as written:
        yield lambda: [json.loads(line) for line in written().splitlines()]


def request_lines(records) -> list[dict]:
    return [record for record in records() if record["name"] == "weishang.requests"]


def test_one_line_per_request_with_who_asked_and_how_long_it_took(owner_client, owner, records):
    response = owner_client.get(reverse("console:home"))

    [line] = request_lines(records)
    assert response.status_code == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert line["levelname"] == "INFO" and line["timestamp"]
    assert {key: line[key] for key in ("method", "path", "status", "user_id", "client")} == {
        "method": "GET", "path": "/console/", "status": 200, "user_id": owner.pk,
        "client": "127.0.0.1"}
    assert line["duration_ms"] >= 0
    assert line["message"] == (f"GET /console/ 200 {line['duration_ms']}ms user={owner.pk} "
                               "client=127.0.0.1")
    assert owner.username not in json.dumps(line) and owner.phone not in json.dumps(line)


def test_an_api_client_is_logged_by_its_user_id(client, owner, records):
    token = Token.objects.create(user=owner)

    response = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert request_lines(records)[0]["user_id"] == owner.pk


def test_the_client_address_is_the_one_the_proxies_saw(client, settings, records):
    settings.PROXY_COUNT = 1

    client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="10.9.8.7, 203.0.113.9",
               REMOTE_ADDR="127.0.0.1")

    assert request_lines(records)[0]["client"] == "203.0.113.9"


@pytest.mark.parametrize("incoming", ["edge-7f3a9c.1_b", "A" * 64])
def test_a_sane_incoming_request_id_is_kept(client, incoming, records):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming
    assert request_lines(records)[0]["request_id"] == incoming


@pytest.mark.parametrize("incoming", ["", "short", "A" * 65, "has spaces in it",
                                      "id\r\nforged: header", "<script>alert(1)</script>",
                                      f"phone={PHONE}&x=1"])
def test_any_other_incoming_id_is_replaced_by_a_new_one(client, incoming, records):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=incoming)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert request_lines(records)[0]["request_id"] == response["X-Request-ID"]


def test_every_request_gets_an_id_of_its_own(client):
    ids = {client.get(reverse("healthz"))["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_errors_carry_their_traceback_and_the_request_id(client, settings, records):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client.raise_request_exception = False

    response = client.get("/broken/", HTTP_X_REQUEST_ID="req-00000001")

    assert response.status_code == 500
    error = next(record for record in records() if record["name"] == "django.request")
    assert error["levelname"] == "ERROR" and error["request_id"] == "req-00000001"
    assert error["message"] == "Internal Server Error: /broken/"
    assert "Traceback" in error["exc_info"] and "the database went away" in error["exc_info"]
    assert request_lines(records)[0]["status"] == 500


def test_django_logs_a_not_found_after_the_middleware_with_the_request_id_still(client, records):
    response = client.get("/no/such/page/", HTTP_X_REQUEST_ID="req-00000404")

    assert response.status_code == 404
    warning = next(record for record in records() if record["name"] == "django.request")
    assert warning["message"] == "Not Found: /no/such/page/"
    assert warning["request_id"] == "req-00000404"


def test_text_lines_carry_the_request_id_too(client, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client.raise_request_exception = False

    with captured("text") as logged:
        client.get("/broken/", HTTP_X_REQUEST_ID="req-00000002")

    text = logged()
    assert "ERROR django.request [req-00000002] Internal Server Error: /broken/" in text
    assert "Traceback" in text
    assert re.search(r"INFO weishang\.requests \[req-00000002\] GET /broken/ 500 [\d.]+ms "
                     r"user=- client=127\.0\.0\.1", text)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_query_string_and_no_personal_data_in_the_logs(client, settings, log_format):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client.raise_request_exception = False

    with captured(log_format) as logged:
        client.get(f"/no/such/page/?phone={PHONE}&name=张三")  # a 404, logged by Django too
        client.get(f"/courier/?phone={PHONE}")  # a 500

    text = logged()
    assert "/no/such/page/" in text and "/courier/" in text
    assert "phone=" not in text and "name=" not in text
    assert "张三" not in text and "\\u5f20" not in text
    # The error's own message names the number (tracebacks are kept whole), Django's record
    # of the request does not, nor does the request line.
    assert text.count(PHONE) == text.count(f"No courier reaches {PHONE}")


def test_a_path_cannot_forge_a_line_of_its_own(client):
    forged = "/x%0A2026-12-08 INFO weishang.requests [admin-0001] GET /console/ 200"

    with captured("text") as logged:
        client.get(forged)

    lines = logged().splitlines()
    assert len(lines) == 2  # the request line, and Django's "Not Found"
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", line) for line in lines)
    assert "GET /x%0A2026-12-08%20INFO%20weishang.requests%20%5Badmin-0001%5D" in lines[0]


def test_logging_requests_costs_no_query(owner, settings, django_assert_num_queries):
    """The request line reads the user only if the page did: pages cost what they did."""
    plain = Client()
    plain.force_login(owner)
    with override_settings(MIDDLEWARE=[name for name in settings.MIDDLEWARE
                                       if name != "weishang.core.logs.RequestLogMiddleware"]):
        plain.get("/")  # the middleware is loaded at the first request
    logged = Client()
    logged.force_login(owner)
    for url in (reverse("console:home"), reverse("healthz")):
        plain.get(url), logged.get(url)  # whatever a first visit caches
        with CaptureQueriesContext(connection) as queries:
            assert "X-Request-ID" not in plain.get(url)
        with django_assert_num_queries(len(queries)):
            assert "X-Request-ID" in logged.get(url)


# --- the real configuration, in a process of its own ----------------------------------------

#: A customer's checkout failing: the phone numbers, the name, a cookie and a token must stay
#: on this machine; the request id must travel.
FAILING_CHECKOUT = """
import io, json, sys
from urllib.parse import urlencode
from weishang.wsgi import application
import sentry_sdk
from django.test import override_settings

token = "csrf0123456789abcdefghijklmnopqr"  # a CSRF secret of the allowed 32 characters
body = urlencode({"phone": "13912345678", "name": "张三", "email": "zhang@example.com",
                  "csrfmiddlewaretoken": token}).encode()
environ = {
    "REQUEST_METHOD": "POST", "PATH_INFO": "/courier/", "wsgi.url_scheme": "http",
    "QUERY_STRING": "phone=13812345678&name=%E5%BC%A0%E4%B8%89",
    "SERVER_NAME": "testserver", "SERVER_PORT": "80", "REMOTE_ADDR": "203.0.113.9",
    "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)),
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "HTTP_HOST": "testserver", "HTTP_USER_AGENT": "MicroMessenger/8.0",
    "HTTP_X_REQUEST_ID": "checkout-4242", "HTTP_AUTHORIZATION": "Token token-secret-1",
    "HTTP_COOKIE": f"csrftoken={token}; sessionid=cookie-secret-1",
    "HTTP_REFERER": "https://shop.example.com/s/abc/?phone=13812345678",
}
answer = {}

def start_response(status, headers, exc_info=None):
    answer.update(status=int(status.split()[0]), request_id=dict(headers)["X-Request-ID"])

with override_settings(ROOT_URLCONF="tests.core.error_urls"):
    b"".join(application(environ, start_response))
print(json.dumps(answer))
sentry_sdk.flush(timeout=120)
"""
SECRETS = ("13812345678", "13912345678", "张三", "zhang@example.com", "cookie-secret-1",
           "token-secret-1", "csrf0123456789abcdefghijklmnopqr")


def run_failing_checkout(tmp_path, **env) -> tuple[dict, str]:
    """The answer to the failing checkout, and what the process logged."""
    variables = {name: value for name, value in environment(tmp_path / "data").items()
                 if "proxy" not in name.lower()}
    variables.update(env, DJANGO_SETTINGS_MODULE="weishang.settings", ALLOWED_HOSTS="testserver")
    result = subprocess.run([sys.executable, "-c", FAILING_CHECKOUT], env=variables,
                            capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_json_lines_from_the_environment(tmp_path):
    answer, logged = run_failing_checkout(tmp_path, LOG_FORMAT="json")

    records = [json.loads(line) for line in logged.splitlines()]
    assert answer == {"status": 500, "request_id": "checkout-4242"}
    error, line = (next(record for record in records if record["name"] == name)
                   for name in ("django.request", "weishang.requests"))
    assert error["request_id"] == line["request_id"] == "checkout-4242"
    assert "ValueError: No courier reaches" in error["exc_info"]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/courier/", 500)


def test_no_request_lines_with_log_requests_off(tmp_path):
    _answer, logged = run_failing_checkout(tmp_path, LOG_FORMAT="json", LOG_REQUESTS="0")

    names = {json.loads(line)["name"] for line in logged.splitlines()}
    assert "django.request" in names and "weishang.requests" not in names


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    variables = environment(tmp_path / "data")
    variables.update(DJANGO_SETTINGS_MODULE="weishang.settings", LOG_FORMAT="xml")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            env=variables, capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert result.returncode == 1
    assert "LOG_FORMAT='xml': choose text or json" in result.stderr


def test_a_report_keeps_the_user_id_only_and_blots_out_numbers_and_addresses():
    event = {
        "user": {"id": "7", "email": "zhang@example.com", "username": "张三"},
        "extra": {"request": f"<WSGIRequest: GET '/s/abc/?phone={PHONE}'>"},
        "breadcrumbs": {"values": [
            {"message": "Called +86 139 1234 5678 about 138****5678", "data": {"name": "张三"}}]},
        "logentry": {"message": "Order for %s", "params": ["zhang@example.com"]},
    }

    assert scrub(event) == {
        "user": {"id": "7"},
        "breadcrumbs": {"values": [{"message": "Called [phone] about 138****5678"}]},
        "logentry": {"message": "Order for %s", "params": ["[email]"]},
    }


class SentryStandIn(BaseHTTPRequestHandler):
    """Records the envelopes posted to /api/<project>/envelope/, as Sentry or GlitchTip would
    receive them."""

    received: list[tuple[str, bytes]]
    decoders = {"gzip": gzip.decompress, "deflate": zlib.decompress, "": bytes,
                "br": lambda data: importlib.import_module("brotli").decompress(data)}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        body = self.decoders[self.headers.get("Content-Encoding", "")](body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStandIn)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def envelope_items(body: bytes) -> list[tuple[dict, dict]]:
    """The (header, payload) of each item of an envelope: a header line, then per item a
    header line and its payload (``length`` bytes, else up to the next newline)."""
    _envelope_header, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[:header["length"]], rest[header["length"] + 1:]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((header, json.loads(payload)))
    return items


def test_errors_reach_sentry_with_the_request_id_and_nothing_personal(tmp_path, sentry_server):
    port = sentry_server.server_address[1]

    answer, _logged = run_failing_checkout(
        tmp_path, SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/7", SENTRY_ENVIRONMENT="ci")

    assert {path for path, _body in sentry_server.received} == {"/api/7/envelope/"}
    events = [payload for _path, body in sentry_server.received
              for header, payload in envelope_items(body) if header["type"] == "event"]
    assert events, "no event reached the server"
    for event in events:
        assert event["tags"]["request_id"] == answer["request_id"] == "checkout-4242"
        assert event["environment"] == "ci"
        sent = json.dumps(event, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in sent
    [error] = [event for event in events if "exception" in event]
    [exception] = error["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ValueError", "No courier reaches [phone]")
    assert error["request"]["method"] == "POST"
    assert error["request"]["url"] == "http://testserver/courier/"
    assert error["request"]["headers"] == {
        "Host": "testserver", "User-Agent": "MicroMessenger/8.0", "X-Request-Id": "checkout-4242",
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": error["request"]["headers"]["Content-Length"]}
    assert "user" not in error and "extra" not in error
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])

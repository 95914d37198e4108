"""The production stack, from a fresh install, run from the files of deploy/ (issue 16).

A fresh virtual environment gets Weishang installed as a user installs it (not editable, so
the package data is proved); PostgreSQL (a scratch database) and Redis (db 7) hold the data;
gunicorn with 2 workers, a Celery worker and beat start with the command lines and the
environment of the systemd units and deploy/weishang.env.example, behind nginx with
deploy/nginx/weishang.conf over HTTPS. Then, over HTTP as the owner's API and a customer's
browser would: an order left unpaid is cancelled by the worker and its stock comes back; an
order paid and shipped is completed by the worker; a backup is taken with the backup unit's
command, the database dropped and created empty, the backup restored, and the orders are back;
every process stops cleanly on SIGTERM.

Run: ``pytest tests/stack --stack -n 0`` (a few minutes). Logs of every process stay in
test-results/stack/ and their tails are printed when the test fails.
"""

import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from tests.deployment import (
    ENV_EXAMPLE,
    NGINX_SITE,
    ROOT,
    VENV,
    command_line,
    read_env_file,
    read_unit,
    unit_environment,
)
from tests.stack.harness import Processes, StackFailure, wait_until

pytestmark = pytest.mark.stack

PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
REDIS_URL = "redis://127.0.0.1:6379/7"
PASSWORD = "Stack-test-pw-1"
#: The variables the test sets for this machine; every other one comes from the example.
LOCAL = ("WEISHANG_HOME", "DATABASE_URL", "REDIS_URL", "SITE_URL", "ALLOWED_HOSTS",
         "CSRF_TRUSTED_ORIGINS")
ADDRESS = {"name": "张三", "province": "广东省", "city": "深圳市", "district": "南山区",
           "street": "粤海街道科技园南区8栋"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def replace(text: str, old: str, new: str) -> str:
    """``old`` must be there: the test breaks when deploy/ changes shape, not silently."""
    if old not in text:
        raise StackFailure(f"{old!r} is no longer in the deploy file")
    return text.replace(old, new)


class Stack:
    """One run's folders, ports, database and processes."""

    def __init__(self, tmp: Path, logs: Path):
        self.tmp, self.logs = tmp, logs
        self.home = tmp / "srv"  # WEISHANG_HOME
        self.work = tmp / "work"  # the processes' working folder: must stay empty
        self.venv = tmp / "venv"
        self.database = f"ws_stack_{secrets.token_hex(4)}"
        self.web_port, self.http_port, self.https_port = free_port(), free_port(), free_port()
        self.site = f"https://localhost:{self.https_port}"
        for folder in (self.home, self.work, logs):
            folder.mkdir(parents=True, exist_ok=True)
        self.environment = self._environment()
        self.processes = Processes(logs, self.environment, self.work)

    def _environment(self) -> dict[str, str]:
        example = read_env_file(ENV_EXAMPLE)
        missing = set(LOCAL) - set(example)
        assert not missing, f"deploy/weishang.env.example lacks {missing}"
        return {
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",
            "HOME": str(self.tmp), "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1",
            **example,
            "WEISHANG_HOME": str(self.home),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "REDIS_URL": REDIS_URL,
            "SITE_URL": self.site,
            "ALLOWED_HOSTS": "localhost",
            "CSRF_TRUSTED_ORIGINS": self.site,
            "WEISHANG_WORKERS": "2",  # the gunicorn with 2 workers
        }

    # --- the units ------------------------------------------------------------------------

    def _localized(self, argv: list[str]) -> list[str]:
        argv = [arg.replace(VENV, str(self.venv)).replace("/srv/weishang", str(self.home))
                for arg in argv]
        if "--port" in argv:
            argv[argv.index("--port") + 1] = str(self.web_port)
        return argv

    def unit_command(self, unit_name: str, key: str = "ExecStart") -> tuple[list[str], dict]:
        """A command line of a unit, for this machine, and the variables the unit adds."""
        unit = read_unit(unit_name)
        (line,) = unit[f"Service.{key}"]
        added = {name: self._localized([value])[0]
                 for name, value in unit_environment(unit).items()}
        return self._localized(command_line(line, {**self.environment, **added})), added

    def start_unit(self, name: str) -> None:
        argv, added = self.unit_command(f"weishang-{name}.service")
        assert not added, "the long-running units take their variables from the env file"
        self.processes.start(name, argv)

    def weishang(self, *args: str, expect: int = 0) -> str:
        return self.processes.run(args[0], [str(self.venv / "bin" / "weishang"), *args],
                                  expect=expect)

    # --- nginx ----------------------------------------------------------------------------

    def start_nginx(self) -> None:
        prefix = self.tmp / "nginx"
        (prefix / "temp").mkdir(parents=True)
        cert, key = prefix / "cert.pem", prefix / "key.pem"
        self.processes.run("openssl", [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert)])
        self.certificate = cert
        site = NGINX_SITE.read_text()
        site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.MULTILINE)
        for old, new in [
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl"),
            ("/etc/letsencrypt/live/shop.example.com/fullchain.pem", str(cert)),
            ("/etc/letsencrypt/live/shop.example.com/privkey.pem", str(key)),
            ("/srv/weishang/", f"{self.home}/"),
            ("server 127.0.0.1:8000", f"server 127.0.0.1:{self.web_port}"),
        ]:
            site = replace(site, old, new)
        (prefix / "weishang.conf").write_text(site)
        temp = prefix / "temp"
        (prefix / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {self.logs}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.logs}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/weishang.conf;
}}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = ["-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        self.processes.run("nginx-t", [nginx, *conf, "-t"])
        self.processes.start("nginx", [nginx, *conf, "-g", "daemon off;"])

    # --- HTTP -----------------------------------------------------------------------------

    def browser(self) -> requests.Session:
        """A client of the shop over HTTPS, trusting the run's certificate only."""
        session = plain_client()
        session.verify = str(self.certificate)
        return session

    def url(self, path: str) -> str:
        return f"{self.site}{path}"


def plain_client() -> requests.Session:
    """A client that ignores the environment's CA bundle and proxies: everything here is on
    this machine (requests would let REQUESTS_CA_BUNDLE override the session's ``verify``)."""
    session = requests.Session()
    session.trust_env = False
    return session


def _pg(*command: str, database: str = "") -> None:
    argv = [command[0], *PG, *command[1:]]
    if database:
        argv.append(database)
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


@pytest.fixture
def stack():
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (apt-get install nginx)")
    logs = ROOT / "test-results" / "stack"
    shutil.rmtree(logs, ignore_errors=True)
    # A folder of its own, not pytest's tmp_path: other pytest sessions of the same user
    # prune old ones, and this run outlives several of them.
    tmp = Path(tempfile.mkdtemp(prefix="weishang-stack-"))
    run = Stack(tmp, logs)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    _pg("createdb", database=run.database)
    try:
        yield run
    finally:
        run.processes.kill_all()
        _pg("dropdb", "--if-exists", database=run.database)
        shutil.rmtree(tmp, ignore_errors=True)
        print(run.processes.tails())  # shown by pytest when the test failed


# --- the steps ------------------------------------------------------------------------------


def install(stack: Stack) -> None:
    """A fresh virtual environment with Weishang installed from the checkout, not editable."""
    stack.processes.step("install")
    # What a release holds, copied: pip builds in the source folder (build/, *.egg-info), and
    # what an earlier build left there must not find its way into this install.
    source = stack.tmp / "source"
    shutil.copytree(ROOT / "weishang", source / "weishang",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    stack.processes.run("venv", [sys.executable, "-m", "venv", str(stack.venv)])
    stack.processes.run("pip-install", [str(stack.venv / "bin" / "pip"), "install",
                                        "--quiet", "--disable-pip-version-check", str(source)])


def set_up(stack: Stack) -> None:
    """The README's order: nothing works before `weishang migrate`."""
    stack.processes.step("set up")
    refused = stack.weishang("createowner", "--no-input", "--username", "owner",
                             "--phone", "13800000000", "--password", PASSWORD, expect=1)
    assert "weishang migrate" in refused and "Traceback" not in refused
    stack.weishang("migrate")
    stack.weishang("createowner", "--no-input", "--username", "owner",
                   "--phone", "13800000000", "--password", PASSWORD)
    stack.weishang("collectstatic", "--noinput")
    deploy_check = stack.weishang("check", "--deploy")
    assert "WARNING" not in deploy_check and "no issues" in deploy_check, deploy_check


def start(stack: Stack) -> None:
    stack.processes.step("start web, worker and beat")
    for name in ("web", "worker", "beat"):
        stack.start_unit(name)
    # As a monitor on the machine asks: gunicorn directly, with the shop's host name.
    wait_until(lambda: plain_client().get(f"http://127.0.0.1:{stack.web_port}/healthz",
                                          headers={"Host": "localhost"}, timeout=10).ok,
               "gunicorn to answer /healthz", stack.processes)


class Owner:
    """The shop owner, through the REST API with a token."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.http = stack.browser()
        answer = self.http.post(stack.url("/api/v1/auth/token/"),
                                json={"login": "owner", "password": PASSWORD}, timeout=30)
        assert answer.status_code == 200, answer.text
        self.http.headers["Authorization"] = f"Token {answer.json()['token']}"

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> dict:
        answer = self.http.request(method, self.stack.url(f"/api/v1/{path}"), timeout=30,
                                   **kwargs)
        assert answer.status_code == expect, f"{method} {path}: {answer.text}"
        return answer.json() if answer.content else {}

    def product_in_stock(self, quantity: int) -> tuple[str, str]:
        """A product on shelf, with a picture and one variant of ``quantity`` units:
        (product, variant)."""
        product = self.call("POST", "products/", 201, json={
            "title": "乌龙茶", "variants": [{"retail_price": "88.00"}]})
        self.call("POST", f"products/{product['id']}/images/", 201,
                  files={"image": ("tea.png", picture(), "image/png")})
        self.call("POST", f"products/{product['id']}/shelf/", json={"on_shelf": True})
        variant = product["variants"][0]["id"]
        self.call("POST", "stock-adjustments/", 201,
                  json={"variant": variant, "set_quantity": quantity})
        return product["id"], variant

    def picture_path(self, product: str) -> str:
        """Where the product's picture is (nginx serves it from MEDIA_ROOT)."""
        url = self.call("GET", f"products/{product}/")["images"][0]["url"]
        return urlsplit(url).path

    def stock(self, variant: str) -> int:
        return self.call("GET", f"stock-levels/?variant={variant}")["results"][0]["quantity"]

    def order_of(self, phone: str) -> dict:
        (order,) = self.call("GET", f"orders/?search={phone}")["results"]
        return order

    def state(self, number: str) -> str:
        return self.call("GET", f"orders/{number}/")["state"]


def picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "seagreen").save(buffer, "PNG")
    return buffer.getvalue()


def served_by_nginx(stack: Stack, path: str) -> requests.Response:
    """A file nginx serves from the data folder (gunicorn never sees it)."""
    answer = stack.browser().get(stack.url(path), timeout=30)
    assert answer.status_code == 200, f"{path}: {answer.status_code}"
    log = (stack.logs / "web.log").read_text()
    assert f'"GET {path} ' not in log, f"{path} went to gunicorn"
    return answer


def customer_checkout(stack: Stack, product: str, variant: str, phone: str) -> None:
    """A customer's browser: the shop from `/`, the product, the cart, the checkout form (CSRF
    token and idempotency key from the pages), redirected to the order's page."""
    browser = stack.browser()
    shop = browser.get(stack.url("/"), allow_redirects=False, timeout=30)
    assert shop.status_code == 302, shop.text
    shop_path = shop.headers["Location"]  # /s/<code>/
    page = browser.get(stack.url(f"{shop_path}p/{product}/"), timeout=30)
    assert page.status_code == 200 and "乌龙茶" in page.text
    stylesheet = re.search(r'href="(/static/weishang/weishang\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links the hashed stylesheet (collectstatic's manifest)"
    cached = served_by_nginx(stack, stylesheet[1])
    assert "immutable" in cached.headers["Cache-Control"]
    form = {"csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    origin = {"Origin": stack.site}
    added = browser.post(stack.url(f"{shop_path}cart/add/"), headers=origin, timeout=30,
                         data={**form, "variant": variant, "quantity": "2",
                               "product": product})
    assert added.status_code == 200, added.text
    checkout = browser.get(stack.url(f"{shop_path}checkout/"), timeout=30)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', checkout.text)
    assert checkout.status_code == 200 and key, checkout.text
    placed = browser.post(stack.url(f"{shop_path}checkout/"), headers=origin, timeout=30,
                          allow_redirects=False,
                          data={**form, **ADDRESS, "phone": phone, "action": "place",
                                "idempotency_key": key[1]})
    assert placed.status_code == 302 and placed.headers["Location"].startswith("/orders/"), (
        placed.text)


def move_back(stack: Stack, column: str, number: str, interval: str) -> None:
    """Time passes for one order: its ``column`` moves back by ``interval`` (SQL)."""
    _pg("psql", "-v", "ON_ERROR_STOP=1", "-c",
        f"UPDATE orders_order SET {column} = now() - interval '{interval}' "
        f"WHERE number = '{number}'", database=stack.database)


def deep_health(stack: Stack) -> dict | None:
    answer = stack.browser().get(stack.url("/healthz?deep=1"), timeout=30)
    return answer.json() if answer.status_code == 200 else None


def backup(stack: Stack) -> Path:
    """The backup unit's commands, as its timer starts them."""
    for key in ("ExecStartPre", "ExecStart", "ExecStartPost"):
        argv, added = stack.unit_command("weishang-backup.service", key)
        stack.processes.run(f"backup-{key}", argv, environment=added)
    (archive,) = (stack.home / "backups").glob("weishang-*.tar.gz")
    return archive


def stop(stack: Stack, *names: str) -> None:
    for name in names:
        code = stack.processes.stop(name, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        assert code == 0, f"{name} exited with {code} on SIGTERM"


def test_the_shop_runs_from_deploy_files_on_a_fresh_install(stack):
    install(stack)
    set_up(stack)
    start(stack)
    wait_until(lambda: (stack.logs / "web.log").read_text().count("Booting worker") == 2,
               "gunicorn's 2 workers", stack.processes)
    stack.start_nginx()
    wait_until(lambda: stack.browser().get(stack.url("/healthz"), timeout=10).ok,
               "nginx to pass /healthz on", stack.processes)
    plain = plain_client().get(f"http://127.0.0.1:{stack.http_port}/s/",
                               allow_redirects=False, timeout=30)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

    stack.processes.step("the owner sets up a product")
    owner = Owner(stack)
    owner.call("PATCH", "orders/settings/", json={"unpaid_expiry_minutes": 5})
    product, variant = owner.product_in_stock(10)
    picture_path = owner.picture_path(product)
    assert served_by_nginx(stack, picture_path).headers["Content-Type"] == "image/png"

    stack.processes.step("an unpaid order expires")
    # Left unpaid: once its payment time has passed (5 minutes is the shortest the owner may
    # set, so the deadline is moved back), beat's minute job has the worker cancel it.
    customer_checkout(stack, product, variant, "13900000001")
    unpaid = owner.order_of("13900000001")["number"]
    assert owner.stock(variant) == 8
    move_back(stack, "expires_at", unpaid, "1 second")
    wait_until(lambda: owner.state(unpaid) == "cancelled",
               "the worker to cancel the unpaid order", stack.processes, every=2)
    assert owner.stock(variant) == 10

    stack.processes.step("a shipped order completes")
    # Paid and shipped: once shipped long enough ago, the worker completes it.
    customer_checkout(stack, product, variant, "13900000002")
    shipped = owner.order_of("13900000002")["number"]
    owner.call("POST", f"orders/{shipped}/confirm-payment/", json={"reference": "8123"})
    owner.call("POST", f"orders/{shipped}/ship/",
               json={"carrier": "SF", "tracking_number": "SF1234567890123"})
    move_back(stack, "shipped_at", shipped, "11 days")
    stack.weishang("runjobs", "--on-workers", "complete_shipped_orders")
    wait_until(lambda: owner.state(shipped) == "completed",
               "the worker to complete the shipped order", stack.processes, every=1)

    stack.processes.step("deep health")
    health = wait_until(lambda: deep_health(stack), "/healthz?deep=1 to be ok",
                        stack.processes, every=2)
    assert health["status"] == "ok" and health["worker"]["ok"], health

    stack.processes.step("backup and restore")
    # Backup; an empty database and no media; restore: orders, stock and picture are back.
    archive = backup(stack)
    assert archive.stat().st_mode & 0o077 == 0, "the archive is readable by its owner only"
    stop(stack, "web", "worker", "beat")
    _pg("dropdb", database=stack.database)
    _pg("createdb", database=stack.database)
    shutil.rmtree(stack.home / "media")
    stack.weishang("restore", str(archive))
    start(stack)
    assert (owner.state(unpaid), owner.state(shipped)) == ("cancelled", "completed")
    assert owner.stock(variant) == 8
    served_by_nginx(stack, picture_path)

    stack.processes.step("stop")
    stop(stack, "nginx", "web", "worker", "beat")
    assert not list(stack.work.iterdir()), "nothing is left in the working folder"
    assert list(stack.home.glob("celerybeat-schedule*")), "beat keeps its schedule in the home"
    stack.processes.step("done")

"""The `weishang` command, run as a user would: in a subprocess, with its own data folder."""

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import weishang
from weishang.demo import PRODUCTS

# Only a stuck command waits this long: the demo's first start migrates and builds the shop,
# half a minute on an idle machine and minutes on a busy one. No test measures speed.
STUCK_SECONDS = 600


def weishang_command() -> list[str]:
    """The installed console script when there is one, else the same entry point via -m."""
    script = shutil.which("weishang")
    return [script] if script else [sys.executable, "-m", "weishang"]


def environment(home: Path) -> dict[str, str]:
    """A user's environment: a fresh data folder, the embedded defaults (no database URL)."""
    env = {name: value for name, value in os.environ.items()
           if name not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG",
                           # set while the browser tests of the same worker run (Playwright)
                           "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["WEISHANG_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str) -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=STUCK_SECONDS) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize("asked", [["--help"], ["help"], []], ids=["--help", "help", "bare"])
def test_help_lists_the_commands(tmp_path, asked):
    result = subprocess.run([*weishang_command(), *asked], env=environment(tmp_path),
                            capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("Available subcommands:")[-1].split()
    for command in ("demo", "serve", "migrate", "createowner", "resetpassword", "unlock"):
        assert command in listed


def test_help_on_weishangs_own_commands(tmp_path, capsys):
    from weishang.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["help", "demo"])
    assert exited.value.code == 0
    assert "usage: weishang demo" in capsys.readouterr().out
    main(["help", "--commands"])
    commands = capsys.readouterr().out.split()
    assert {"demo", "serve", "migrate"} <= set(commands) and commands == sorted(commands)


def test_python_m_weishang_check_passes(tmp_path):
    result = subprocess.run([sys.executable, "-m", "weishang", "check"],
                            env=environment(tmp_path), capture_output=True, text=True,
                            timeout=STUCK_SECONDS)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def wait_until_serving(process: subprocess.Popen, base: str, log: Path) -> None:
    """Until ``process`` (its output in ``log``) answers 200 on ``base``/healthz."""
    deadline = time.monotonic() + STUCK_SECONDS
    while True:
        assert process.poll() is None, f"the server stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"the server did not start:\n{log.read_text()}"
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)


def run_demo(home: Path) -> str:
    """Start `weishang demo`, check the shop while it serves, stop it; return what it printed."""
    port = free_port()
    log = home.parent / f"demo-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*weishang_command(), "demo", "--port", str(port)], env=environment(home),
            stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, base, log)
        status, headers, _page = fetch(f"{base}/")
        assert status == 302 and headers["Location"].startswith("/s/"), "to the owner's shop"
        status, _headers, shop = fetch(base + headers["Location"])
        assert status == 200
        assert PRODUCTS[0].title in shop and PRODUCTS[-1].title in shop

        status, headers, _page = fetch(f"{base}/console/")
        assert status == 302 and headers["Location"].startswith("/accounts/login/")
    finally:
        process.terminate()
        process.wait(timeout=STUCK_SECONDS)
    return log.read_text()


def product_count(home: Path) -> int:
    with sqlite3.connect(home / "weishang.sqlite3") as database:
        return database.execute("SELECT COUNT(*) FROM catalog_product").fetchone()[0]


def printed_login(output: str) -> tuple[str, str]:
    login = re.search(r"login:\s+(\S+)", output).group(1)
    password = re.search(r"password:\s+(\S+)", output).group(1)
    return login, password


def test_demo_serves_the_shop_and_keeps_its_data(tmp_path):
    home = tmp_path / "weishang-data"

    first = run_demo(home)
    secret_key = (home / "secret_key").read_text()
    products = product_count(home)
    second = run_demo(home)

    assert products >= 12 and product_count(home) == products
    # The first start says what takes its half minute; later starts have nothing to load.
    steps = [first.index(step) for step in ("Preparing the database", "Creating the demo shop",
                                            "agents, their cloud stock", "login:")]
    assert steps == sorted(steps)
    assert "Creating the demo shop" not in second
    assert printed_login(first) == printed_login(second)
    assert printed_login(first)[0] == "owner"
    assert printed_login(first)[1] in (home / "demo-login.txt").read_text()
    assert (home / "secret_key").read_text() == secret_key, "the secret key is made once"
    assert len(secret_key) >= 50

    check = subprocess.run([*weishang_command(), "check"], env=environment(home),
                           capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert check.returncode == 0, check.stderr  # the settings, and the demo's stock ledger


OWN_COMMANDS = sorted(
    (path.parents[2].name, path.stem)
    for path in Path(weishang.__file__).parent.glob("*/management/commands/*.py")
    if not path.stem.startswith("_")
)


@pytest.mark.parametrize(("app", "name"), OWN_COMMANDS, ids=[name for _app, name in OWN_COMMANDS])
def test_every_command_explains_itself(app, name):
    from django.core.management import load_command_class

    usage = load_command_class(f"weishang.{app}", name).create_parser("weishang", name)
    assert f"weishang {name}" in usage.format_help()

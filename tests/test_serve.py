"""Running it for real, as an operator would: `weishang serve` (gunicorn), `weishang worker` and
`weishang beat` (Celery), each in a subprocess with its own data folder; and what refuses to run
before `weishang migrate`."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_cli import (
    STUCK_SECONDS,
    environment,
    fetch,
    free_port,
    wait_until_serving,
    weishang_command,
)

REDIS_URL = "redis://127.0.0.1:6379/5"


def weishang(home: Path, *arguments: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([*weishang_command(), *arguments], env={**environment(home), **env},
                          capture_output=True, text=True, timeout=STUCK_SECONDS)


def start(home: Path, log: Path, *arguments: str, **env) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen([*weishang_command(), *arguments],
                                env={**environment(home), **env}, cwd=log.parent,
                                stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> int:
    """SIGTERM, as systemd and docker stop a service; its exit status."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=STUCK_SECONDS)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("arguments", [
    ["serve"],
    ["createowner", "--no-input", "--username", "boss", "--phone", "13800000001"],
    ["unlock", "boss"],
    ["runjobs"],
], ids=lambda arguments: arguments[0])
def test_commands_that_need_the_database_refuse_before_migrate(tmp_path, arguments):
    result = weishang(tmp_path, *arguments)
    assert result.returncode == 1
    assert "`weishang migrate`" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_worker_and_beat_need_redis(tmp_path, command):
    result = weishang(tmp_path, command)
    assert result.returncode == 1
    assert "REDIS_URL" in result.stderr and "Traceback" not in result.stderr
    helped = weishang(tmp_path, "help", command)  # celery's own options, Redis or not
    assert helped.returncode == 0 and "--loglevel" in helped.stdout


def test_a_production_start(tmp_path):
    """collectstatic, then serve --migrate: gunicorn with the workers asked for, hashed and
    compressed static files, one access log (the request lines); SIGHUP replaces the workers,
    SIGTERM stops it all."""
    home = tmp_path / "home"
    collected = weishang(home, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    static = home / "static" / "weishang"
    assert list(static.glob("weishang.*.css.gz")) and list(static.glob("weishang.*.css.br"))

    port, log = free_port(), tmp_path / "serve.log"
    server = start(home, log, "serve", "--migrate", "--port", str(port), "--workers", "2",
                   "--threads", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, base, log)
        workers = children(server.pid)
        assert len(workers) == 2
        server.send_signal(signal.SIGHUP)  # a graceful reload: new workers for the old
        wait_for(lambda: len(children(server.pid)) == 2
                 and not set(children(server.pid)) & set(workers), server, log)
        wait_until_serving(server, base, log)
        status, headers, page = fetch(f"{base}/accounts/login/")
        assert status == 200 and headers["Server"] == "gunicorn"
        css = re.search(r'/static/weishang/weishang\.[0-9a-f]{12}\.css', page).group()
        status, headers, _css = fetch(base + css)
        assert status == 200 and "immutable" in headers["Cache-Control"]
    finally:
        stopped = stop(server)
    assert stopped == 0
    assert children(server.pid) == []
    output = log.read_text()
    assert "No owner account yet" in output
    assert re.search(r"GET /healthz 200 [\d.]+ms", output), output  # the access log, once
    assert "GET /healthz HTTP/1.1" not in output

    # Migrated once, for every command after it.
    created = weishang(home, "createowner", "--no-input", "--username", "boss", "--phone",
                       "13800000001", "--password", "a long Pa55word here")
    assert created.returncode == 0, created.stderr


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=5).close()
    except OSError:
        return False
    return True


def wait_for(condition, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STUCK_SECONDS
    while not condition():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis at 127.0.0.1:6379")
def test_worker_and_beat_start_with_redis_and_beat_keeps_its_schedule_in_the_home(tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    worker_log, beat_log = work / "worker.log", work / "beat.log"
    worker = start(home, worker_log, "worker", "--concurrency", "1", "--loglevel", "info",
                   REDIS_URL=REDIS_URL)
    beat = start(home, beat_log, "beat", "--loglevel", "info", REDIS_URL=REDIS_URL)
    try:
        wait_for(lambda: "ready." in worker_log.read_text(), worker, worker_log)
        wait_for(lambda: list(home.glob("celerybeat-schedule*")), beat, beat_log)
    finally:
        stopped = stop(worker), stop(beat)
    assert stopped == (0, 0)
    assert "weishang.core.tasks.run_job" in worker_log.read_text()
    assert sorted(os.listdir(work)) == ["beat.log", "worker.log"]  # nothing in the work folder

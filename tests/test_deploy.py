"""deploy/ and compose.yaml: each service runs a real `weishang` command, with variables the
shop reads, writing only to its data folder. The stack test (tests/stack) runs the units and
the nginx site; no Docker engine runs here, so compose.yaml is checked as a file."""

import os
import re
import shutil
import subprocess

import pytest
import yaml
from django.core.management import get_commands

from tests.deployment import (
    COMPOSE,
    NGINX_SITE,
    ROOT,
    UNITS,
    VENV,
    command_line,
    commented_env_names,
    read_env_file,
    read_unit,
    unit_environment,
)
from weishang.__main__ import OWN_COMMANDS
from weishang.customers.imports.rows import MAX_FILE_BYTES as CUSTOMER_IMPORT_BYTES
from weishang.orders.bulk.files import MAX_FILE_BYTES as SHIPPING_IMPORT_BYTES

SERVICES = {"weishang-web.service": "serve", "weishang-worker.service": "worker",
            "weishang-beat.service": "beat", "weishang-backup.service": "backup"}
HOME = read_env_file()["WEISHANG_HOME"]


def weishang_commands() -> set[str]:
    return {*get_commands(), *OWN_COMMANDS}


def known_variables() -> str:
    """What the shop reads: the code and the README's configuration."""
    sources = [path.read_text() for path in (ROOT / "weishang").rglob("*.py")]
    return "\n".join([*sources, (ROOT / "README.md").read_text()])


def exec_start(unit: dict) -> list[str]:
    (line,) = unit["Service.ExecStart"]
    words = command_line(line, {"BACKUP_DIR": "/backups", **unit_environment(unit)})
    if words[:2] == ["/bin/sh", "-c"]:  # the backup's file name is made by the shell
        words = words[2].split()[1:]  # after `exec`
    return words


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_runs_a_weishang_command_as_the_unprivileged_user(name):
    unit = read_unit(name)
    command = exec_start(unit)

    assert command[0] == f"{VENV}/bin/weishang" and command[1] == SERVICES[name]
    assert command[1] in weishang_commands()
    assert unit["Service.User"] == ["weishang"] and unit["Service.Group"] == ["weishang"]
    assert unit["Service.EnvironmentFile"] == ["/etc/weishang/weishang.env"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_may_write_to_the_data_folder_only(name):
    unit = read_unit(name)

    assert unit["Service.ReadWritePaths"] == [HOME]
    assert unit["Service.ProtectSystem"] == ["strict"]
    for setting in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert unit[f"Service.{setting}"] == ["yes"], setting


@pytest.mark.parametrize("name", ["weishang-web.service", "weishang-worker.service",
                                  "weishang-beat.service"])
def test_the_services_restart_after_a_failure_and_stop_gracefully(name):
    unit = read_unit(name)

    assert unit["Service.Restart"] == ["on-failure"]
    assert unit["Service.KillSignal"] == ["SIGTERM"] and unit["Service.KillMode"] == ["mixed"]
    assert int(unit["Service.TimeoutStopSec"][0]) >= 30


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_reads_every_unit_without_a_complaint(tmp_path):
    """`systemd-analyze verify` knows every key; only the installation it points at is missing
    on this machine."""
    for unit in UNITS.iterdir():
        shutil.copy(unit, tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(unit) for unit in
                                                         tmp_path.iterdir())],
        capture_output=True, text=True, timeout=120)

    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if f"Command {VENV}/bin/weishang is not executable" not in line]
    assert not complaints, complaints  # (its exit status is 1 for the missing installation)


def test_no_server_migrates_on_start():
    """Several servers starting at once must not migrate at once: `weishang migrate` is a step
    of its own (the README's)."""
    for name in SERVICES:
        unit = "\n".join(" ".join(values) for values in read_unit(name).values())
        assert "migrate" not in unit, name


def test_the_web_server_reloads_gracefully():
    assert read_unit("weishang-web.service")["Service.ExecReload"] == ["/bin/kill -HUP $MAINPID"]


def test_backups_are_daily_and_private():
    service, timer = read_unit("weishang-backup.service"), read_unit("weishang-backup.timer")

    assert timer["Timer.OnCalendar"] and timer["Timer.Persistent"] == ["yes"]
    assert service["Service.Type"] == ["oneshot"] and service["Service.UMask"] == ["0077"]
    assert unit_environment(service)["BACKUP_DIR"].startswith(f"{HOME}/")


def test_backups_are_kept_for_keep_days(tmp_path):
    """The backup unit's pruning, run on archives of several ages."""
    service = read_unit("weishang-backup.service")
    environment = {**unit_environment(service), "BACKUP_DIR": str(tmp_path)}
    ages = {"weishang-a.tar.gz": 1, "weishang-b.tar.gz": 13.5, "weishang-c.tar.gz": 14.5,
            "weishang-d.tar.gz": 30, "not-a-backup.tar.gz": 30}
    for name, days in ages.items():
        archive = tmp_path / name
        archive.write_bytes(b"")
        # Ages on the machine's clock, which `find` reads: the file system stamps a new file
        # with it, while time.time() may be pinned (pytest --clock).
        moment = archive.stat().st_mtime - days * 86400
        os.utime(archive, (moment, moment))

    (prune,) = service["Service.ExecStartPost"]
    subprocess.run(command_line(prune, environment), env={**os.environ, **environment},
                   check=True, timeout=60)

    assert environment["KEEP_DAYS"] == "14"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "not-a-backup.tar.gz", "weishang-a.tar.gz", "weishang-b.tar.gz"]


def test_the_env_example_names_only_variables_the_shop_reads():
    names = {*read_env_file(), *commented_env_names()}
    known = known_variables()

    assert {"WEISHANG_HOME", "DATABASE_URL", "REDIS_URL", "BEHIND_HTTPS_PROXY"} <= names
    assert not {name for name in names if not re.search(rf"\b{name}\b", known)}


def test_the_nginx_site_serves_the_data_folder_and_passes_the_client_on():
    site = NGINX_SITE.read_text()
    web = exec_start(read_unit("weishang-web.service"))

    assert f"alias {HOME}/static/;" in site and f"alias {HOME}/media/;" in site
    assert f"server 127.0.0.1:{web[web.index('--port') + 1]}" in site
    for header in ("Host $host", "X-Forwarded-Proto $scheme",
                   "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Request-ID $request_id"):
        assert f"proxy_set_header {header};" in site


def test_the_nginx_site_takes_the_largest_upload(settings):
    (megabytes,) = re.findall(r"client_max_body_size (\d+)m;", NGINX_SITE.read_text())

    largest = max(settings.IMAGE_MAX_BYTES, CUSTOMER_IMPORT_BYTES, SHIPPING_IMPORT_BYTES)
    assert int(megabytes) * 1024 * 1024 >= largest


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def built_services(compose: dict) -> dict[str, dict]:
    return {name: service for name, service in compose["services"].items()
            if "build" in service}


def test_compose_runs_real_weishang_commands(compose):
    services = built_services(compose)

    assert {"migrate", "web", "worker", "beat"} <= set(services)
    for name, service in services.items():
        program, command, *_ = service["command"]
        assert program == "weishang" and command in weishang_commands(), name
    assert {"postgres", "redis"} <= set(compose["services"])


def test_compose_keeps_the_data_in_a_volume_and_migrates_first(compose):
    for name, service in built_services(compose).items():
        home = service["environment"]["WEISHANG_HOME"]
        volumes = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
        assert volumes[home] in compose["volumes"], name
        if name in {"web", "worker", "beat"}:
            assert service["depends_on"]["migrate"] == {
                "condition": "service_completed_successfully"}, name


def test_compose_sets_only_variables_the_shop_reads(compose):
    known = known_variables()
    for service in built_services(compose).values():
        for name in service["environment"]:
            assert re.search(rf"\b{name}\b", known), name


def test_the_image_installs_the_package_and_runs_a_weishang_command(compose):
    """compose.yaml's image: what the Dockerfile copies exists, and its default command is a
    real one."""
    (service,) = {service["build"]["dockerfile"] for service in built_services(compose).values()}
    dockerfile = (ROOT / service).read_text()

    for line in re.findall(r"^COPY (.+)$", dockerfile, flags=re.MULTILINE):
        *sources, _target = line.split()
        assert all((ROOT / source).exists() for source in sources), line
    (command,) = re.findall(r"^CMD (\[.+\])$", dockerfile, flags=re.MULTILINE)
    program, name, *_ = yaml.safe_load(command)
    assert program == "weishang" and name in weishang_commands()

"""The files of deploy/ read the way systemd and nginx read them, for the tests that use them
(tests/test_deploy.py, and tests/stack/, which runs the shop from them)."""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "weishang.env.example"
NGINX_SITE = DEPLOY / "nginx" / "weishang.conf"
COMPOSE = ROOT / "compose.yaml"

#: Where the units expect the installation (the README's "Running it for real").
VENV = "/opt/weishang/venv"


def read_unit(name: str) -> dict[str, list[str]]:
    """A systemd unit as ``{"Section.Key": [values, …]}`` (a key may be given several times)."""
    unit: dict[str, list[str]] = {}
    section = ""
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        unit.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return unit


def unit_environment(unit: dict[str, list[str]]) -> dict[str, str]:
    """The variables a unit's ``Environment=`` lines set."""
    return dict(assignment.split("=", 1) for line in unit.get("Service.Environment", [])
                for assignment in shlex.split(line))


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= reads them (comments left out)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def commented_env_names(path: Path = ENV_EXAMPLE) -> set[str]:
    """The variables the example shows commented out (``#NAME=value``)."""
    return set(re.findall(r"^#([A-Z][A-Z0-9_]+)=", path.read_text(), flags=re.MULTILINE))


_VARIABLE = re.compile(r"\$\$|%%|\$\{(\w+)\}|\$(\w+)")


def command_line(value: str, environment: dict[str, str]) -> list[str]:
    """An Exec*= line as systemd runs it: ``${NAME}``/``$NAME`` from the environment, ``$$``
    and ``%%`` for a literal ``$`` and ``%``, then split into words."""

    def expand(match: re.Match) -> str:
        if match[0] in ("$$", "%%"):
            return match[0][0]
        return environment[match[1] or match[2]]

    return shlex.split(_VARIABLE.sub(expand, value))

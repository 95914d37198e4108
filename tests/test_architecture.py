"""The architecture of docs/architecture.md holds: the import contract is kept (and would catch
an upward import), and the signal map lists exactly the receivers that are connected."""

import importlib
import re
import shutil
import subprocess
import sys
import tomllib
import weakref
from pathlib import Path

import pytest
from django.contrib.auth import signals as auth_signals
from django.core import signals as core_signals
from django.db.backends import signals as backend_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal

import weishang

PACKAGE = Path(weishang.__file__).parent
ROOT = PACKAGE.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """``lint-imports --no-cache`` as CI runs it, with ``cwd``'s weishang and pyproject.toml."""
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as run; run()",
         "--no-cache"],
        cwd=cwd, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )


def test_the_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_import_contract_catches_a_wrong_import(tmp_path):
    # The package's Python files only (no templates, catalogs or data): all the linter reads.
    shutil.copytree(PACKAGE, tmp_path / "weishang",
                    ignore=lambda folder, names: [
                        name for name in names
                        if not name.endswith(".py") and not (Path(folder) / name).is_dir()])
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path).returncode == 0  # the copy alone is fine

    wrong = {
        "core/upward.py": "from weishang.orders import models",
        "network/upward.py": "from weishang.orders.models import Order",
        "customers/sideways.py": "from weishang.marketing.models import Channel",
    }
    for path, line in wrong.items():
        (tmp_path / "weishang" / path).write_text(f"{line}\n")
    result = lint_imports(tmp_path)

    assert result.returncode == 1
    for path, line in wrong.items():
        module = "weishang." + path.removesuffix(".py").replace("/", ".")
        imported = line.split()[1]
        assert f"{module} -> {imported}" in result.stdout, result.stdout


# --- the signal map -------------------------------------------------------------------------

#: Django's signals a Weishang receiver might listen to; only Weishang's receivers count.
DJANGO_SIGNALS = {
    f"{module.__name__}.{name}": value
    for module in (model_signals, core_signals, backend_signals, auth_signals)
    for name, value in vars(module).items() if isinstance(value, Signal)
}


def signal_map() -> dict[str, set[str]]:
    """{signal's dotted path: receivers' dotted paths} from the table in docs/architecture.md."""
    section = ARCHITECTURE.read_text().split("## Signal map", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    listed = {}
    for row in rows:
        signal, _sent_by, receivers = (cell.strip() for cell in row.strip("|").split("|"))
        listed[signal.strip("`")] = set(re.findall(r"`([\w.]+)`", receivers))
    return listed


def resolve(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def weishang_receivers(signal: Signal) -> set[str]:
    receivers = set()
    for _key, receiver, *_ in signal.receivers:
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None and receiver.__module__.startswith("weishang."):
            receivers.add(f"{receiver.__module__}.{receiver.__qualname__}")
    return receivers


def weishang_signals() -> dict[str, Signal]:
    """Every signal Weishang defines (in its apps' ``signals.py``)."""
    found = {}
    for path in PACKAGE.glob("**/signals.py"):
        module = importlib.import_module(
            ".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, value in vars(module).items():
            if isinstance(value, Signal):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_the_signal_map_lists_every_signal_with_a_receiver_or_defined_here():
    listed = signal_map()
    heard = {path for path, signal in DJANGO_SIGNALS.items() if weishang_receivers(signal)}
    assert set(listed) == set(weishang_signals()) | heard


@pytest.mark.parametrize("signal", sorted(signal_map()))
def test_the_listed_receivers_are_the_connected_ones(signal):
    assert weishang_receivers(resolve(signal)) == signal_map()[signal]


@pytest.mark.parametrize("signal", sorted(weishang_signals()))
def test_every_signal_of_weishang_is_sent(signal):
    module, name = signal.rsplit(".", 1)
    sends = re.compile(rf"\b{name}\.send(_robust)?\(")
    assert any(sends.search(path.read_text()) for path in PACKAGE.glob("**/*.py")), signal


def _names(layer: str) -> tuple[str, ...]:
    return tuple(sorted(re.split(r"\s*[|:]\s*", layer.strip())))


def test_the_api_schema_has_the_app_layers_of_the_import_contract():
    """api/schema.py keeps its own copy of the app layers (the installed package has no
    pyproject.toml to read): it must stay the contract's, lowest first, below the interfaces."""
    from weishang.api.schema import _LAYERS

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [contract for contract in pyproject["tool"]["importlinter"]["contracts"]
                   if contract["type"] == "layers"]
    layers = [_names(layer) for layer in contract["layers"]]
    interfaces = next(index for index, layer in enumerate(layers) if "api" in layer)
    assert [tuple(sorted(layer)) for layer in _LAYERS] == layers[:interfaces:-1]

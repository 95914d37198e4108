"""Every error code the code answers is declared (weishang/<app>/errors.py), with the status it
is answered with, and every declared code is answered somewhere.

The codes are read from the source with ``ast``: ``code="…"`` given to a domain error (or a DRF
exception) or to ``super().__init__`` in a domain error's class, a domain error class's
``code = "…"``, and a ``{"code": "…"}`` written as a JSON answer by hand.
"""

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework import exceptions as drf

import weishang
from weishang.core.errors import DomainError, declared_codes

ROOT = Path(weishang.__file__).parent


@dataclass(frozen=True)
class Use:
    app: str
    code: str
    status: int | None  # None where the source does not say (a hand-written JSON answer)
    where: str


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, tuple[str, str]]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([node.module] if node.module else []))
            for alias in node.names:
                names[alias.asname or alias.name] = (base, alias.name)
    return names


def _status_of(cls) -> int | None:
    """The status answered for an error class, or None if it is not one that has a code."""
    if not isinstance(cls, type):
        return None
    if issubclass(cls, DomainError):
        return cls.status
    # DRF's ValidationError keeps its code per field; the answer's code is "invalid".
    if issubclass(cls, drf.APIException) and not issubclass(cls, drf.ValidationError):
        return cls.status_code
    return None


def _uses_in(path: Path) -> list[Use]:
    module_name = _module_name(path)
    module = importlib.import_module(module_name)
    tree = ast.parse(path.read_text(), str(path))
    imported = _imports(tree, module_name, path.name == "__init__.py")
    parts = path.relative_to(ROOT).parts
    app = parts[0] if len(parts) > 1 else "project"

    def resolve(node):
        if isinstance(node, ast.Name):
            if node.id in imported:
                source, name = imported[node.id]
                try:
                    return getattr(importlib.import_module(source), name)
                except (AttributeError, ImportError):
                    return importlib.import_module(f"{source}.{name}")
            return getattr(module, node.id, None)
        if isinstance(node, ast.Attribute):
            return getattr(resolve(node.value), node.attr, None)
        return None

    uses = []

    def visit(node, enclosing_class):
        where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ClassDef):
            cls = getattr(module, node.name, None)
            if isinstance(cls, type) and issubclass(cls, DomainError) and "code" in vars(cls):
                uses.append(Use(app, cls.code, cls.status, where))
            enclosing_class = cls
        elif isinstance(node, ast.Call):
            given = [kw.value for kw in node.keywords if kw.arg == "code"]
            if given and isinstance(given[0], ast.Constant) and isinstance(given[0].value, str):
                func = node.func
                is_super_init = (isinstance(func, ast.Attribute) and func.attr == "__init__"
                                 and isinstance(func.value, ast.Call)
                                 and getattr(func.value.func, "id", None) == "super")
                status = _status_of(enclosing_class if is_super_init else resolve(func))
                if status is not None:
                    uses.append(Use(app, given[0].value, status, where))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (isinstance(key, ast.Constant) and key.value == "code"
                        and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    uses.append(Use(app, value.value, None, where))
        for child in ast.iter_child_nodes(node):
            visit(child, enclosing_class)

    visit(tree, None)
    return uses


@pytest.fixture(scope="module")
def uses() -> list[Use]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or path.name == "__main__.py":
            continue
        found += _uses_in(path)
    return found


@pytest.fixture(scope="module")
def declared():
    return {(entry.app, entry.code): entry for entry in declared_codes()}


def test_the_scan_finds_the_codes_of_each_kind(uses):
    codes = {use.code for use in uses}
    # a class attribute, a keyword to a domain error, to super().__init__, a hand-written answer
    assert {"insufficient_balance", "shop_closed", "invalid_rows", "server_error"} <= codes


def test_every_code_answered_is_declared_with_its_status(uses, declared):
    problems = []
    for use in uses:
        entry = declared.get((use.app, use.code)) or declared.get(("core", use.code))
        if entry is None:
            problems.append(f"{use.where}: {use.code!r} is not declared in "
                            f"weishang/{use.app}/errors.py")
        elif use.status is not None and entry.status != use.status:
            problems.append(f"{use.where}: {use.code!r} is answered with {use.status}, "
                            f"declared with {entry.status} ({entry.app})")
    assert not problems, "\n".join(problems)


def test_every_declared_code_is_answered(uses, declared):
    used = {(use.app, use.code) for use in uses}
    # DRF answers its own errors with their default code, which the handler keeps.
    drf_codes = {cls.default_code for cls in vars(drf).values()
                 if isinstance(cls, type) and issubclass(cls, drf.APIException)}
    unused = [f"{app}: {code}" for app, code in declared
              if (app, code) not in used and not (app == "core" and code in drf_codes)]
    assert not unused, "declared but never answered:\n" + "\n".join(unused)


def test_descriptions_are_short_english_sentences(declared):
    for entry in declared.values():
        assert entry.description.endswith(".") and len(entry.description) <= 100, entry
        assert 400 <= entry.status <= 599, entry

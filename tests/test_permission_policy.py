"""The permission policy, checked on the source: a service that takes the acting user checks
what they may do itself, at the top, before it changes anything.

A public function of a service module (``<app>/services.py`` or ``<app>/<sub>/services.py``, or
any module of a ``services/`` package) with an ``actor`` or ``by`` parameter must, in its own
body or in a function of the same module it calls, do one of:

- call a helper of ``weishang.accounts.permissions``;
- ask ``<user>.can(area)``;
- raise ``NotPermitted``;
- call one of SCOPE_HELPERS, which only find what the actor may see (anything else is
  NotFound, as if it did not exist).

The functions that do not are listed in EXCEPTIONS with the reason; the list may only shrink
(a listed service that now checks, or a name found nowhere, fails the test: take it out).
Functions without an actor are system actions (jobs, signal receivers, commands) or take
the person they act for as the subject (``agent``, ``user``): see docs/architecture.md.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "weishang"
ACTOR_PARAMETERS = {"actor", "by"}
PERMISSION_MODULE = "weishang.accounts.permissions"
#: Helpers that find only what the actor may see (else NotFound) before anything is changed.
SCOPE_HELPERS = {"visible_customer", "customers_for", "follow_ups_for"}

_RECORDED_ONLY = ("the actor is only recorded (stock movements' and order events' audit "
                  "trail); callers are orders and jobs as well as people, and the view checks")

#: "<app>.<function>": why it does not check. Keys name the app, not the module, so that
#: moving a function within its app keeps its entry.
EXCEPTIONS = {
    "inventory.adjust_stock": _RECORDED_ONLY,
    "inventory.set_stock": _RECORDED_ONLY,
    "inventory.take_stock": _RECORDED_ONLY,
    "inventory.return_stock": _RECORDED_ONLY,
    "inventory.draw_cloud_stock": _RECORDED_ONLY,
    "orders.create_order": "anyone may order from the shop: the actor is the buyer, if any",
    "orders.place_order_once": "anyone may order from the shop: the actor is the buyer, if any",
    "customers.seller_for": "a read: whose list a new customer goes to",
}


def service_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py")
                  if "migrations" not in path.parts
                  and (path.name == "services.py" or "services" in path.parent.parts))


def _app_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


class _Module:
    def __init__(self, path: Path):
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.functions = {node.name: node for node in self.tree.body
                          if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        self.permission_names = {
            alias.asname or alias.name
            for node in ast.walk(self.tree)
            if isinstance(node, ast.ImportFrom) and node.module == PERMISSION_MODULE
            for alias in node.names}
        self.permission_modules = {
            alias.asname or alias.name.rsplit(".", 1)[-1]
            for node in ast.walk(self.tree)
            if isinstance(node, ast.ImportFrom) and node.module == "weishang.accounts"
            for alias in node.names if alias.name == "permissions"}

    def checks(self, function, seen: frozenset = frozenset()) -> bool:
        """Whether ``function`` (or a function of this module it calls) checks permission."""
        seen = seen | {function.name}
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id in {"NotPermitted",
                                                          *self.permission_names,
                                                          *SCOPE_HELPERS}:
                return True
            if isinstance(node, ast.Attribute) and (
                    node.attr == "can" or node.attr in SCOPE_HELPERS
                    or isinstance(node.value, ast.Name)
                    and node.value.id in self.permission_modules):
                return True
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in self.functions and node.func.id not in seen
                    and self.checks(self.functions[node.func.id], seen)):
                return True
        return False


def _takes_actor(function) -> bool:
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    return bool(ACTOR_PARAMETERS.intersection(names))


def acting_services() -> dict[str, bool]:
    """Every public service function taking the actor ("<app>.<name>") → whether it checks."""
    found = {}
    for path in service_modules():
        module = _Module(path)
        for name, function in module.functions.items():
            if not name.startswith("_") and _takes_actor(function):
                key = f"{_app_of(path)}.{name}"
                found[key] = found.get(key, True) and module.checks(function)
    return found


def test_the_services_are_found():
    assert len(service_modules()) >= 8
    assert "commissions.approve" in acting_services()


def test_every_service_taking_the_actor_checks_permission():
    unchecked = sorted(key for key, checks in acting_services().items()
                       if not checks and key not in EXCEPTIONS)
    assert unchecked == [], (
        "These services take the actor but check no permission: check at the top with the "
        "helpers of weishang/accounts/permissions.py (or list them in EXCEPTIONS, saying why)")


def test_the_exceptions_are_still_needed():
    services = acting_services()
    defined = {f"{_app_of(path)}.{node.name}" for path in PACKAGE.rglob("*.py")
               if "migrations" not in path.parts
               for node in ast.parse(path.read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    stale = sorted(key for key in EXCEPTIONS if services.get(key) or key not in defined)
    assert stale == [], "These now check permission (or are gone): take them out of EXCEPTIONS"

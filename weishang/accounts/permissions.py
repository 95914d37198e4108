"""Who may do what: one check (``User.can(area)``) used by pages, the API and services alike.

Views and the API refuse with Django's/DRF's 403; services call ``require_manager`` or
``require_owner`` at the top, which raise the domain error both interfaces translate.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from weishang.core import errors


def _console_access(allowed):
    """Console view decorator: log in first, then ``allowed(user)`` must hold (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def area_required(area: str):
    """Console view decorator: log in first, then the user must be able to manage ``area``."""
    return _console_access(lambda user: user.can(area))


def is_agent(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == "agent")


def area_or_agent_required(area: str):
    """Console view decorator for pages an agent also opens about their own business (orders,
    customers): the area's managers pass, and so does an agent, whose view must then show only
    what is theirs (``User.can`` stays False for agents)."""
    return _console_access(lambda user: user.can(area) or is_agent(user))


#: Console view decorator: log in first, then only the owner may pass (e.g. staff management).
owner_required = _console_access(lambda user: user.is_active and user.is_owner)


class AreaPermission(permissions.BasePermission):
    """API: safe methods follow ``read_public``; writes need the viewset's ``area``.

    A viewset sets ``area = "catalog"`` and, if anonymous visitors may read, ``read_public = True``.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and getattr(view, "read_public", False):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.can(view.area))


class AreaOrAgentPermission(AreaPermission):
    """API twin of ``area_or_agent_required``: the ``area``'s managers pass, and so does an
    agent, whose endpoints must then answer with only what is theirs (404 for anything else, as
    if it did not exist)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) or is_agent(request.user)


#: What the agents' services tell a person who may not manage agents.
AGENT_MANAGERS_ONLY = _("Only the owner or staff managing agents may do this.")


def require_manager(actor, area: str, message=None, *, system: bool = False) -> None:
    """A service's guard: ``actor`` must manage ``area``. ``system``: ``actor`` None stands for
    the system (a receiver, a scheduled run) and passes; otherwise None is refused."""
    if actor is None and system:
        return
    if not (actor and actor.can(area)):
        raise errors.NotPermitted(message)


def require_manager_or_agent(actor, area: str, message=None) -> None:
    """A service's guard, twin of ``area_or_agent_required``: ``actor`` manages ``area`` or is an
    agent, whom the service must then let act only on what is theirs."""
    if not (is_agent(actor) or actor and actor.can(area)):
        raise errors.NotPermitted(message)


def require_owner(actor, message=None, *, system: bool = False) -> None:
    """A service's guard: only the (active) owner may do this. ``system``: as for
    ``require_manager``, ``actor`` None stands for the system and passes."""
    if actor is None and system:
        return
    if not (actor and actor.is_active and actor.is_owner):
        raise errors.NotPermitted(message)

"""What the network's services share: the lock on an agent's row, and typed text trimmed.

``clean_text`` only trims (a note keeps its lines) and names the field in its message, which is
why it is not ``weishang.core.cleaning``'s ``clean_line`` (that one makes one line of the text
and words its messages differently).
"""

from django.utils.translation import gettext as _

from weishang.core.errors import InvalidInput
from weishang.core.models import max_length_of

from ..models import Agent


def clean_text(value: str | None, field: str, model=Agent, *, required: bool = False,
               label: str = "") -> str:
    """``value`` trimmed, at most ``field``'s length on ``model``; required with ``label``
    (what to enter) in the message."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Enter %(field)s.") % {"field": label}, field=field)
    limit = max_length_of(model, field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": limit}, field=field)
    return value


def locked(agent: Agent) -> Agent:
    """``agent`` read again under a row lock, with its level and login."""
    return Agent.objects.select_for_update().select_related("level", "user").get(pk=agent.pk)

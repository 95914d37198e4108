"""Every change to the network, one module per seam:

- ``levels``: the agent levels, their upgrade conditions and their prices per variant;
- ``joining``: invitation links and the public application;
- ``agents``: an agent's state (approve, reject, suspend, exit) and level by hand;
- ``uplines``: the upline tree (bindings by invitation, the owner's moves, expiry);
- ``rules``: the owner's settings;
- ``base``: the agent row lock and text trimming they share.

Each function checks first and raises a domain error (nothing written), then writes in one
transaction. State and level changes are conditional UPDATEs on the old value, so two owners
acting at once cannot both succeed; every change leaves an AgentEvent or UplineChange and sends
its signal inside the transaction.

The public names are re-exported here, so ``from weishang.network import services`` reaches
them all.
"""

from .agents import (
    STATE_MOVES,
    approve,
    change_level,
    change_state,
    decide_level_review,
    reject,
    set_level,
)
from .joining import Application, application_received, apply, inviter_for
from .levels import (
    LevelData,
    delete_level,
    entry_level,
    lawful_conditions,
    save_level,
    set_variant_rule,
)
from .rules import MAX_BINDING_DAYS, update_settings
from .uplines import bind, binding_allowed, expire_bindings, move

__all__ = [
    "MAX_BINDING_DAYS",
    "STATE_MOVES",
    "Application",
    "LevelData",
    "application_received",
    "apply",
    "approve",
    "bind",
    "binding_allowed",
    "change_level",
    "change_state",
    "decide_level_review",
    "delete_level",
    "entry_level",
    "expire_bindings",
    "inviter_for",
    "lawful_conditions",
    "move",
    "reject",
    "save_level",
    "set_level",
    "set_variant_rule",
    "update_settings",
]

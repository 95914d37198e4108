"""What happens to agents, for whoever follows them: today certificates
(``network.certificates.receivers``: issued when an agent becomes active, revoked when they are
suspended or exit, replaced when their level changes). The signal map of docs/architecture.md
lists every receiver."""

from django.dispatch import Signal

#: Sent after an agent's state changed, inside the transaction: agent, from_state, to_state.
agent_state_changed = Signal()
#: Sent after an agent's level changed, inside the transaction: agent, from_level, to_level.
agent_level_changed = Signal()

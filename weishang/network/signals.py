"""What happens to agents, for the apps that follow them (certificates are revoked when an agent
is suspended or exits; commissions stop when an agent leaves)."""

from django.dispatch import Signal

#: Sent after an agent's state changed, inside the transaction: agent, from_state, to_state.
agent_state_changed = Signal()
#: Sent after an agent's level changed, inside the transaction: agent, from_level, to_level.
agent_level_changed = Signal()

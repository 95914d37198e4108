"""What orders tell the apps that come after them: commissions (earnings follow their orders,
``commissions.receivers``) and customers (records and statistics, ``customers.receivers``).

Orders may not import those apps (the layers of docs/architecture.md), so they listen here
instead; the signal map there lists every receiver. Both signals are sent inside the
transaction that made the change: a receiver that raises undoes the change with it, so keep
receivers small and correct.
"""

from django.dispatch import Signal

#: A new order was created. Sent with ``order`` (lines saved, stock taken).
order_placed = Signal()

#: An order moved from one state to another. Sent with ``order`` (as saved after the move),
#: ``from_state`` and ``to_state``.
order_state_changed = Signal()

"""Every change of the earnings ledger and its rules, one module per step of the money:

- ``earnings``: what agents earn when an order is paid, its freeze when the order completes,
  what a refund takes back (the receivers call these);
- ``settlement``: frozen earnings whose after-sales window passed become available (the hourly
  job);
- ``withdrawals``: an agent asks for available money, the owner approves, pays or rejects;
- ``rules``: the owner's earnings rules (CommissionSettings);
- ``ledger``: the lock, balance posting and SQL pieces earnings and settlement share.

The public names are re-exported here, so ``from weishang.commissions import services`` reaches
them all.
"""

from .earnings import (
    earn_completed_lines_in_bulk,
    earn_for_order,
    freeze_for_order,
    freezing_entries,
    take_back_for_order,
)
from .ledger import EARNING_KINDS, LEDGER_KINDS, sql_list
from .rules import (
    HIGHEST_PERCENT,
    MAX_WITHDRAWAL_MINIMUM,
    UPLINE_WARNING,
    refuse_deeper_upline,
    update_commission_settings,
)
from .settlement import Settled, settle
from .withdrawals import (
    PAYING_OUT,
    TRANSITIONS,
    InsufficientBalance,
    approve,
    fee_for,
    invalid_transition,
    mark_paid,
    reject,
    request_withdrawal,
)

__all__ = [
    "EARNING_KINDS",
    "HIGHEST_PERCENT",
    "LEDGER_KINDS",
    "MAX_WITHDRAWAL_MINIMUM",
    "PAYING_OUT",
    "TRANSITIONS",
    "UPLINE_WARNING",
    "InsufficientBalance",
    "Settled",
    "approve",
    "earn_completed_lines_in_bulk",
    "earn_for_order",
    "fee_for",
    "freeze_for_order",
    "freezing_entries",
    "invalid_transition",
    "mark_paid",
    "refuse_deeper_upline",
    "reject",
    "request_withdrawal",
    "settle",
    "sql_list",
    "take_back_for_order",
    "update_commission_settings",
]

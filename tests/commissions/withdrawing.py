"""Helpers of the withdrawal tests: money made available to an agent without an order (the
earning services are tested on their own), and the ledger checked against the balance."""

import uuid
from decimal import Decimal

from django.db.models import F, Sum

from weishang.commissions.models import AgentBalance, Bucket, EntryKind, LedgerEntry
from weishang.core.money import to_money


def credit(agent, amount, *, bucket=Bucket.AVAILABLE) -> None:
    """``amount`` (may be negative: a reversal) booked straight into the agent's ``bucket``."""
    amount = Decimal(amount)
    kind = EntryKind.SALE if amount >= 0 else EntryKind.REVERSAL
    LedgerEntry.objects.create(agent=agent, kind=kind, bucket=bucket, amount=amount,
                               key=f"test:{uuid.uuid4().hex}")
    AgentBalance.objects.get_or_create(agent=agent)
    AgentBalance.objects.filter(agent=agent).update(**{bucket: F(bucket) + amount})


def balance(agent) -> dict[str, Decimal]:
    """The agent's balance per bucket, after checking that it equals the ledger's sums."""
    row = AgentBalance.objects.get(agent=agent)
    sums = dict(LedgerEntry.objects.filter(agent=agent).values_list("bucket")
                .annotate(total=Sum("amount")).values_list("bucket", "total"))
    cached = {bucket: getattr(row, bucket) for bucket in Bucket.values}
    # Rounded to the fen: SQLite sums in floating point.
    assert cached == {bucket: to_money(sums.get(bucket) or 0) for bucket in Bucket.values}
    return cached

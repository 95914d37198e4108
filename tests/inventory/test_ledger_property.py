"""Property: whatever sequence of adjustments arrives, some of them impossible, the level equals
the sum of its movements, never goes negative, and a refused adjustment writes nothing."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import VariantFactory
from weishang.core.errors import InsufficientStock
from weishang.inventory import services
from weishang.inventory.models import MovementReason, StockLevel, StockMovement

# Stocktakes (``set_stock``) mixed with signed changes, with removals often larger than the stock.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("change"), st.integers(-40, 30).filter(bool)),
        st.tuples(st.just("count"), st.integers(0, 30)),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_any_sequence_of_adjustments_keeps_the_ledger_whole(operations):
    # Each example runs in its own transaction, rolled back at the end.
    with transaction.atomic():
        variant = VariantFactory()
        level = services.ensure_level(variant)
        expected = 0
        for kind, amount in operations:
            movements_before = StockMovement.objects.count()
            if kind == "count":
                movement = services.set_stock(variant=variant, quantity=amount, actor=None)
                assert (movement is None) == (amount == expected)
                expected = amount
            elif amount < 0 and -amount > expected:
                with pytest.raises(InsufficientStock):
                    services.adjust_stock(variant=variant, delta=amount,
                                          reason=MovementReason.ADJUSTMENT)
                assert StockMovement.objects.count() == movements_before, "refused: no row"
            else:
                movement = services.adjust_stock(variant=variant, delta=amount,
                                                 reason=MovementReason.ADJUSTMENT)
                expected += amount
                assert movement.quantity_after == expected

            level.refresh_from_db()
            assert level.quantity == expected >= 0
        total = sum(StockMovement.objects.filter(level__variant=variant)
                    .values_list("delta", flat=True))
        assert total == expected == StockLevel.objects.get(pk=level.pk).quantity
        assert services.verify_ledger() == []
        transaction.set_rollback(True)

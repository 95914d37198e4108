import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import translation

from tests.factories import ProductFactory, UserFactory, VariantFactory
from weishang.core.errors import InsufficientStock, InvalidInput, NotPermitted
from weishang.core.models import AppendOnlyError
from weishang.inventory import services
from weishang.inventory.models import (
    LocationKind,
    MovementReason,
    StockLevel,
    StockLocation,
    StockMovement,
)

pytestmark = pytest.mark.django_db


def quantity_of(variant) -> int:
    return StockLevel.objects.get(variant=variant, location=services.warehouse()).quantity


def ledger_sum(variant) -> int:
    return StockMovement.objects.filter(level__variant=variant).aggregate(
        total=Sum("delta"))["total"] or 0


def test_warehouse_is_the_single_owner_location():
    location = services.warehouse()
    assert location.kind == LocationKind.WAREHOUSE
    assert services.warehouse() == location
    assert StockLocation.objects.filter(kind=LocationKind.WAREHOUSE).count() == 1


def test_warehouse_is_recreated_when_a_flush_removed_it():
    StockLocation.objects.all().delete()
    assert services.warehouse().name == services.WAREHOUSE_NAME


def test_ensure_level_creates_once(variant):
    first = services.ensure_level(variant)
    assert first.quantity == 0 and first.location == services.warehouse()
    assert services.ensure_level(variant) == first
    assert StockLevel.objects.filter(variant=variant).count() == 1


def test_adjust_stock_adds_and_removes_with_a_movement_each(variant):
    owner = UserFactory(role="owner")
    added = services.adjust_stock(variant=variant, delta=10, reason=MovementReason.RESTOCK,
                                  actor=owner, note="  到货  ")
    removed = services.adjust_stock(variant=variant, delta=-3, reason=MovementReason.DAMAGE)

    assert (added.delta, added.quantity_after, added.actor, added.note) == (10, 10, owner, "到货")
    assert (removed.delta, removed.quantity_after, removed.reason) == (-3, 7, "damage")
    assert quantity_of(variant) == 7 == ledger_sum(variant)


def test_adjust_stock_refuses_to_go_below_zero_naming_item_and_available(variant, stocked):
    stocked(variant, 2)
    with pytest.raises(InsufficientStock) as refused:
        services.adjust_stock(variant=variant, delta=-3, reason=MovementReason.ADJUSTMENT)
    message = str(refused.value.message)
    assert "真丝围巾 红 / M" in message and "2" in message and "3" in message
    assert refused.value.code == "insufficient_stock" and refused.value.status == 409
    assert quantity_of(variant) == 2 and StockMovement.objects.count() == 1


def test_taking_everything_leaves_zero(variant, stocked):
    stocked(variant, 4)
    services.adjust_stock(variant=variant, delta=-4, reason=MovementReason.ADJUSTMENT)
    assert quantity_of(variant) == 0 == ledger_sum(variant)


@pytest.mark.parametrize("delta", [0, 1.5, "3", True, None, services.MAX_QUANTITY + 1,
                                   -services.MAX_QUANTITY - 1])
def test_adjust_stock_refuses_bad_deltas(variant, delta):
    with pytest.raises(InvalidInput) as refused:
        services.adjust_stock(variant=variant, delta=delta, reason=MovementReason.ADJUSTMENT)
    assert refused.value.field == "delta"
    assert not StockMovement.objects.exists()


def test_adjust_stock_refuses_to_exceed_the_largest_quantity(variant, stocked):
    stocked(variant, services.MAX_QUANTITY)
    with pytest.raises(InvalidInput):
        services.adjust_stock(variant=variant, delta=1, reason=MovementReason.RESTOCK)
    assert quantity_of(variant) == services.MAX_QUANTITY


@pytest.mark.parametrize(("reason", "delta"), [
    ("stolen", 1), ("", 1), (MovementReason.RESTOCK, -1), (MovementReason.DAMAGE, 1),
    (MovementReason.SALE, 1), (MovementReason.RETURN, -1),
])
def test_adjust_stock_refuses_unknown_reasons_and_wrong_directions(variant, stocked, reason,
                                                                    delta):
    stocked(variant, 5)
    with pytest.raises(InvalidInput):
        services.adjust_stock(variant=variant, delta=delta, reason=reason)
    assert quantity_of(variant) == 5 and StockMovement.objects.count() == 1


def test_adjust_stock_refuses_a_long_note(variant):
    with pytest.raises(InvalidInput) as refused:
        services.adjust_stock(variant=variant, delta=1, reason=MovementReason.RESTOCK,
                              note="长" * (services.NOTE_MAX_LENGTH + 1))
    assert refused.value.field == "note"
    assert not StockMovement.objects.exists()


def test_adjust_stock_records_what_it_relates_to(variant):
    related = UserFactory()  # any model: orders will pass themselves
    movement = services.adjust_stock(variant=variant, delta=1, reason=MovementReason.RETURN,
                                     related=related)
    movement = StockMovement.objects.get(pk=movement.pk)
    assert movement.related_type == ContentType.objects.get_for_model(related)
    assert movement.related == related


def test_set_stock_records_the_difference_as_a_stocktake(variant, stocked):
    stocked(variant, 10)
    owner = UserFactory(role="owner")
    movement = services.set_stock(variant=variant, quantity=7, actor=owner, note="月底盘点")
    assert (movement.delta, movement.quantity_after, movement.reason) == (-3, 7, "stocktake")
    movement = services.set_stock(variant=variant, quantity=12, actor=owner)
    assert (movement.delta, movement.quantity_after) == (5, 12)
    assert quantity_of(variant) == 12 == ledger_sum(variant)


def test_set_stock_writes_nothing_when_the_count_matches(variant, stocked):
    stocked(variant, 3)
    assert services.set_stock(variant=variant, quantity=3, actor=None) is None
    assert services.set_stock(variant=VariantFactory(), quantity=0, actor=None) is None
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize("quantity", [-1, "5", 2.0, services.MAX_QUANTITY + 1])
def test_set_stock_refuses_bad_counts(variant, stocked, quantity):
    stocked(variant, 3)
    with pytest.raises(InvalidInput):
        services.set_stock(variant=variant, quantity=quantity, actor=None)
    assert quantity_of(variant) == 3 and StockMovement.objects.count() == 1


def test_take_stock_takes_every_line_and_merges_repeated_items(stocked):
    first, second = stocked(VariantFactory(), 5), stocked(VariantFactory(), 5)
    movements = services.take_stock([(first, 2), (second, 1), (first, 1)], reason="sale")
    assert sorted((m.level.variant_id, m.delta) for m in movements) == sorted(
        [(first.pk, -3), (second.pk, -1)])
    assert (quantity_of(first), quantity_of(second)) == (2, 4)


def test_take_stock_is_all_or_nothing_and_names_the_missing_item(stocked):
    plenty = stocked(VariantFactory(), 10)
    short = stocked(VariantFactory(product=ProductFactory(title="羊毛围巾"),
                                   spec_label="蓝 / L"), 1)
    never_stocked = VariantFactory()
    with pytest.raises(InsufficientStock) as refused:
        services.take_stock([(plenty, 3), (short, 2)], reason="sale")
    assert "羊毛围巾 蓝 / L" in str(refused.value.message)
    assert (quantity_of(plenty), quantity_of(short)) == (10, 1)
    assert StockMovement.objects.count() == 2

    with pytest.raises(InsufficientStock):
        services.take_stock([(plenty, 1), (never_stocked, 1)], reason="sale")
    assert quantity_of(plenty) == 10
    assert not StockLevel.objects.filter(variant=never_stocked).exists()


@pytest.mark.parametrize("lines", [[], [("variant", 0)], [("variant", -1)]])
def test_take_stock_refuses_empty_or_non_positive_lines(variant, stocked, lines):
    stocked(variant, 5)
    lines = [(variant, quantity) for _placeholder, quantity in lines]
    with pytest.raises(InvalidInput):
        services.take_stock(lines, reason="sale")
    assert quantity_of(variant) == 5


def test_return_stock_puts_items_back(variant, stocked):
    stocked(variant, 5)
    order_like = UserFactory()
    services.take_stock([(variant, 5)], reason="sale", related=order_like)
    movements = services.return_stock([(variant, 2)], reason="return", related=order_like)
    assert movements[0].delta == 2 and quantity_of(variant) == 2 == ledger_sum(variant)
    with pytest.raises(InvalidInput):
        services.return_stock([(variant, 1)], reason="sale")


def test_low_stock_threshold(variant):
    manager = UserFactory(role="staff", areas=["inventory"])
    level = services.set_low_stock_threshold(variant, 5, actor=manager)
    assert StockLevel.objects.get(pk=level.pk).low_stock_threshold == 5
    for bad in (-1, "5", services.MAX_QUANTITY + 1):
        with pytest.raises(InvalidInput):
            services.set_low_stock_threshold(variant, bad, actor=manager)
    for refused in (None, UserFactory(role="staff", areas=["catalog"]),
                    UserFactory(role="agent")):
        with pytest.raises(NotPermitted):
            services.set_low_stock_threshold(variant, 1, actor=refused)
    assert StockLevel.objects.get(pk=level.pk).low_stock_threshold == 5


def test_movements_are_append_only(variant, stocked):
    stocked(variant, 5)
    movement = StockMovement.objects.get()
    movement.delta = 50
    with pytest.raises(AppendOnlyError):
        movement.save()
    with pytest.raises(AppendOnlyError):
        movement.delete()
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.update(delta=50)
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.filter(pk=movement.pk).delete()
    assert StockMovement.objects.get().delta == 5


def test_deleting_a_user_keeps_their_movements(variant):
    clerk = UserFactory()
    services.adjust_stock(variant=variant, delta=1, reason="restock", actor=clerk)
    clerk.delete()
    assert StockMovement.objects.get().actor is None


def test_the_database_refuses_a_negative_level(variant):
    level = services.ensure_level(variant)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(quantity=-1)


def test_verify_ledger_finds_nothing_on_a_consistent_ledger(stocked):
    for quantity in (0, 3, 7):
        stocked(VariantFactory(), quantity)
    services.adjust_stock(variant=VariantFactory(), delta=2, reason="restock")
    assert services.verify_ledger() == []


def test_verify_ledger_reports_tampered_levels_in_one_query(variant, stocked,
                                                            django_assert_num_queries):
    stocked(variant, 5)
    untouched = stocked(VariantFactory(), 2)
    unrecorded = services.ensure_level(VariantFactory())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET quantity = quantity + 1 WHERE id IN "
                       "(%s, %s)", [services.ensure_level(variant).pk, unrecorded.pk])

    with django_assert_num_queries(1):
        problems = services.verify_ledger()

    assert [(p.level.variant, p.level.quantity, p.ledger_sum) for p in problems] == [
        (variant, 6, 5), (unrecorded.variant, 1, 0)]
    assert untouched not in [p.level.variant for p in problems]
    with translation.override("en"):
        assert str(problems[0]) == (
            "真丝围巾 红 / M at 总仓: level 6, sum of movements 5, last movement left 5")


def test_verify_ledger_reports_a_latest_movement_that_disagrees(variant, stocked):
    # Sum and level agree, but the last movement claims another quantity: a hand-made row.
    stocked(variant, 5)
    level = services.ensure_level(variant)
    StockMovement.objects.create(level=level, delta=1, quantity_after=9, reason="adjustment")
    StockLevel.objects.filter(pk=level.pk).update(quantity=6)
    [problem] = services.verify_ledger()
    assert (problem.ledger_sum, problem.last_quantity_after) == (6, 9)

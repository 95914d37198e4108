"""Every change of stock. Levels move only through a conditional UPDATE plus a ledger row.

A stock level is changed by ``UPDATE ... SET quantity = quantity + delta WHERE quantity >= -delta``
(never read-modify-write), so concurrent requests can never take stock below zero: whichever
request comes second sees the already reduced quantity and updates no row. In the same
transaction a ``StockMovement`` records the change and the quantity it left, so the level always
equals the sum of its movements (``verify_ledger`` and ``weishang check`` prove it).

On PostgreSQL the UPDATE takes the row lock until commit; on SQLite the settings begin every
transaction with ``BEGIN IMMEDIATE``, so writers run one at a time.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Variant
from weishang.core.errors import InsufficientStock, InvalidInput
from weishang.core.versions import shop_pages_changed

from .models import LocationKind, MovementReason, StockLevel, StockLocation, StockMovement

#: The largest quantity a level may hold (and the largest single change): far beyond any real
#: stock, well inside a 32-bit integer column, so arithmetic in the database never overflows.
MAX_QUANTITY = 100_000_000
NOTE_MAX_LENGTH = StockMovement._meta.get_field("note").max_length
#: Same name as the warehouse created by migration 0002 (recreated if a test flush removed it).
WAREHOUSE_NAME = "总仓"
CLOUD_NAME = "云仓"
NAME_MAX_LENGTH = StockLocation._meta.get_field("name").max_length

#: Reasons a person may give in the console or the API; the others are written by orders.
MANUAL_REASONS = (
    MovementReason.RESTOCK,
    MovementReason.ADJUSTMENT,
    MovementReason.STOCKTAKE,
    MovementReason.DAMAGE,
)
_ADDING_REASONS = {MovementReason.INITIAL, MovementReason.RESTOCK, MovementReason.RELEASE,
                   MovementReason.RETURN}
_REMOVING_REASONS = {MovementReason.DAMAGE, MovementReason.SALE}


def item_name(variant: Variant) -> str:
    """How people call a variant: product title and spec, e.g. "真丝围巾 红 / M"."""
    return str(variant)


# ---------------------------------------------------------------------------------------------
# Input


def _clean_quantity(value, *, minimum: int, field: str) -> int:
    """A whole number between ``minimum`` and MAX_QUANTITY (bool and float are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Enter a whole number."), field=field)
    if value < minimum:
        raise InvalidInput(
            _("Enter a number of at least %(minimum)d.") % {"minimum": minimum}, field=field
        )
    if value > MAX_QUANTITY:
        raise InvalidInput(
            _("Enter a number of at most %(maximum)d.") % {"maximum": MAX_QUANTITY}, field=field
        )
    return value


def _clean_delta(delta) -> int:
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise InvalidInput(_("Enter a whole number."), field="delta")
    if delta == 0:
        raise InvalidInput(_("Enter a change other than zero."), field="delta")
    if abs(delta) > MAX_QUANTITY:
        raise InvalidInput(
            _("Enter a change of at most %(maximum)d units either way.")
            % {"maximum": MAX_QUANTITY}, field="delta",
        )
    return delta


def _clean_reason(reason, delta: int) -> MovementReason:
    """A known reason that goes the same way as ``delta`` (a restock cannot remove stock)."""
    if reason not in MovementReason.values:
        raise InvalidInput(_("Choose a valid reason."), field="reason")
    reason = MovementReason(reason)
    if delta < 0 and reason in _ADDING_REASONS:
        raise InvalidInput(
            _("“%(reason)s” adds stock; enter a positive number.")
            % {"reason": reason.label}, field="delta",
        )
    if delta > 0 and reason in _REMOVING_REASONS:
        raise InvalidInput(
            _("“%(reason)s” removes stock; enter a negative number.")
            % {"reason": reason.label}, field="delta",
        )
    return reason


def _clean_note(note) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("The note can have at most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    return note


# ---------------------------------------------------------------------------------------------
# Locations and levels


def warehouse() -> StockLocation:
    """The owner's warehouse (there is exactly one)."""
    location, _created = StockLocation.objects.get_or_create(
        kind=LocationKind.WAREHOUSE, defaults={"name": WAREHOUSE_NAME}
    )
    return location


def cloud_location(holder) -> StockLocation:
    """The agent's cloud stock (云仓), held by the owner for them; created on first need."""
    location, _created = StockLocation.objects.get_or_create(
        kind=LocationKind.CLOUD, holder=holder,
        defaults={"name": f"{CLOUD_NAME} · {holder}"[:NAME_MAX_LENGTH]},
    )
    return location


def ensure_level(variant: Variant, location: StockLocation | None = None) -> StockLevel:
    """The variant's level at the location (the warehouse by default), created at 0 if missing.

    Two requests creating the same level at once are safe: the unique constraint refuses the
    second insert and ``get_or_create`` then reads the first one's row.
    """
    level, _created = StockLevel.objects.get_or_create(
        location=location or warehouse(), variant=variant
    )
    level.variant = variant  # for messages, without another query
    return level


def _apply(level: StockLevel, delta: int, *, reason, actor, note, related) -> StockMovement:
    """Change one level by ``delta`` with a conditional UPDATE and record the movement.

    Must run inside a transaction: the quantity read back is the one this UPDATE left, because
    the row stays locked (PostgreSQL) or the database stays ours (SQLite) until commit.
    """
    room = Q(quantity__gte=-delta) if delta < 0 else Q(quantity__lte=MAX_QUANTITY - delta)
    rows = StockLevel.objects.filter(room, pk=level.pk).update(quantity=F("quantity") + delta)
    if rows == 0:
        available = StockLevel.objects.values_list("quantity", flat=True).get(pk=level.pk)
        if delta < 0:
            raise InsufficientStock(
                _("Not enough stock of “%(item)s”: %(available)d available, %(requested)d "
                  "requested.")
                % {"item": item_name(level.variant), "available": available,
                   "requested": -delta}
            )
        raise InvalidInput(
            _("“%(item)s” would hold more than %(maximum)d units.")
            % {"item": item_name(level.variant), "maximum": MAX_QUANTITY},
            field="delta",
        )
    level.quantity = StockLevel.objects.values_list("quantity", flat=True).get(pk=level.pk)
    movement = StockMovement(level=level, delta=delta, quantity_after=level.quantity,
                             reason=reason, note=note, actor=actor)
    if related is not None:
        movement.related = related
    movement.save()
    shop_pages_changed()
    return movement


# ---------------------------------------------------------------------------------------------
# Changes


@transaction.atomic
def adjust_stock(*, variant: Variant, delta: int, reason: str, actor=None, note: str = "",
                 location: StockLocation | None = None, related=None) -> StockMovement:
    """Add (``delta`` > 0) or remove (``delta`` < 0) units. Raises InsufficientStock, naming the
    item and what is available, when fewer than ``-delta`` units are there; nothing is written."""
    delta = _clean_delta(delta)
    reason = _clean_reason(reason, delta)
    note = _clean_note(note)
    level = ensure_level(variant, location)
    return _apply(level, delta, reason=reason, actor=actor, note=note, related=related)


@transaction.atomic
def set_stock(*, variant: Variant, quantity: int, actor, note: str = "",
              location: StockLocation | None = None) -> StockMovement | None:
    """Stocktake: the level becomes the counted ``quantity``; the difference is recorded as a
    stocktake correction. Returns None (and writes nothing) when the count matches."""
    quantity = _clean_quantity(quantity, minimum=0, field="quantity")
    note = _clean_note(note)
    level = ensure_level(variant, location)
    # Locked, the level cannot move between reading it and applying the difference.
    current = StockLevel.objects.select_for_update().values_list("quantity", flat=True).get(
        pk=level.pk
    )
    if quantity == current:
        return None
    return _apply(level, quantity - current, reason=MovementReason.STOCKTAKE, actor=actor,
                  note=note, related=None)


def _merged_lines(lines: Iterable[tuple[Variant, int]]) -> list[tuple[Variant, int]]:
    """One line per variant (quantities of repeated variants added), in variant id order."""
    merged: dict[int, list] = {}
    for variant, quantity in lines:
        quantity = _clean_quantity(quantity, minimum=1, field="quantity")
        if variant.pk in merged:
            merged[variant.pk][1] += quantity
        else:
            merged[variant.pk] = [variant, quantity]
    if not merged:
        raise InvalidInput(_("Choose at least one item."), field="lines")
    return [(variant, quantity) for variant, quantity in sorted(merged.values(),
                                                                key=lambda line: line[0].pk)]


def _move_lines(lines, *, sign: int, reason, actor, related, location) -> list[StockMovement]:
    lines = _merged_lines(lines)
    reason = _clean_reason(reason, sign)
    # Levels are created in variant order and updated in level order: every transaction takes
    # its row locks in the same order, so two orders sharing items cannot deadlock.
    levels = [(ensure_level(variant, location), quantity) for variant, quantity in lines]
    levels.sort(key=lambda line: line[0].pk)
    return [
        _apply(level, sign * quantity, reason=reason, actor=actor, note="", related=related)
        for level, quantity in levels
    ]


def _take_levels(lines: list[tuple[Variant, int]], location: StockLocation | None) -> dict:
    """Take every line from its level at ``location`` (the warehouse when None) in ONE
    conditional UPDATE, each level only while it holds the line's quantity; returns
    {variant id: (level id, quantity left)} of the levels taken from. A line missing from it
    was short (or never stocked) and the caller must undo the rest by raising.

    On PostgreSQL the levels are first locked in id order (``FOR UPDATE`` in a CTE), so two
    orders sharing items never wait for each other in opposite orders; the UPDATE then
    re-checks each quantity on the row as the last committed change left it. SQLite has one
    writer at a time (``BEGIN IMMEDIATE``)."""
    table = StockLevel._meta.db_table
    variant_ids = [variant.pk for variant, _quantity in lines]
    wanted = "CASE variant_id {} END".format(" ".join(["WHEN %s THEN %s"] * len(lines)))
    wanted_params = [value for variant, quantity in lines for value in (variant.pk, quantity)]
    if location is None:
        where_location = (f"location_id = (SELECT id FROM {StockLocation._meta.db_table} "
                          f"WHERE kind = %s)")
        location_params = [LocationKind.WAREHOUSE]
    else:
        where_location, location_params = "location_id = %s", [location.pk]
    in_variants = "variant_id IN ({})".format(", ".join(["%s"] * len(lines)))
    if connection.vendor == "postgresql":
        sql = (f"WITH locked AS (SELECT id FROM {table} WHERE {where_location} AND "
               f"{in_variants} ORDER BY id FOR UPDATE) "
               f"UPDATE {table} SET quantity = quantity - {wanted} "
               f"WHERE id IN (SELECT id FROM locked) AND quantity >= {wanted} "
               f"RETURNING variant_id, id, quantity")
        params = [*location_params, *variant_ids, *wanted_params, *wanted_params]
    else:
        sql = (f"UPDATE {table} SET quantity = quantity - {wanted} "
               f"WHERE {where_location} AND {in_variants} AND quantity >= {wanted} "
               f"RETURNING variant_id, id, quantity")
        params = [*wanted_params, *location_params, *variant_ids, *wanted_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {variant_id: (level_id, left) for variant_id, level_id, left in cursor.fetchall()}


def _refuse_short(lines: list[tuple[Variant, int]], taken: dict,
                  location: StockLocation | None) -> None:
    """InsufficientStock for the first line (in variant order) that ``_take_levels`` could
    not take, with what its level holds (0 when the item was never stocked there)."""
    for variant, quantity in lines:
        if variant.pk not in taken:
            available = StockLevel.objects.filter(
                location=location or warehouse(), variant=variant,
            ).values_list("quantity", flat=True).first() or 0
            raise InsufficientStock(
                _("Not enough stock of “%(item)s”: %(available)d available, %(requested)d "
                  "requested.")
                % {"item": item_name(variant), "available": available, "requested": quantity})


def take_stock(lines: Iterable[tuple[Variant, int]], *, reason: str = MovementReason.SALE,
               actor=None, related=None, location: StockLocation | None = None,
               savepoint: bool = True) -> list[StockMovement]:
    """Remove several items at once (e.g. an order), all or nothing: if one item is short,
    InsufficientStock names it and no level changes. ``savepoint`` False: inside a caller's
    transaction, which a short item then undoes whole (an order), no savepoint of its own.

    Two statements whatever the lines: one conditional UPDATE takes them all (``_take_levels``:
    the level rows stay locked from here to the commit, so an order takes its stock last),
    one INSERT writes their movements."""
    with transaction.atomic(savepoint=savepoint):
        return _take_lines(_merged_lines(lines), reason=reason, actor=actor, related=related,
                           location=location)


def _take_lines(lines: list[tuple[Variant, int]], *, reason, actor, related,
                location: StockLocation | None) -> list[StockMovement]:
    reason = _clean_reason(reason, -1)
    taken = _take_levels(lines, location)
    if len(taken) < len(lines):
        _refuse_short(lines, taken, location)
    movements = []
    for variant, quantity in lines:
        level_id, left = taken[variant.pk]
        level = StockLevel(pk=level_id, variant=variant, quantity=left)
        movement = StockMovement(level=level, delta=-quantity, quantity_after=left,
                                 reason=reason, actor=actor)
        if related is not None:
            movement.related = related
        movements.append(movement)
    movements.sort(key=lambda movement: movement.level_id)
    StockMovement.objects.bulk_create(movements)
    shop_pages_changed()
    return movements


@transaction.atomic
def return_stock(lines: Iterable[tuple[Variant, int]], *, reason: str = MovementReason.RELEASE,
                 actor=None, related=None,
                 location: StockLocation | None = None) -> list[StockMovement]:
    """Put several items back at once (a cancelled order, a return), or in (units an agent
    bought into their cloud stock), all or nothing."""
    return _move_lines(lines, sign=1, reason=reason, actor=actor, related=related,
                       location=location)


@transaction.atomic
def draw_cloud_stock(holder, lines: Iterable[tuple[Variant, int]], *, actor=None,
                     related=None) -> set[int]:
    """Take each line from ``holder``'s cloud stock when it holds enough for the whole line
    (一件代发); returns the ids of the variants drawn. A line it cannot cover is left for the
    caller to take from the warehouse, and no empty cloud level is created for it.

    Each draw is the usual conditional UPDATE in a savepoint: when a concurrent order took the
    units first, that line simply falls to the warehouse. Levels are drawn in their id order,
    like every multi-line change, so two transactions never lock them in opposite orders.
    """
    lines = _merged_lines(lines)
    levels = {
        level.variant_id: level
        for level in StockLevel.objects.filter(
            location__kind=LocationKind.CLOUD, location__holder=holder,
            variant__in=[variant for variant, _quantity in lines], quantity__gt=0)
    }
    candidates = []
    for variant, quantity in lines:
        level = levels.get(variant.pk)
        if level is not None and level.quantity >= quantity:
            level.variant = variant  # for messages, without another query
            candidates.append((level, quantity))
    drawn = set()
    for level, quantity in sorted(candidates, key=lambda line: line[0].pk):
        try:
            with transaction.atomic():
                _apply(level, -quantity, reason=MovementReason.CLOUD_SALE, actor=actor,
                       note="", related=related)
        except InsufficientStock:
            continue
        drawn.add(level.variant_id)
    return drawn


@transaction.atomic
def set_low_stock_threshold(variant: Variant, threshold: int,
                            location: StockLocation | None = None, *, actor) -> StockLevel:
    """The variant is listed as low on stock at or below ``threshold`` units (``actor`` must
    manage inventory)."""
    require_manager(actor, "inventory")
    threshold = _clean_quantity(threshold, minimum=0, field="threshold")
    level = ensure_level(variant, location)
    StockLevel.objects.filter(pk=level.pk).update(low_stock_threshold=threshold)
    shop_pages_changed()
    level.low_stock_threshold = threshold
    return level


# ---------------------------------------------------------------------------------------------
# Ledger verification


@dataclass(frozen=True)
class LedgerProblem:
    level: StockLevel
    ledger_sum: int
    last_quantity_after: int | None

    def __str__(self):
        message = _(
            "%(item)s at %(location)s: level %(quantity)d, sum of movements %(sum)d"
        ) % {"item": item_name(self.level.variant), "location": self.level.location,
             "quantity": self.level.quantity, "sum": self.ledger_sum}
        if self.last_quantity_after not in (None, self.level.quantity):
            message += _(", last movement left %(after)d") % {"after": self.last_quantity_after}
        return message


def verify_ledger() -> list[LedgerProblem]:
    """Levels that disagree with their ledger, in one query: those whose quantity is not the sum
    of their movements, or not the quantity their latest movement left."""
    latest = StockMovement.objects.filter(level=OuterRef("pk")).order_by("-id")
    levels = (
        StockLevel.objects.select_related("variant__product", "location")
        .annotate(
            ledger_sum=Coalesce(Sum("movements__delta"), 0),
            last_quantity_after=Subquery(latest.values("quantity_after")[:1]),
        )
        .filter(
            ~Q(ledger_sum=F("quantity"))
            | (Q(last_quantity_after__isnull=False) & ~Q(last_quantity_after=F("quantity")))
        )
        .order_by("pk")
    )
    return [LedgerProblem(level, level.ledger_sum, level.last_quantity_after)
            for level in levels]

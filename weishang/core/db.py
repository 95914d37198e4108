"""Bulk writes in plain SQL, for the few places that write thousands of rows at once.

``QuerySet.bulk_create`` and ``bulk_update`` build a new statement for every batch (on SQLite
every 999 values) and ``bulk_update`` writes a CASE over every field of every row; for an import
of 100k rows that preparation, not the database, took most of the time. These helpers prepare
one statement and run it once per row (``executemany``). The SQL is the common subset of SQLite
and PostgreSQL (``ON CONFLICT DO NOTHING`` included).
"""

from collections.abc import Hashable

from django.db import connections, router


def insert_all(objects: list, *, ignore_conflicts: bool = False) -> None:
    """INSERT new instances of one model with one statement run once per row
    (``executemany``); no ids come back; rows breaking a unique constraint are left out when
    ``ignore_conflicts``. ``bulk_create`` writes SQL for every 999 values on
    SQLite and spent most of an import preparing them; here the values that repeat (one
    timestamp for the batch, empty dates, a shared foreign key) are prepared once.

    For a model without parent models whose primary key the database assigns; like
    ``bulk_create``, it calls no ``save()`` and sends no signals (``auto_now`` and
    ``auto_now_add`` fields get one moment for the whole batch)."""
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    model_fields = [candidate for candidate in model._meta.local_concrete_fields
                    if not candidate.primary_key]
    for model_field in model_fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add",
                                                              False):
            moment = model_field.pre_save(objects[0], True)
            for instance in objects:
                setattr(instance, model_field.attname, moment)
    prepared: dict[tuple[int, object], object] = {}

    def value(position: int, model_field, instance):
        raw = getattr(instance, model_field.attname)
        if isinstance(raw, str) or not isinstance(raw, Hashable):
            return model_field.get_db_prep_save(raw, connection)
        key = (position, raw)
        if key not in prepared:
            prepared[key] = model_field.get_db_prep_save(raw, connection)
        return prepared[key]

    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(model_field.column) for model_field in model_fields),
        ", ".join(["%s"] * len(model_fields)))
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"  # SQLite and PostgreSQL alike
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[value(position, model_field, instance)
                                  for position, model_field in enumerate(model_fields)]
                                 for instance in objects])


def update_each(model, names: list[str], rows: list[list]) -> None:
    """UPDATE the fields ``names`` of many rows with one statement (``executemany``); each row
    is the fields' values, then the primary key."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in names]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(model_field.column)} = %s" for model_field in model_fields),
        quote(model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            [*(model_field.get_db_prep_save(value, connection)
               for model_field, value in zip(model_fields, row[:-1], strict=True)), row[-1]]
            for row in rows])

"""The bulk SQL helpers: rows inserted once each, conflicts left out on request, many rows
updated with one statement (SQLite here; CI runs the suite on PostgreSQL too)."""

import pytest
from django.db import IntegrityError

from weishang.core.db import insert_all, update_each
from weishang.customers.models import Tag

pytestmark = pytest.mark.django_db


def test_insert_all_writes_every_row_and_nothing_for_none():
    insert_all([])
    insert_all([Tag(name="老客"), Tag(name="VIP")])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["VIP", "老客"]


def test_insert_all_leaves_out_conflicting_rows_only_when_asked():
    Tag.objects.create(name="老客")
    insert_all([Tag(name="老客"), Tag(name="新客")], ignore_conflicts=True)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["新客", "老客"]
    with pytest.raises(IntegrityError):
        insert_all([Tag(name="老客")])


def test_update_each_sets_each_rows_own_values():
    first, second = Tag.objects.create(name="a"), Tag.objects.create(name="b")
    update_each(Tag, ["name"], [["老客", first.pk], ["新客", second.pk]])
    assert dict(Tag.objects.values_list("pk", "name")) == {first.pk: "老客", second.pk: "新客"}

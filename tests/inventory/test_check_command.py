from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from tests.factories import VariantFactory
from weishang.inventory import services

pytestmark = pytest.mark.django_db


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_check_runs_the_system_checks_and_passes_a_consistent_ledger(stocked):
    stocked(VariantFactory(), 5)
    stocked(VariantFactory(), 0, threshold=2)
    out, _err = run_check()
    assert "System check identified no issues" in out
    assert "Stock ledger: 2 levels, all equal to the sum of their movements." in out


def test_check_fails_after_a_level_is_changed_behind_the_ledger(variant, stocked):
    stocked(variant, 5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET quantity = 4")
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failed:
        call_command("check", stdout=StringIO(), stderr=err)
    assert "1 level differs from its movements" in str(failed.value)
    assert "真丝围巾 红 / M" in err.getvalue() and "level 4, sum of movements 5" in err.getvalue()


def test_check_fails_with_a_non_zero_exit_code_from_the_command_line(variant, stocked):
    stocked(variant, 5)
    services.ensure_level(VariantFactory())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET quantity = quantity + 3")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["weishang", "check"])
    assert exited.value.code != 0


def test_check_still_lists_tags_without_touching_the_ledger():
    out = StringIO()
    call_command("check", list_tags=True, stdout=out)
    assert "models" in out.getvalue() and "Stock ledger" not in out.getvalue()

"""`weishang importcustomers FILE [--skip-bad-rows] [--dry-run] [--user NAME]`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.factories import UserFactory
from weishang.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def customer_file(tmp_path):
    def write(*rows, encoding="gbk"):
        path = tmp_path / "客户.csv"
        path.write_bytes("\n".join(",".join(row) for row in (("姓名", "手机"), *rows))
                         .encode(encoding))
        return path

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("importcustomers", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_as_the_owner_and_merges_on_the_second_run(owner, customer_file):
    path = customer_file(("张三", "13812345678"), ("李四", "13812345679"))
    out, err = run(path)
    assert out.strip() == "Imported. Rows: 2 · new: 2 · merged: 0 · skipped: 0."
    assert err == ""
    assert set(Customer.objects.values_list("seller__username", flat=True)) == {"owner"}
    out, _err = run(path)
    assert out.strip() == "Imported. Rows: 2 · new: 0 · merged: 2 · skipped: 0."
    assert Customer.objects.count() == 2


def test_bad_rows_stop_the_import_and_are_listed(owner, customer_file):
    path = customer_file(("张三", "13812345678"), ("", "138"))
    with pytest.raises(CommandError, match="1 row is wrong; nothing was imported."):
        run(path)
    assert not Customer.objects.exists()
    _out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("importcustomers", str(path), stderr=err)
    assert err.getvalue().strip() == (
        "Row 3: Enter the name. “138” is not a mainland China mobile number of 11 digits.")


def test_skip_bad_rows_and_dry_run(owner, customer_file):
    path = customer_file(("张三", "13812345678"), ("", "138"))
    out, err = run(path, "--dry-run")
    assert out.strip() == "Checked, nothing imported. Rows: 2 · new: 1 · merged: 0 · wrong: 1."
    assert "Row 3:" in err
    assert not Customer.objects.exists()
    out, _err = run(path, "--skip-bad-rows")
    assert out.strip() == "Imported. Rows: 2 · new: 1 · merged: 0 · skipped: 1."
    assert Customer.objects.get().name == "张三"


def test_as_an_agent_the_customers_are_the_agents(owner, customer_file):
    agent = UserFactory(role="agent", username="agent1")
    run(customer_file(("张三", "13812345678")), "--user", "agent1")
    assert Customer.objects.get().seller == agent


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv"], "Cannot open missing.csv: No such file or directory"),
    (["{file}", "--user", "nobody"], "No active user nobody."),
    (["{file}", "--user", "packer"], "packer may not manage customers."),
], ids=["no-file", "no-user", "no-area"])
def test_refusals(owner, customer_file, args, message, monkeypatch, tmp_path):
    UserFactory(role="staff", username="packer", areas=["orders"])
    monkeypatch.chdir(tmp_path)
    path = customer_file(("张三", "13812345678"))
    with pytest.raises(CommandError) as refused:
        run(*(arg.format(file=path) for arg in args))
    assert str(refused.value) == message


def test_a_wrong_file_is_refused_with_its_message(owner, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="This file cannot be read"):
        run(path)


def test_a_development_zone_or_a_former_name_in_the_region_columns_is_imported(owner, tmp_path):
    """The demo's own customer 何佳 lives in 江苏省 苏州市 工业园区: its export imported back was
    refused, the zone not being a district. It goes to the street, the district to choose."""
    path = tmp_path / "客户.csv"
    path.write_text("姓名,手机,省,市,区,详细地址\n"
                    "何佳,13913578642,江苏省,苏州市,工业园区,星湖街328号创意产业园6栋\n"
                    "张三,13812345678,上海市,上海市,闸北区,天目中路380号\n", encoding="utf-8")
    out, _err = run(path)
    assert out.strip() == "Imported. Rows: 2 · new: 2 · merged: 0 · skipped: 0."
    he_jia = Customer.objects.get(name="何佳")
    assert (he_jia.province, he_jia.city, he_jia.district) == ("江苏省", "苏州市", "")
    assert he_jia.addresses.get().street == "工业园区星湖街328号创意产业园6栋"
    assert Customer.objects.get(name="张三").district == "静安区"

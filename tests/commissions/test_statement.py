"""The agent's statement: each earning once, with where its money is now (pending, frozen until
a date, available, taken back), what refunds took back and withdrawals — never the moves of
money between buckets, which would show every sale three times."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.api_clients import english_client
from tests.commissions.earning import (
    after_window,
    agent,
    complete,
    refund,
    sell,
    upline_commission,
)
from weishang.commissions.queries import statement_for
from weishang.commissions.services.settlement import settle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def seller():
    return agent()


@pytest.fixture
def sales(seller):
    """One sale in each state: paid, completed (frozen), settled (available), refunded before
    and after settlement."""
    paid = sell(seller, price="10.00")
    frozen = complete(sell(seller, price="20.00"))
    settled = complete(sell(seller, price="30.00"), at=frozen.completed_at - timedelta(days=8))
    reversed_ = complete(sell(seller, price="50.00"), at=settled.completed_at)
    refunded = complete(sell(seller, price="40.00"))
    settle(now=after_window(settled))
    refund(refunded)
    refund(reversed_)
    return paid, frozen, settled, refunded, reversed_


def test_the_statement_lists_each_earning_once_with_its_state(seller, sales):
    api = english_client(seller.user)
    rows = api.get("/api/v1/earnings/ledger/").json()["results"]
    by_order = {}
    for row in rows:
        by_order.setdefault(row["order"], []).append((row["kind"], row["state"], row["amount"]))
    paid, frozen, settled, refunded, reversed_ = sales
    assert by_order[paid.number] == [("sale", "pending", "3.00")]
    assert by_order[frozen.number] == [("sale", "frozen", "6.00")]
    assert by_order[settled.number] == [("sale", "available", "9.00")]
    assert sorted(by_order[refunded.number]) == [("cancel", None, "-12.00"),
                                                 ("sale", "taken_back", "12.00")]
    assert sorted(by_order[reversed_.number]) == [("reversal", None, "-15.00"),
                                                  ("sale", "taken_back", "15.00")]
    assert "settle" not in {row["kind"] for row in rows}
    frozen_row = next(row for row in rows if row["state"] == "frozen")
    due = datetime.fromisoformat(frozen_row["due"])  # an aware moment: no date to mix up
    assert abs(due - (frozen.completed_at + timedelta(days=7))) < timedelta(milliseconds=1)


def test_the_statement_page_says_when_frozen_money_becomes_available(
        client, seller, sales, django_assert_max_num_queries):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(seller.user)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("earnings:home")).content.decode()
    frozen = sales[1]
    # The page speaks the shop's time (Beijing): from 16:00 UTC on, its date is the next day.
    due = timezone.localtime(frozen.completed_at + timedelta(days=7))
    assert f"Frozen for the after-sales window, available from {due:%Y-%m-%d %H:%M}" in page
    assert page.count('data-state="available"') == 1
    assert page.count('data-state="taken_back"') == 2
    assert 'data-entry="settle"' not in page


def test_the_statement_reads_its_partial_index(seller):
    """The statement's filter repeats the index's condition, so a page of a long ledger is an
    index search, not a scan of the agent's moves (SQLite's plan says so; PostgreSQL picks by
    table size)."""
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")
    sql, params = statement_for(seller)[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "USING INDEX commissions_entry_statement" in plan


def test_an_upline_sees_only_the_end_of_the_number_of_a_sale_in_another_shop(client):
    """With the buyer's mobile number (a customer both may share), the whole number of the
    downline's order would open the buyer's private page at the order lookup."""
    upline_commission("10")
    upline = agent()
    downline = agent(upline=upline)
    sale = sell(downline, price="100.00")
    own_sale = sell(upline, price="50.00")
    rows = english_client(upline.user).get("/api/v1/earnings/ledger/").json()["results"]
    assert sorted(row["order"] for row in rows) == sorted([f"…{sale.number[-4:]}",
                                                           own_sale.number])
    client.force_login(upline.user)
    page = client.get(reverse("earnings:home")).content.decode()
    assert sale.number not in page and f"…{sale.number[-4:]}" in page
    assert own_sale.number in page
    downline_rows = english_client(downline.user).get("/api/v1/earnings/ledger/").json()
    assert [row["order"] for row in downline_rows["results"]] == [sale.number]

"""The upline never takes more than the seller earns: the upline commission is a share of the
seller's earning on each line, paid out of the owner's share and never below the goods' cost;
and it is worked out per order, so how a cart is split into lines never changes it (the cents
go to the lines by largest remainder). Through the API as the owner sets it up and a customer
buys, and as a property over random carts."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api_clients import english_client
from tests.commissions.earning import RECIPIENT, agent, money, the_owner, upline_commission
from tests.factories import AgentLevelFactory, ProductFactory, VariantFactory
from weishang.catalog import services as catalog
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import EntryKind, LedgerEntry
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.orders import services as orders
from weishang.orders.models import OrderLine
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db


def stocked_variant(price, cost=None, quantity=1000):
    variant = VariantFactory(product=ProductFactory(), retail_price=price, cost_price=cost)
    inventory.adjust_stock(variant=variant, delta=quantity, reason=MovementReason.INITIAL)
    return variant


def set_upline_percent(owner, percent):
    answer = english_client(owner).patch("/api/v1/earnings/settings/", {
        "upline_enabled": True, "upline_percent": percent, "confirm_upline": True},
        format="json")
    assert answer.status_code == 200
    return answer.json()


def bought_and_paid(owner, seller, lines):
    """A customer's checkout of ``lines`` [(variant, quantity)] in the seller's shop, paid."""
    placed = english_client().post("/api/v1/checkout/", {
        "shop_code": seller.user.shop.code,
        "lines": [{"variant": variant.public_id, "quantity": quantity}
                  for variant, quantity in lines],
        "recipient": {"name": "张三", "phone": RECIPIENT.phone, "province": "广东省",
                      "city": "深圳市", "district": "南山区", "street": "科技园"},
    }, format="json")
    assert placed.status_code == 201, placed.json()
    number = placed.json()["number"]
    paid = english_client(owner).post(f"/api/v1/orders/{number}/confirm-payment/", {},
                                      format="json")
    assert paid.status_code == 200
    return number


def ledger_of(who):
    return {row["kind"]: row["amount"] for row in english_client(who.user).get(
        "/api/v1/earnings/ledger/").json()["results"]}


@pytest.fixture
def tejue():
    """特约: 20% off retail."""
    return AgentLevelFactory(rank=1, name="特约", discount_percent=Decimal("20"))


@pytest.mark.parametrize(("percent", "upline_earns"), [
    ("33.30", "5.93"),  # before: ¥29.64, a third of the price, against the seller's ¥17.80
    ("99.99", "17.80"),  # before: ¥71.20, the owner's whole share
])
def test_the_upline_gets_a_share_of_the_sellers_earning_never_more(owner, tejue, percent,
                                                                   upline_earns):
    shown = set_upline_percent(owner, percent)
    assert "of the seller's earning" in shown["upline_warning"]
    upline = agent(level=tejue)
    seller = agent(level=tejue, upline=upline)
    bought_and_paid(owner, seller, [(stocked_variant("89.00"), 1)])
    assert ledger_of(seller) == {"sale": "17.80"}, "the seller's earning is not cut"
    assert ledger_of(upline) == {"upline": upline_earns}


def test_the_owner_keeps_the_goods_cost_the_commission_is_cut(owner, tejue):
    set_upline_percent(owner, "99.99")
    upline = agent(level=tejue)
    seller = agent(level=tejue, upline=upline)
    variant = stocked_variant("89.00")
    catalog.update_variant(variant, retail_price=Decimal("89.00"), cost_price=Decimal("60.00"))
    bought_and_paid(owner, seller, [(variant, 2)])
    assert ledger_of(seller) == {"sale": "35.60"}
    assert ledger_of(upline) == {"upline": "22.40"}, "the owner keeps 2 × ¥60 of ¥142.40"
    # Above its cost the owner has nothing to share: the upline gets nothing.
    costly = stocked_variant("89.00", cost="75.00")
    bought_and_paid(owner, seller, [(costly, 1)])
    assert LedgerEntry.objects.filter(kind=EntryKind.UPLINE).count() == 1
    assert verify_earnings() == []


def test_the_check_proves_the_upline_within_the_seller_and_the_cost(owner, tejue):
    upline_commission("50")
    upline = agent(level=tejue)
    seller = agent(level=tejue, upline=upline)
    number = bought_and_paid(owner, seller, [(stocked_variant("89.00", cost="60.00"), 1)])
    assert verify_earnings() == []
    line = OrderLine.objects.get(order__number=number)
    # Written behind the services' back: 8.90 + 11.10 for the upline, above the seller's 17.80
    # and leaving the owner 51.20 of goods that cost 60.
    LedgerEntry.objects.create(agent=upline, kind=EntryKind.UPLINE, bucket="pending",
                               amount=Decimal("11.10"), order=line.order, order_line=line,
                               key=f"upline:{line.pk}:again")
    problems = [str(problem) for problem in verify_earnings()]
    assert f"Order line {line.pk}: the upline earned 20.00, the seller 17.80" in problems
    assert (f"Order line {line.pk}: an upline commission left the owner 51.20 of goods that "
            f"cost 60.00") in problems


def test_three_lines_of_two_fen_pay_what_one_line_of_three_pays(owner):
    set_upline_percent(owner, "33.30")
    upline = agent()
    seller = agent(upline=upline)  # 30% off: a ¥0.02 unit costs ¥0.01, earns ¥0.01
    split = bought_and_paid(owner, seller, [(stocked_variant("0.02"), 1) for _ in range(3)])
    whole = bought_and_paid(owner, seller, [(stocked_variant("0.02"), 3)])

    def upline_paid(number):
        return sum(LedgerEntry.objects.filter(order__number=number, kind=EntryKind.UPLINE)
                   .values_list("amount", flat=True), Decimal(0))

    assert upline_paid(split) == upline_paid(whole) == money("0.01"), "before: 0.03 and 0.01"
    # Three equal remainders: the one fen goes to the first line.
    first_line = OrderLine.objects.filter(order__number=split).order_by("id").first()
    assert LedgerEntry.objects.get(order__number=split, kind=EntryKind.UPLINE).order_line == (
        first_line)


# --- the property ---------------------------------------------------------------------------

units = st.lists(st.fixed_dictionaries({
    "cents": st.integers(1, 50_000),
    "level_share": st.one_of(st.none(), st.decimals("0.01", "1.10", places=2)),
    "cost_share": st.one_of(st.none(), st.decimals("0", "1.00", places=2)),
    "quantity": st.integers(1, 4),
}), min_size=1, max_size=5)


def _cart(kinds, *, split: bool):
    """Fresh variants for each kind of unit; ``split``: each unit a line of its own (a variant
    per unit, same price, cost and level price), else one line per kind."""
    lines = []
    for kind in kinds:
        price = Decimal(kind["cents"]) / 100
        cost = (None if kind["cost_share"] is None
                else (price * kind["cost_share"]).quantize(Decimal("0.01")))
        for quantity in ([1] * kind["quantity"] if split else [kind["quantity"]]):
            lines.append((stocked_variant(str(price), cost=cost, quantity=quantity), quantity,
                          kind["level_share"]))
    return lines


def _order_of(seller, lines):
    owner = the_owner()
    order = orders.place_order(shop=seller.user.shop, recipient=RECIPIENT,
                               lines=[CartLine(variant.public_id, quantity)
                                      for variant, quantity, _share in lines])
    for variant, _quantity, share in lines:
        if share is not None:
            line = OrderLine.objects.get(order=order, variant=variant)
            OrderLine.objects.filter(pk=line.pk).update(
                level_price=max(Decimal("0.01"), (line.unit_price * share).quantize(
                    Decimal("0.01"))))
    return orders.confirm_payment(order, actor=owner)


def _paid_per_line(order, kind):
    return dict(LedgerEntry.objects.filter(order=order, kind__in=kind)
                .values_list("order_line_id", "amount"))


def _fen(amount) -> int:
    return int(amount * 100)


def _order_figure(order, percent) -> Decimal:
    """The upline's commission on the order worked out by hand: each line's exact share of the
    seller's earning within the owner's share above cost, summed, rounded half up once."""
    sellers = _paid_per_line(order, (EntryKind.SALE, EntryKind.CLOUD_SALE))
    basis_points, exact = int(percent * 100), 0
    for line in order.lines.all():
        seller = _fen(sellers.get(line.pk, 0))
        cost = _fen(line.cost_price) * line.quantity if line.cost_price is not None else 0
        margin = _fen(line.line_total) - seller - cost
        exact += min(seller * basis_points, margin * 10000) if margin > 0 else 0
    return Decimal((exact + 5000) // 10000) / 100


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=units, percent=st.decimals("0.01", "99.99", places=2))
def test_how_the_cart_is_split_never_changes_what_anyone_earns(kinds, percent):
    with transaction.atomic():
        upline_commission(percent)
        upline = agent()
        seller = agent(upline=upline)
        split, whole = (_order_of(seller, _cart(kinds, split=flag)) for flag in (True, False))
        sales = (EntryKind.SALE, EntryKind.CLOUD_SALE)
        for kind in (sales, (EntryKind.UPLINE,)):
            assert (sum(_paid_per_line(split, kind).values(), Decimal(0))
                    == sum(_paid_per_line(whole, kind).values(), Decimal(0)))
        for order in (split, whole):
            assert sum(_paid_per_line(order, (EntryKind.UPLINE,)).values(), Decimal(0)) == (
                _order_figure(order, percent)), "the lines add up to the order's figure"
            seller_lines = _paid_per_line(order, sales)
            for line, commission in _paid_per_line(order, (EntryKind.UPLINE,)).items():
                assert commission <= seller_lines[line], "never more than the seller, per line"
        assert verify_earnings() == [], "within paid, the seller and the owner's cost per line"
        transaction.set_rollback(True)

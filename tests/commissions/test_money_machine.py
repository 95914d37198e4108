"""Money that holds when agents try to game it: a state machine over a small network.

Five agents (0 at the top, 1 under 0, 2 under 1, 3 under 0 at a level the owner gave her, 4
on her own), three customers and four goods (some with a cost price, one at ¥0.03). Each step
is one move a shop sees, through the services and, where an agent or the owner would use it,
the API: customers buy in agents' shops; agents try to buy in their own shop (refused), in
their downlines', uplines' and unrelated agents' shops and in the owner's, by mobile number,
logged in, or both; orders are paid, shipped, completed, cancelled; refund requests are
opened, declined and refunded across settlement runs; time passes and settlement runs on a
simulated clock (``now=``, never a sleep); withdrawals are requested, approved, rejected and
paid between a sale and its reversal; the owner changes the after-sales window, the upline
share and whether agents' orders earn, and the upgrade policy, runs upgrades and decides
flagged levels; agents buy stock into their cloud stock.

After every step: ``weishang check``'s ledgers are clean; nobody was paid out more than their
settled net earnings when paid; nobody earns on an order they bought; an upline never earns
more than the seller on a line; nothing is released while a refund request is open or before
the order's own after-sales deadline, which never moves; an order bought by an agent earns
only when the owner said so; levels follow the chosen upgrade policy, measured on real retail
as this test's own model of who bought what sees it.

Bounded and deterministic for CI; ``WEISHANG_MONEY_EXAMPLES`` and ``WEISHANG_MONEY_STEPS``
run it longer.
"""

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.api_clients import english_client
from tests.commissions.earning import the_owner
from tests.factories import AgentFactory, AgentLevelFactory, ProductFactory, VariantFactory
from weishang.accounts.services import owner_shop
from weishang.commissions.models import (
    AgentBalance,
    Bucket,
    CommissionSettings,
    EntryKind,
    FrozenRelease,
    LedgerEntry,
    SettlementRun,
)
from weishang.commissions.services import EARNING_KINDS
from weishang.commissions.services.rules import update_commission_settings
from weishang.commissions.services.settlement import settle
from weishang.core.errors import Conflict
from weishang.core.management.commands.check import Command as CheckCommand
from weishang.core.money import to_money
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.network import services as network
from weishang.network.models import Agent, Combination, NetworkSettings, UpgradeReview
from weishang.network.pricing import discounted
from weishang.network.upgrades.services import full_months, run_upgrades
from weishang.orders import services as orders
from weishang.orders.models import BuyerRelation, Order, OrderState, ShopSettings
from weishang.orders.purchases import services as purchases
from weishang.orders.services import CartLine, Recipient

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("WEISHANG_MONEY_EXAMPLES", "20"))
STEPS = int(os.environ.get("WEISHANG_MONEY_STEPS", "50"))

#: Each agent's upline (an index), and the rank she starts at (3's is the owner's decision).
TREE = (None, 0, 1, 0, None)
START_RANKS = (1, 1, 1, 2, 1)
#: 0 joined long ago: months active may move her up as the clock runs.
JOINED_DAYS_AGO = (80, 10, 10, 10, 10)
CUSTOMERS = ("13700000001", "13700000002", "13700000003")
#: (retail price, the owner's cost or None)
GOODS = (("100.00", "65.00"), ("19.99", None), ("0.03", None), ("59.90", "50.00"))
#: rank: (discount %, combination, conditions)
LEVELS = {
    1: ("20.00", Combination.ALL, {}),
    2: ("30.00", Combination.ALL, {"retail_sales": Decimal(200), "retail_customers": Decimal(2)}),
    3: ("40.00", Combination.ANY, {"retail_sales": Decimal(500), "months_active": Decimal(3)}),
}
TIME_STEPS = (timedelta(0), timedelta(hours=1), timedelta(days=1), timedelta(days=3),
              timedelta(days=8), timedelta(days=31))
ADDRESS = {"province": "广东省", "city": "深圳市", "district": "南山区", "street": "科技园1号"}


@dataclass(frozen=True)
class World:
    """What every example starts from (made once, outside the examples' rollbacks)."""

    owner: object
    agents: tuple[int, ...]  # their pks, by index
    variants: tuple[str, ...]  # public ids


def build_world() -> World:
    owner = the_owner()
    owner_shop()  # made now: an example's rollback would take it away again
    levels = {}
    for rank, (discount, combination, conditions) in LEVELS.items():
        level = AgentLevelFactory(rank=rank, name=f"级别{rank}", discount_percent=discount)
        network.save_level(None, network.LevelData(
            rank=rank, name=level.name, discount_percent=Decimal(discount),
            combination=combination, conditions=conditions), level)
        levels[rank] = level
    agents = []
    for index, upline in enumerate(TREE):
        agents.append(AgentFactory(
            level=levels[START_RANKS[index]], upline=agents[upline] if upline is not None else None,
            joined_at=timezone.now() - timedelta(days=JOINED_DAYS_AGO[index]),
            user__phone=f"1390000000{index}"))
    variants = []
    for price, cost in GOODS:
        variant = VariantFactory(product=ProductFactory(), retail_price=price, cost_price=cost)
        inventory.adjust_stock(variant=variant, delta=100_000, reason=MovementReason.INITIAL)
        variants.append(variant.public_id)
    return World(owner, tuple(agent.pk for agent in agents), tuple(variants))


def uplines(index: int) -> list[int]:
    chain, upline = [], TREE[index]
    while upline is not None:
        chain.append(upline)
        upline = TREE[upline]
    return chain


def expected_relation(shop: int | None, buyer: int) -> str:
    """How agent ``buyer`` stands to the seller of ``shop`` (None: the owner's shop)."""
    if shop is None:
        return BuyerRelation.AGENT
    if buyer == shop:
        return BuyerRelation.SELF
    if shop in uplines(buyer):
        return BuyerRelation.TEAM
    if buyer in uplines(shop):
        return BuyerRelation.UPLINE
    return BuyerRelation.AGENT


def dashed(phone: str) -> str:
    return f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"


@dataclass
class Sale:
    """A retail order as this model knows it: whose shop, who really bought it."""

    pk: int
    shop: int | None  # an agent's index, None: the owner's shop
    buyer: int | None  # an agent's index, None: a customer
    phone: str
    state: str = OrderState.PENDING_PAYMENT
    deadline: datetime | None = None  # the after-sales deadline it completed with


@dataclass
class Payout:
    public_id: str
    agent: int
    state: str = "requested"


def settled_net(agent_pk: int) -> Decimal:
    """What settlement made available to the agent, less what refunds reversed since (to the
    fen: SQLite sums in floating point)."""
    return to_money(LedgerEntry.objects.filter(
        agent_id=agent_pk, bucket=Bucket.AVAILABLE,
        kind__in=[EntryKind.SETTLE, EntryKind.REVERSAL]).aggregate(
        total=Sum("amount"))["total"] or 0)


def bucket_total(agent_pk: int, bucket: str) -> Decimal:
    return (AgentBalance.objects.filter(agent_id=agent_pk).values_list(bucket, flat=True)
            .first()) or Decimal(0)


picks = st.integers(min_value=0, max_value=10_000)
carts = st.lists(st.tuples(st.integers(0, len(GOODS) - 1), st.integers(1, 3)),
                 min_size=1, max_size=3, unique_by=lambda line: line[0])
#: Mostly agents' shops; None is the owner's.
shops = st.sampled_from((0, 1, 2, 3, 4, None))
#: How far a new order goes at once: completed, placed, paid or shipped.
progress = st.sampled_from((3, 0, 1, 2))
#: What runs as time passes: the hourly settlement, the daily upgrades, both or neither.
JOBS = ("settlement", "upgrades", "settlement and upgrades", "nothing")
settings_changes = st.one_of(
    st.tuples(st.just("after-sales window"), st.sampled_from((7, 0, 1, 30))),
    st.tuples(st.just("commission"), st.tuples(
        st.booleans(), st.sampled_from(("10", "0.01", "33.33", "50", "99.99")), st.booleans())),
    st.tuples(st.just("upgrade policy"), st.sampled_from(UpgradeReview.values)))


class MoneyMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self._example = transaction.atomic()
        self._example.__enter__()
        self.now = timezone.now()
        self.sales: list[Sale] = []
        self.payouts: list[Payout] = []
        self.paid_out = {pk: Decimal(0) for pk in self.world.agents}
        # The lowest rank each agent may be at: where she started, or what the owner kept.
        self.floors = dict(zip(self.world.agents, START_RANKS, strict=True))
        self.after_sales_days = ShopSettings.load().after_sales_days

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    # -- helpers ---------------------------------------------------------------------------

    @property
    def owner(self):
        return self.world.owner

    def agent(self, index: int) -> Agent:
        return Agent.objects.select_related("user", "level").get(pk=self.world.agents[index])

    def clock(self, step: timedelta = timedelta(0)) -> datetime:
        """The simulated time, moved on by ``step``; never behind the real clock, which stamps
        payments and shipments."""
        self.now = max(self.now + step, timezone.now())
        return self.now

    def pick(self, pick: int, *states) -> Sale:
        candidates = [sale for sale in self.sales if sale.state in states]
        return candidates[pick % len(candidates)]

    def has(self, *states) -> bool:
        return any(sale.state in states for sale in self.sales)

    def order(self, sale: Sale) -> Order:
        return Order.objects.get(pk=sale.pk)

    @initialize(carts=st.lists(carts, min_size=len(TREE), max_size=len(TREE)))
    def a_week_of_selling(self, carts):
        """Each agent's shop sold to a customer, completed and settled: money to withdraw,
        and settled earnings a refund can reverse, from the first step."""
        for index, cart in enumerate(carts):
            self._progress(self._checkout(index, None, CUSTOMERS[index % len(CUSTOMERS)],
                                          None, cart), 3)
        self.time_passes(timedelta(days=self.after_sales_days, hours=1), "settlement")

    # -- buying ----------------------------------------------------------------------------

    @rule(shop=shops, customer=st.integers(0, len(CUSTOMERS) - 1), cart=carts,
          progress=progress)
    def customer_buys(self, shop, customer, cart, progress):
        self._progress(self._checkout(shop, None, CUSTOMERS[customer], None, cart), progress)

    @rule(shop=shops, buyer=st.integers(0, len(TREE) - 1),
          how=st.sampled_from(("phone", "dashed phone", "login", "login and phone")), cart=carts,
          progress=progress)
    def agent_buys(self, shop, buyer, how, cart, progress):
        """In her own shop (refused), her team's, her uplines', another agent's or the
        owner's; by her mobile number, logged in with a friend's, or both."""
        agent = self.agent(buyer)
        phone = {"phone": agent.user.phone, "dashed phone": dashed(agent.user.phone),
                 "login": CUSTOMERS[0]}.get(how, agent.user.phone)
        user = agent.user if how.startswith("login") else None
        if buyer == shop:
            self._own_shop_refused(shop, phone, user, cart)
        else:
            self._progress(self._checkout(shop, buyer, phone, user, cart), progress)

    def _lines(self, cart) -> list[CartLine]:
        return [CartLine(self.world.variants[goods], quantity) for goods, quantity in cart]

    def _shop(self, shop: int | None):
        return self.agent(shop).user.shop if shop is not None else owner_shop()

    def _checkout(self, shop, buyer, phone, user, cart) -> Sale:
        order = orders.place_order(shop=self._shop(shop), lines=self._lines(cart),
                                   recipient=Recipient(name="买家", phone=phone, **ADDRESS),
                                   buyer_user=user)
        relation = BuyerRelation.CUSTOMER if buyer is None else expected_relation(shop, buyer)
        assert order.buyer_relation == relation
        assert order.buyer_agent_id == (None if buyer is None else self.world.agents[buyer])
        if shop is not None:
            level = self.agent(shop).level
            for line in order.lines.select_related("variant"):
                assert line.level_price == discounted(line.variant.retail_price, level)
                if line.stock_source == "cloud":
                    assert buyer is None, "an agent's cloud stock serves customers only"
        sale = Sale(order.pk, shop, buyer, phone)
        self.sales.append(sale)
        return sale

    def _own_shop_refused(self, shop, phone, user, cart):
        """Through the API, as an agent would try it: refused, nothing written."""
        before = Order.objects.count()
        answer = english_client(user).post("/api/v1/checkout/", {
            "shop_code": self._shop(shop).code,
            "lines": [{"variant": line.variant_public_id, "quantity": line.quantity}
                      for line in self._lines(cart)],
            "recipient": {"name": "自己", "phone": phone, **ADDRESS}}, format="json")
        assert (answer.status_code, answer.json()["code"]) == (409, "own_shop")
        assert Order.objects.count() == before

    def _progress(self, sale: Sale, progress: int) -> None:
        """Take a new order on at once: paid (1), shipped (2), completed (3)."""
        for _step in range(progress):
            self._move_on(sale)

    @rule(buyer=st.integers(0, len(TREE) - 1), goods=st.integers(0, len(GOODS) - 1),
          quantity=st.integers(1, 5))
    def agent_buys_stock_into_cloud(self, buyer, goods, quantity):
        purchase = purchases.place_purchase(
            user=self.agent(buyer).user, lines=[CartLine(self.world.variants[goods], quantity)],
            delivery="cloud")
        orders.confirm_payment(purchase, actor=self.owner)

    # -- the order's life ------------------------------------------------------------------

    @precondition(lambda self: self.has(OrderState.PENDING_PAYMENT, OrderState.PAID,
                                        OrderState.SHIPPED))
    @rule(pick=picks, step=st.sampled_from(TIME_STEPS), cancel=st.booleans())
    def order_moves_on(self, pick, step, cancel):
        """Paid, shipped or completed (``step`` later), or cancelled unpaid."""
        sale = self.pick(pick, OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.SHIPPED)
        if cancel and sale.state == OrderState.PENDING_PAYMENT:
            sale.state = orders.cancel_order(self.order(sale), actor=self.owner).state
        else:
            self._move_on(sale, step)

    def _move_on(self, sale: Sale, step: timedelta = timedelta(0)) -> None:
        order = self.order(sale)
        if sale.state == OrderState.PENDING_PAYMENT:
            agents_orders_earn = CommissionSettings.load().team_orders_earn
            order = orders.confirm_payment(order, actor=self.owner)
            if sale.shop is None or (sale.buyer is not None and not agents_orders_earn):
                assert not LedgerEntry.objects.filter(order_id=sale.pk).exists(), \
                    "an order bought by an agent earns only if the owner said so; the " \
                    "owner's shop earns nobody anything"
        elif sale.state == OrderState.PAID:
            order = orders.ship_order(order, actor=self.owner, carrier="sf",
                                      tracking_number="SF1234567890123")
        else:
            now = self.clock(step)
            order = orders.complete_order(order, actor=self.owner, now=now)
            sale.deadline = now + timedelta(days=self.after_sales_days)
            assert order.after_sales_until == sale.deadline
        sale.state = order.state

    @precondition(lambda self: self.has(OrderState.PAID, OrderState.SHIPPED,
                                        OrderState.COMPLETED))
    @rule(pick=picks, by_customer=st.booleans())
    def refund_requested(self, pick, by_customer):
        """By the customer (within the order's own after-sales window) or the owner."""
        sale = self.pick(pick, OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED)
        now = self.clock()
        closed = by_customer and sale.state == OrderState.COMPLETED and now >= sale.deadline
        try:
            order = orders.request_refund(self.order(sale), actor=None if by_customer else
                                          self.owner, by_customer=by_customer, now=now)
        except Conflict as refused:
            assert closed and refused.code == "after_sales_closed", refused
            return
        assert not closed, "a customer asked after the order's own after-sales deadline"
        sale.state = order.state

    @precondition(lambda self: self.has(OrderState.REFUND_REQUESTED))
    @rule(pick=picks, decline=st.booleans())
    def owner_answers_a_refund_request(self, pick, decline):
        sale = self.pick(pick, OrderState.REFUND_REQUESTED)
        if decline:
            order = orders.decline_refund(self.order(sale), actor=self.owner,
                                          reason="已签收，不支持退款")
        else:
            order = orders.refund_order(self.order(sale), actor=self.owner)
        sale.state = order.state

    # -- time, settlement and upgrades -----------------------------------------------------

    @rule(step=st.sampled_from(TIME_STEPS), jobs=st.sampled_from(JOBS))
    def time_passes(self, step, jobs):
        now = self.clock(step)
        if "settlement" in jobs:
            self._settle(now)
        if "upgrades" in jobs:
            self._upgrade(now)

    def _settle(self, now: datetime) -> None:
        """Nothing released while its refund request is open, nor before the order's own
        after-sales deadline."""
        if not settle(now=now).earnings:
            return
        run = SettlementRun.objects.order_by("-id").first()
        released = LedgerEntry.objects.filter(
            pk__in=FrozenRelease.objects.filter(run_id=run.pk).values("entry_id"))
        for entry in released.select_related("order"):
            assert entry.available_at <= now
            assert entry.order.state != OrderState.REFUND_REQUESTED, \
                "released while a refund request was open"
            assert entry.order.after_sales_until <= now, "released before the order's deadline"

    def _measured(self, index: int, now: datetime) -> dict[str, Decimal]:
        """Real retail by this model's own knowledge of who bought: final orders of the
        agent's shop bought by customers, net of refunds; the months since joining."""
        final = {sale.pk: sale for sale in self.sales
                 if sale.shop == index and sale.buyer is None
                 and sale.state == OrderState.COMPLETED and sale.deadline <= now}
        goods = Order.objects.filter(pk__in=final).aggregate(total=Sum("goods_total"))["total"]
        return {"retail_sales": goods or Decimal(0),
                "retail_customers": Decimal(len({sale.phone for sale in final.values()})),
                "months_active": Decimal(full_months(self.agent(index).joined_at, now))}

    @staticmethod
    def _meets(rank: int, measured: dict[str, Decimal]) -> bool:
        _discount, combination, conditions = LEVELS[rank]
        results = [measured[metric] >= threshold for metric, threshold in conditions.items()]
        if not results:
            return False
        return all(results) if combination == Combination.ALL else any(results)

    def _upgrade(self, now: datetime) -> None:
        """Up to the highest level met; under the flag policy never down, flagged while the
        selling falls short of a level reached automatically; under recompute exactly the
        level the selling supports, never below the level held before the upgrades."""
        policy = NetworkSettings.load().upgrade_review
        before = {index: self.agent(index) for index in range(len(TREE))}
        run_upgrades(now=now)
        for index, was in before.items():
            agent = self.agent(index)
            measured = self._measured(index, now)
            highest = max((rank for rank in LEVELS if self._meets(rank, measured)), default=0)
            rank = agent.level.rank
            automatic = was.upgraded_from.rank if was.upgraded_from else None
            if policy == UpgradeReview.FLAG or automatic is None:
                assert rank == max(was.level.rank, highest), (index, measured)
            else:
                assert rank == max(automatic, highest), (index, measured)
            assert rank >= self.floors[agent.pk]
            supported = agent.upgraded_from is None or self._meets(rank, measured)
            assert (agent.level_review_since is None) == supported, (index, measured)
            if not supported:
                assert agent.level_review_to.rank == max(agent.upgraded_from.rank, highest)

    @precondition(lambda self: Agent.objects.filter(level_review_since__isnull=False).exists())
    @rule(pick=picks, keep=st.booleans())
    def owner_decides_a_flagged_level(self, pick, keep):
        flagged = list(Agent.objects.filter(level_review_since__isnull=False).order_by("pk"))
        agent = network.decide_level_review(self.owner, flagged[pick % len(flagged)], keep=keep)
        if keep:
            self.floors[agent.pk] = agent.level.rank

    # -- withdrawals, through the API ------------------------------------------------------

    def _agents_with_money(self) -> list[int]:
        """The agents whose available balance is not zero (owed, or owing)."""
        return sorted(self.world.agents.index(pk) for pk in AgentBalance.objects.filter(
            agent_id__in=self.world.agents).exclude(available=0).values_list(
            "agent_id", flat=True))

    @precondition(lambda self: self._agents_with_money())
    @rule(pick=picks, share=st.sampled_from((Decimal("0.3"), Decimal("1"), Decimal("1.5"))))
    def agent_asks_for_a_withdrawal(self, pick, share):
        with_money = self._agents_with_money()
        index = with_money[pick % len(with_money)]
        agent = self.agent(index)
        available = bucket_total(agent.pk, Bucket.AVAILABLE)
        amount = max(Decimal(10), (available * share).quantize(Decimal("0.01")))
        answer = english_client(agent.user).post("/api/v1/withdrawals/", {
            "amount": str(amount), "method": "alipay", "account": "13700009999",
            "account_name": agent.name, "request_key": uuid.uuid4().hex}, format="json")
        if available < 0:
            assert (answer.status_code, answer.json()["code"]) == (409, "negative_balance")
        elif amount > available:
            assert (answer.status_code, answer.json()["code"]) == (409, "insufficient_balance")
        else:
            assert answer.status_code == 201, answer.json()
            self.payouts.append(Payout(answer.json()["id"], index))

    @precondition(lambda self: any(p.state in ("requested", "approved") for p in self.payouts))
    @rule(pick=picks, decision=st.sampled_from(("approve and pay", "approve", "pay", "reject")))
    def owner_decides_a_withdrawal(self, pick, decision):
        """Approving or paying is refused while the agent's balance is negative; what is paid
        never exceeds the settled net earnings."""
        waiting = [p for p in self.payouts if p.state in ("requested", "approved")]
        payout = waiting[pick % len(waiting)]
        if decision == "reject":
            self._owner_decides(payout, "reject", {"note": "请核对收款账户"})
            return
        if payout.state == "requested" and not self._owner_decides(payout, "approve", {}):
            return
        if decision != "approve" and self._owner_decides(payout, "pay",
                                                         {"reference": "ZFB20260101"}):
            agent_pk = self.world.agents[payout.agent]
            withdrawn = bucket_total(agent_pk, Bucket.WITHDRAWN)
            assert withdrawn <= settled_net(agent_pk), \
                "paid out more than the settled net earnings"
            self.paid_out[agent_pk] = withdrawn

    def _owner_decides(self, payout: Payout, decision: str, data: dict) -> dict | None:
        answer = english_client(self.owner).post(
            f"/api/v1/withdrawals/{payout.public_id}/{decision}/", data, format="json")
        negative = bucket_total(self.world.agents[payout.agent], Bucket.AVAILABLE) < 0
        if decision != "reject" and negative:
            assert (answer.status_code, answer.json()["code"]) == (409, "negative_balance")
            return None
        assert answer.status_code == 200, answer.json()
        payout.state = answer.json()["state"]
        return answer.json()

    # -- the owner's settings --------------------------------------------------------------

    @rule(change=settings_changes)
    def owner_changes_a_setting(self, change):
        """The after-sales window, the upline share and whether agents' orders earn, or the
        upgrade policy."""
        which, value = change
        if which == "after-sales window":
            orders.update_shop_settings(self.owner, after_sales_days=value)
            self.after_sales_days = value
        elif which == "commission":
            upline, percent, agents_orders_earn = value
            update_commission_settings(self.owner, confirm_upline=True, upline_enabled=upline,
                                       upline_percent=percent,
                                       team_orders_earn=agents_orders_earn)
        else:
            rules = NetworkSettings.load()
            network.update_settings(self.owner, binding_mode=rules.binding_mode,
                                    binding_days=rules.binding_days,
                                    auto_approve=rules.auto_approve,
                                    buyback_percent=rules.buyback_percent, upgrade_review=value)

    # -- after every step ------------------------------------------------------------------

    @invariant()
    def weishang_check_is_clean(self):
        out, err = StringIO(), StringIO()
        try:
            CheckCommand(stdout=out, stderr=err).check_ledgers()
        except CommandError as failure:
            raise AssertionError(f"{failure}\n{err.getvalue()}") from None

    @invariant()
    def nobody_earns_on_an_order_they_bought(self):
        assert not LedgerEntry.objects.filter(
            kind__in=EARNING_KINDS, order__buyer_agent_id=F("agent_id")).exists()

    @invariant()
    def the_upline_never_earns_more_than_the_seller_on_a_line(self):
        per_line = (LedgerEntry.objects.filter(kind__in=EARNING_KINDS)
                    .values("order_line_id").order_by("order_line_id")
                    .annotate(seller=Sum("amount", filter=~Q(kind=EntryKind.UPLINE)),
                              upline=Sum("amount", filter=Q(kind=EntryKind.UPLINE))))
        for line in per_line:
            assert to_money(line["upline"] or 0) <= to_money(line["seller"] or 0), line

    @invariant()
    def orders_are_where_the_model_left_them(self):
        stored = {pk: (state, deadline) for pk, state, deadline in Order.objects.filter(
            pk__in=[sale.pk for sale in self.sales]).values_list(
            "pk", "state", "after_sales_until")}
        for sale in self.sales:
            assert stored[sale.pk] == (sale.state, sale.deadline), "an after-sales deadline moved"

    @invariant()
    def every_payout_was_checked_when_paid(self):
        withdrawn = dict(AgentBalance.objects.values_list("agent_id", "withdrawn"))
        for agent_pk, checked in self.paid_out.items():
            assert withdrawn.get(agent_pk, Decimal(0)) == checked

    @invariant()
    def levels_stay_above_their_floor(self):
        for agent in Agent.objects.filter(pk__in=self.world.agents).select_related(
                "level", "upgraded_from"):
            assert agent.level.rank >= self.floors[agent.pk]
            if agent.upgraded_from is not None:
                assert agent.upgraded_from.rank < agent.level.rank


def test_money_holds_when_agents_try_to_game_it():
    MoneyMachine.world = build_world()
    run_state_machine_as_test(MoneyMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck)))


def test_the_model_knows_the_relations():
    assert [expected_relation(0, buyer) for buyer in range(len(TREE))] == [
        "self", "team", "team", "team", "agent"]
    assert [expected_relation(2, buyer) for buyer in range(len(TREE))] == [
        "upline", "upline", "self", "agent", "agent"]
    assert expected_relation(None, 3) == "agent"

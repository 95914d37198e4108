"""Buy-back (回购): an exited agent returns unsold cloud stock for at least 90% of its price."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.orders.purchasing import (
    buy_into_cloud,
    cloud,
    new_agent,
    rule,
    set_state,
    warehouse,
)
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason, StockMovement
from weishang.network.models import NetworkSettings
from weishang.orders import services
from weishang.orders.models import BuyBack, Order
from weishang.orders.purchases import services as purchases
from weishang.orders.services import CartLine

pytestmark = pytest.mark.usefixtures("english")


def request(agent, *lines, **kwargs):
    return purchases.request_buyback(agent=agent, lines=list(lines), actor=agent.user, **kwargs)


def sell_from_cloud(agent, variant, quantity, recipient):
    order = services.place_order(shop=agent.user.shop, recipient=recipient,
                                 lines=[CartLine(variant.public_id, quantity)])
    assert order.lines.get().stock_source == "cloud"


def test_an_active_agent_sells_their_stock_instead(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 5, owner)
    with pytest.raises(Conflict, match="exited"):
        request(agent, (variant, 5))
    assert cloud(agent, variant) == 5 and not BuyBack.objects.exists()


def test_an_exited_agent_gets_90_percent_and_the_units_go_back(owner, stocked):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    buy_into_cloud(agent, variant, 5, owner)
    set_state(agent, "exited")
    buyback = request(agent, (variant, 4))
    assert (buyback.paid_total, buyback.percent, buyback.amount) == (
        Decimal("280.00"), Decimal("90"), Decimal("252.00"))
    assert buyback.state == "requested"
    assert (cloud(agent, variant), warehouse(variant)) == (1, 19)
    reasons = set(StockMovement.objects.filter(reason=MovementReason.BUYBACK)
                  .values_list("reason", "delta"))
    assert reasons == {(MovementReason.BUYBACK, -4), (MovementReason.BUYBACK, 4)}
    assert inventory.verify_ledger() == []


def test_the_owners_higher_share_applies(owner, stocked):
    NetworkSettings.objects.update_or_create(singleton=True,
                                             defaults={"buyback_percent": Decimal("95")})
    agent = new_agent()
    variant = stocked(20, price="100.00")
    buy_into_cloud(agent, variant, 2, owner)
    set_state(agent, "exited")
    assert request(agent, (variant, 2)).amount == Decimal("133.00")


def test_units_are_priced_from_the_oldest_purchases_still_held(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(50, price="100.00")
    priced = rule(agent.level, variant, price=Decimal("60.00"))
    buy_into_cloud(agent, variant, 3, owner)  # 3 at 60
    priced.price = Decimal("80.00")
    priced.save()
    buy_into_cloud(agent, variant, 3, owner)  # 3 at 80
    sell_from_cloud(agent, variant, 2, recipient)  # sales took two of the first three
    set_state(agent, "exited")
    buyback = request(agent, (variant, 2))
    assert [(line.quantity, line.unit_price) for line in buyback.lines.order_by("id")] == [
        (1, Decimal("60.00")), (1, Decimal("80.00"))]
    assert buyback.paid_total == Decimal("140.00")


def test_stock_bought_more_than_12_months_ago_is_not_bought_back(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    old = buy_into_cloud(agent, variant, 3, owner)
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=370))
    buy_into_cloud(agent, variant, 2, owner)
    set_state(agent, "exited")
    with pytest.raises(InvalidInput, match="Only 2 .* within the last 12 months"):
        request(agent, (variant, 3))
    assert request(agent, (variant, 2)).lines.get().quantity == 2


def test_more_than_held_is_refused(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    sell_from_cloud(agent, variant, 2, recipient)
    set_state(agent, "exited")
    with pytest.raises(InvalidInput, match="You hold 1 .* fewer than 2"):
        request(agent, (variant, 2))


def test_the_same_units_are_bought_back_once(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    set_state(agent, "exited")
    request(agent, (variant, 3))
    with pytest.raises(InvalidInput, match="You hold 0"):
        request(agent, (variant, 1))


def test_a_share_below_the_owners_or_90_is_refused(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    set_state(agent, "exited")
    with pytest.raises(InvalidInput, match="from 90% to 100%"):
        request(agent, (variant, 1), percent=Decimal("85"))
    assert request(agent, (variant, 1), percent=Decimal("100")).percent == Decimal("100")


def test_the_database_refuses_a_share_below_90(owner, stocked):
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkSettings.objects.create(buyback_percent=Decimal("89.99"))
    agent = set_state(new_agent(), "exited")
    with pytest.raises(IntegrityError), transaction.atomic():
        BuyBack.objects.create(agent=agent, percent=Decimal("85"), paid_total=Decimal("10"),
                               amount=Decimal("8.50"))


def test_nothing_to_return_is_refused(owner, stocked):
    agent = set_state(new_agent(), "exited")
    with pytest.raises(InvalidInput, match="at least one item"):
        request(agent, (stocked(5), 0))


def test_the_owner_records_the_transfer_once(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    set_state(agent, "exited")
    buyback = request(agent, (variant, 3))
    with pytest.raises(InvalidInput, match="transfer reference"):
        purchases.pay_buyback(buyback, actor=owner, reference=" ")
    paid = purchases.pay_buyback(buyback, actor=owner, reference="微信转账 4200001")
    assert (paid.state, paid.reference, paid.paid_by) == ("paid", "微信转账 4200001", owner)
    with pytest.raises(Conflict, match="already paid"):
        purchases.pay_buyback(buyback, actor=owner, reference="again")


def test_only_the_agent_asks_and_only_agent_managers_pay(owner, stocked):
    """The services refuse by themselves, whatever page or endpoint called them."""
    agent, other = new_agent(), new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 3, owner)
    set_state(agent, "exited")
    with pytest.raises(NotPermitted):
        purchases.request_buyback(agent=agent, lines=[(variant, 3)], actor=other.user)
    buyback = request(agent, (variant, 3))
    for person in (agent.user, other.user):
        with pytest.raises(NotPermitted):
            purchases.pay_buyback(buyback, actor=person, reference="微信转账 4200001")
    assert BuyBack.objects.get().state == "requested"

"""Helpers for the stock purchase, cloud stock and buy-back tests."""

from decimal import Decimal

from tests.factories import AgentFactory, AgentLevelFactory
from weishang.inventory.models import LocationKind, StockLevel
from weishang.network.models import Agent, LevelVariantRule
from weishang.orders import services
from weishang.orders.purchases import services as purchases
from weishang.orders.services import CartLine


def new_agent(name="小美", discount="30"):
    """An active agent at a level ``discount`` % off retail (特约, shared by later calls)."""
    level = AgentLevelFactory(rank=1, name="特约", discount_percent=Decimal(discount))
    return AgentFactory(level=level, name=name)


def rule(level, variant, **limits):
    return LevelVariantRule.objects.create(level=level, variant=variant, **limits)


def buy(agent, variant, quantity=1, delivery="cloud", **kwargs):
    """A purchase of ``variant`` by ``agent`` (ship purchases need ``recipient=``)."""
    return purchases.place_purchase(user=agent.user, lines=[CartLine(variant.public_id, quantity)],
                                    delivery=delivery, **kwargs)


def buy_into_cloud(agent, variant, quantity, owner):
    """A cloud purchase the owner was paid for: the units are in the agent's cloud stock."""
    return services.confirm_payment(buy(agent, variant, quantity), actor=owner)


def cloud(agent, variant) -> int:
    return (StockLevel.objects.filter(location__kind=LocationKind.CLOUD,
                                      location__holder=agent.user, variant=variant)
            .values_list("quantity", flat=True).first()) or 0


def warehouse(variant) -> int:
    return (StockLevel.objects.filter(location__kind=LocationKind.WAREHOUSE, variant=variant)
            .values_list("quantity", flat=True).first()) or 0


def set_state(agent, state):
    Agent.objects.filter(pk=agent.pk).update(state=state)
    agent.refresh_from_db()
    return agent

"""Who is buying a retail order, seen from the agent whose shop sells it (self-dealing).

An agent's earnings come from selling to real customers. So checkout names the buyer when the
buyer is an agent — by the recipient's mobile against agents' login phones (both normalised),
and by the logged-in user when there is one — and records how they stand to the seller
(Order.buyer_agent, Order.buyer_relation):

- the shop's own agent: refused. Their own stock is bought on the stock-purchase page at the
  level price, within the level's limits; through their shop it would be bought at retail and
  paid back as a commission, at the level price without the limits;
- an agent of the seller's team (a downline at any depth), an upline of the seller, or any
  other agent: no retail sale. Agents earn from selling to real customers; two agents buying
  at retail in each other's shops, each paid the margin back as commission, would each buy
  at their level price past their level's limits. So such an order earns only if the owner
  says so (one setting, off by default: commissions), never counts towards upgrades, and
  ships from the owner's stock, never the seller's cloud stock. Whoever buys never earns on
  their own order (an upline takes no commission on it).

An agent is anyone the owner ever approved (as orders/sales.py counts them for upgrades):
an applicant not yet approved is a customer, one who left is still an agent.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from weishang.core.errors import Conflict
from weishang.network.models import Agent
from weishang.network.queries import uplines_of

from .models import BuyerRelation

#: When the buyer matches two agents (a logged-in agent entering another agent's number), the
#: stricter relation wins.
STRICTNESS = (BuyerRelation.SELF, BuyerRelation.TEAM, BuyerRelation.UPLINE, BuyerRelation.AGENT)


@dataclass(frozen=True)
class Buyer:
    agent: Agent | None = None
    relation: str = BuyerRelation.CUSTOMER

    @property
    def order_fields(self) -> dict:
        return {"buyer_agent": self.agent, "buyer_relation": self.relation}


def _agents_buying(phone: str, user) -> list[Agent]:
    """The agents (ever approved) whose login phone is ``phone`` or who are ``user``."""
    buying = Q(user__phone=phone)
    if user is not None and user.is_authenticated:
        buying |= Q(user=user)
    return list(Agent.objects.filter(buying, joined_at__isnull=False))


def relation_to(seller: Agent | None, buyer: Agent) -> str:
    """How ``buyer`` (an agent) stands to ``seller`` (None: the owner's shop)."""
    if seller is None:
        return BuyerRelation.AGENT
    if buyer.pk == seller.pk:
        return BuyerRelation.SELF
    if seller.pk in uplines_of(buyer):
        return BuyerRelation.TEAM
    if buyer.pk in uplines_of(seller):
        return BuyerRelation.UPLINE
    return BuyerRelation.AGENT


def identify_buyer(seller: Agent | None, phone: str, user=None) -> Buyer:
    """The buyer of an order in ``seller``'s shop (None: the owner's) for the recipient's
    normalised mobile ``phone`` and the logged-in ``user`` (None or anonymous: nobody)."""
    found = [Buyer(agent, relation_to(seller, agent)) for agent in _agents_buying(phone, user)]
    if not found:
        return Buyer()
    return min(found, key=lambda buyer: STRICTNESS.index(buyer.relation))


def buyer_at_checkout(seller: Agent | None, phone: str, user=None) -> Buyer:
    """identify_buyer, refusing an agent's order in their own shop (Conflict ``own_shop``,
    pointing to the stock-purchase page)."""
    buyer = identify_buyer(seller, phone, user)
    if buyer.relation == BuyerRelation.SELF:
        raise Conflict(
            _("This is your own shop: an order for yourself here earns nothing and does not "
              "get around your level's purchase limits. Buy stock at your level price, within "
              "your level's limits, on the stock-purchase page: %(url)s")
            % {"url": reverse("purchases:new")}, code="own_shop")
    return buyer

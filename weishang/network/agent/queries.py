"""Reads of an agent's own console, shared by its pages and the API: their direct team and the
products they hid (their shop's orders are orders': ``orders.agents.queries``). Every read is
scoped to the agent given, never wider."""

from django.db.models import Exists, OuterRef, QuerySet

from weishang.catalog.models import Product
from weishang.catalog.queries import visible_in_shop, with_list_annotations
from weishang.core.phone import mask_mobile

from ..models import Agent, HiddenProduct


def team_of(agent: Agent) -> QuerySet:
    """The agent's direct downline (one level, never deeper), newest first, with their level
    and login; ``masked_phone`` is what may be shown of their number."""
    return (agent.team.select_related("level", "user")
            .order_by("-joined_at", "-id"))


def masked_phone(member: Agent) -> str:
    return mask_mobile(member.user.phone) if member.user.phone else ""


def hidden_product_ids(agent: Agent) -> set[int]:
    return set(HiddenProduct.objects.filter(agent=agent).values_list("product_id", flat=True))


def products_for_hiding(agent: Agent, search: str = "") -> QuerySet:
    """The owner's on-shelf products an agent's shop could list, each with ``is_hidden``."""
    products = visible_in_shop(with_list_annotations(Product.objects.all()))
    if search:
        products = products.filter(title__icontains=search)
    hidden = HiddenProduct.objects.filter(agent=agent, product=OuterRef("pk"))
    return products.annotate(is_hidden=Exists(hidden)).order_by("-created_at", "-id")

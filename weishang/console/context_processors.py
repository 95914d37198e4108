from django.utils.functional import SimpleLazyObject

from weishang.accounts.permissions import is_agent
from weishang.marketing.plan import queries as plan_queries
from weishang.orders.queries import waiting_counts


def console_permissions(request):
    """Which console sections the current user may open (for the navigation), how many
    orders wait for action and how many planned posts are due (each counted only when a page
    shows its badge)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if is_agent(user):
        return {"is_agent": True}
    context = {"perms_catalog": user.can("catalog"), "perms_inventory": user.can("inventory"),
               "perms_orders": user.can("orders"), "perms_customers": user.can("customers"),
               "perms_marketing": user.can("marketing"), "perms_agents": user.can("agents")}
    if context["perms_orders"]:
        context["orders_waiting"] = SimpleLazyObject(waiting_counts)
    if context["perms_marketing"]:
        context["plan_due"] = SimpleLazyObject(lambda: plan_queries.due_count(user))
    return context

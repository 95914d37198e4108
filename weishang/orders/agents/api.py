"""REST endpoints of the orders of an agent's own shop (/api/v1/agent/orders/).

Like the rest of the agent's API (``network.agent.api``), they answer about the agent whose
token (or session) calls them: an order of another shop is 404 like one that does not exist.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from weishang.network.agent.api import ERRORS, AgentView

from ..api import OrderDetailSerializer, OrderSerializer
from ..models import Order, OrderState
from . import queries


class ShopOrdersView(AgentView):
    @extend_schema(
        summary="Orders of the agent's own shop, newest first",
        parameters=[
            OpenApiParameter("state", enum=OrderState.values, required=False),
            OpenApiParameter("q", str, required=False,
                             description="Order number, mobile number (or last 4), name."),
        ],
        responses={200: OrderSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        params = request.query_params
        orders = queries.shop_orders(request.user, state=params.get("state", ""),
                                           search=params.get("q", ""))
        return self.paginated(orders, OrderSerializer)


class ShopOrderView(AgentView):
    @extend_schema(summary="One order of the agent's own shop",
                   responses={200: OrderDetailSerializer, **ERRORS})
    def get(self, request, number):
        try:
            order = queries.shop_order(request.user, number)
        except Order.DoesNotExist:
            raise NotFound(_("No such order.")) from None
        return Response(OrderDetailSerializer(order).data)


urlpatterns = [
    path("agent/orders/", ShopOrdersView.as_view(), name="agent-orders"),
    path("agent/orders/<str:number>/", ShopOrderView.as_view(), name="agent-order"),
]

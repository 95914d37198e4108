"""Console page of the results (/console/marketing/results/): which posts, channels and
sellers bring clicks, orders and revenue, over a date range."""

from django.shortcuts import render

from weishang.accounts.permissions import area_required

from . import queries as results
from .forms import TABS, ResultsFilterForm


@area_required("marketing")
def ranking(request):
    form = ResultsFilterForm(request.GET)
    by, period = form.choice()
    rows = results.breakdown(by, period=period, seller=results.seller_scope(request.user))
    return render(request, "marketing/results.html", {
        "nav": "marketing", "form": form, "by": by, "tabs": TABS, "period": period,
        "rows": rows, "total": results.total(rows),
    })

"""The public shop: home (browse and search) and product pages. No login needed."""

from django.core.paginator import Paginator
from django.shortcuts import render

from . import queries

PRODUCTS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 60


def home(request):
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    categories = queries.category_tree()
    selected = queries.find_category(categories, request.GET.get("category", ""))
    products = queries.shelf_products(search=search, category=selected)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    selected_top = None
    if selected is not None:
        selected_top = selected.top if selected.parent_id else selected
    return render(
        request,
        "storefront/home.html",
        {
            "search": search,
            "categories": categories,
            "selected": selected,
            "selected_top": selected_top,
            "page": page,
        },
    )


def product(request, public_id: str):
    item = queries.shelf_product(public_id)
    picker = [
        {"id": variant.public_id, "choice": variant.choice, "state": variant.stock_state}
        for variant in item.on_sale
    ]
    return render(request, "storefront/product.html", {"product": item, "picker": picker})

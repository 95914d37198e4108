"""Console pages of the catalog (mobile first). Every change goes through ``services``."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.catalog import queries, services
from weishang.catalog.forms import (
    CategoryForm,
    ProductEditor,
    ProductFilterForm,
)
from weishang.catalog.models import Category, Product, ProductImage
from weishang.core import gallery
from weishang.core.errors import DomainError
from weishang.core.forms import ImageUploadForm
from weishang.core.views import back_url

PRODUCTS_PER_PAGE = 20
catalog_area = area_required("catalog")


def _page(request, template, context):
    return render(request, template, {"nav": "catalog", **context})


def product_url(product) -> str:
    return reverse("catalog:product_detail", kwargs={"public_id": product.public_id})


@catalog_area
def product_list(request):
    filters = ProductFilterForm(request.GET)
    products = queries.console_products(**filters.filters()).order_by("position", "-id")
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "catalog/product_list.html", {"filters": filters, "page": page})


def _edit_product(request, product=None):
    if request.method != "POST":
        editor = ProductEditor(product=product)
    else:
        editor = ProductEditor(request.POST, product=product)
        if request.POST.get("action") == "refresh":
            editor.rebuild_grid(always=True)
        elif editor.rebuild_grid():
            editor.errors.append(_("The specs have changed, so the variant table was updated. "
                                   "Check it and save again."))
        elif editor.is_valid():
            saved = editor.save(actor=request.user)
            if saved is not None:
                messages.success(request, _("Saved “%(title)s”.") % {"title": saved.title})
                return redirect("catalog:product_detail", public_id=saved.public_id)
    return _page(request, "catalog/product_form.html", {"editor": editor, "product": product})


@catalog_area
def product_create(request):
    return _edit_product(request)


@catalog_area
def product_edit(request, public_id):
    return _edit_product(request, get_object_or_404(Product, public_id=public_id))


@catalog_area
@require_POST
def variant_grid(request):
    """htmx: the variant table for the specs being typed, keeping the values already entered."""
    editor = ProductEditor(request.POST)
    editor.rebuild_grid(always=True)
    return render(request, "catalog/_variant_grid.html", {"editor": editor})


def _product_page(request, public_id, upload_form=None):
    try:
        product = queries.product_for_console(public_id)
    except Product.DoesNotExist as exc:
        raise Http404 from exc
    context = {"product": product, "upload_form": upload_form or ImageUploadForm(),
               "max_images": services.MAX_IMAGES}
    return _page(request, "catalog/product_detail.html", context)


@catalog_area
def product_detail(request, public_id):
    return _product_page(request, public_id)


@catalog_area
@require_POST
def product_shelf(request, public_id):
    """Put on or take off shelf; htmx gets the list row back, others go back where they were."""
    product = get_object_or_404(Product, public_id=public_id)
    on_shelf = request.POST.get("on_shelf") == "1"
    error = None
    try:
        services.set_on_shelf(product, on_shelf, actor=request.user)
    except DomainError as exc:
        error = str(exc.message)
    if request.htmx:
        row = queries.console_products().get(pk=product.pk)
        context = {"product": row, "row_error": error,
                   "next_url": request.htmx.current_url_abs_path or ""}
        return render(request, "catalog/_product_row.html", context)
    if error:
        messages.error(request, error)
    elif on_shelf:
        messages.success(request, _("“%(title)s” is on shelf.") % {"title": product.title})
    else:
        messages.success(request, _("“%(title)s” is off shelf.") % {"title": product.title})
    return redirect(back_url(request, product_url(product)))


@catalog_area
@require_POST
def product_duplicate(request, public_id):
    product = get_object_or_404(Product, public_id=public_id)
    copy = services.duplicate_product(product, actor=request.user)
    messages.success(request, _("Copied. This is the copy: change what differs and put it on "
                                "shelf when ready."))
    return redirect("catalog:product_edit", public_id=copy.public_id)


@catalog_area
@require_POST
def image_upload(request, public_id):
    product = get_object_or_404(Product, public_id=public_id)
    return gallery.upload(
        request, add_images=lambda files: services.add_images(product, files, actor=request.user),
        page_url=product_url(product),
        page_with_errors=lambda form: _product_page(request, public_id, upload_form=form))


def _image_or_404(public_id, image_id) -> ProductImage:
    return get_object_or_404(ProductImage.objects.select_related("product"),
                             public_id=image_id, product__public_id=public_id)


@catalog_area
@require_POST
def image_delete(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.remove(
        request, remove_image=lambda: services.remove_image(image, actor=request.user),
        page_url=product_url(image.product))


@catalog_area
@require_POST
def image_move(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.move(
        request, move_image=lambda step: services.move_image(image, step, actor=request.user),
        page_url=product_url(image.product))


@catalog_area
def category_list(request):
    categories = queries.category_tree(with_product_count=True)
    return _page(request, "catalog/category_list.html", {"categories": categories})


def _edit_category(request, category=None):
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        saved = form.save(actor=request.user)
        if saved is not None:
            messages.success(request, _("Saved category “%(name)s”.") % {"name": saved.name})
            return redirect("catalog:category_list")
    return _page(request, "catalog/category_form.html", {"form": form, "category": category})


@catalog_area
def category_create(request):
    return _edit_category(request)


@catalog_area
def category_edit(request, public_id):
    return _edit_category(request, get_object_or_404(Category, public_id=public_id))


@catalog_area
def category_delete(request, public_id):
    category = get_object_or_404(Category, public_id=public_id)
    if request.method == "POST":
        try:
            services.delete_category(category, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("catalog:category_edit", public_id=category.public_id)
        messages.success(request, _("Deleted category “%(name)s”.") % {"name": category.name})
        return redirect("catalog:category_list")
    return _page(request, "catalog/category_confirm_delete.html", {"category": category})

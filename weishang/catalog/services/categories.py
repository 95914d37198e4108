"""Categories: two levels (top categories and their sub-categories), names unique among
siblings."""

from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Category
from weishang.core.cleaning import clean_name
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.versions import shop_pages_changed

from .clashes import unique_clash_as_conflict

CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
MAX_POSITION = 100_000


def check_category_placement(category: Category | None, parent: Category | None) -> None:
    """Two levels only: a parent must be a top category, and a parent cannot get a parent."""
    if parent is None:
        return
    if category is not None and category.pk is not None:
        if parent.pk == category.pk:
            raise InvalidInput(_("A category cannot be placed under itself."), field="parent")
        if category.children.exists():
            raise InvalidInput(
                _("This category has sub-categories, so it must stay a top category."),
                field="parent",
            )
    if parent.parent_id is not None:
        raise InvalidInput(
            _("Sub-categories can only be placed under a top category."), field="parent"
        )


def _check_name_free(name: str, parent: Category | None, category: Category | None) -> None:
    siblings = Category.objects.filter(parent=parent, name=name)
    if category is not None and category.pk is not None:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.exists():
        raise InvalidInput(
            _("There is already a category named “%(name)s” here.") % {"name": name},
            field="name",
        )


def _clean_position(value) -> int:
    try:
        position = int(value or 0)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= MAX_POSITION:
        raise InvalidInput(
            _("The position must be a whole number from 0 to %(limit)d.") % {"limit": MAX_POSITION},
            field="position",
        )
    return position


def _save_category(category: Category, *, name, parent, position, is_active) -> Category:
    name = clean_name(name, limit=CATEGORY_NAME_MAX_LENGTH)
    check_category_placement(category, parent)
    _check_name_free(name, parent, category)
    category.name, category.parent = name, parent
    category.position, category.is_active = _clean_position(position), bool(is_active)
    clash = _("There is already a category named “%(name)s” here.") % {"name": name}
    with unique_clash_as_conflict(clash), transaction.atomic():
        category.save()
        shop_pages_changed()
    return category


def create_category(*, name: str, parent: Category | None = None, position: int = 0,
                    is_active: bool = True, actor=None) -> Category:
    """A new category; ``actor`` must manage the catalog (None: a loader, e.g. the demo)."""
    require_manager(actor, "catalog", system=True)
    return _save_category(Category(), name=name, parent=parent, position=position,
                          is_active=is_active)


@transaction.atomic
def update_category(category: Category, *, name: str, parent: Category | None,
                    position: int = 0, is_active: bool = True, actor=None) -> Category:
    require_manager(actor, "catalog", system=True)
    category = Category.objects.select_for_update().get(pk=category.pk)
    return _save_category(category, name=name, parent=parent, position=position,
                          is_active=is_active)


@transaction.atomic
def delete_category(category: Category, *, actor=None) -> None:
    require_manager(actor, "catalog", system=True)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.children.exists():
        raise Conflict(_("This category still has sub-categories; delete or move them first."),
                       code="category_has_children")
    if category.products.exists():
        raise Conflict(_("This category still has products; move them to another category first."),
                       code="category_has_products")
    category.delete()
    shop_pages_changed()

"""Console forms of the catalog. They check what a person typed; the services decide the rest."""

import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.catalog import queries, services
from weishang.catalog.models import Category
from weishang.core.errors import DomainError, InvalidInput
from weishang.core.forms import ConsoleForm, add_domain_error

# Values of a spec option are typed in one box: "红 蓝 白", "S,M,L", "红、蓝".
SPEC_VALUE_SEPARATORS = re.compile(r"[,，、;；\s]+")
GRID_PREFIX = "v"
VARIANT_FIELDS = ("retail_price", "market_price", "cost_price", "weight_grams", "barcode",
                  "sku_code")
# A new combination starts with the prices and weight of the first row already in the grid.
PREFILLED_FIELDS = ("retail_price", "market_price", "cost_price", "weight_grams")


def split_values(text: str) -> list[str]:
    return [value for value in SPEC_VALUE_SEPARATORS.split(text or "") if value]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"— {category.name}" if category.parent_id else category.name


class CategoryForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=services.CATEGORY_NAME_MAX_LENGTH)
    parent = CategoryChoiceField(
        label=_("Parent category"), queryset=Category.objects.none(), required=False,
        to_field_name="public_id", empty_label=_("None (a top category)"),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=services.MAX_POSITION,
                                  initial=0, required=False,
                                  help_text=_("Smaller numbers come first."))
    is_active = forms.BooleanField(label=_("Shown in the shop"), required=False, initial=True)

    def __init__(self, *args, category: Category | None = None, **kwargs):
        if category is not None:
            kwargs.setdefault("initial", {
                "name": category.name, "parent": category.parent, "position": category.position,
                "is_active": category.is_active,
            })
        super().__init__(*args, **kwargs)
        self.category = category
        tops = queries.category_tree().filter(parent__isnull=True)
        if category is not None:
            tops = tops.exclude(pk=category.pk)
        self.fields["parent"].queryset = tops

    def save(self, *, actor) -> Category | None:
        """Create or update through the services; None (with the error on the form) if refused."""
        values = dict(self.cleaned_data, position=self.cleaned_data["position"] or 0)
        try:
            if self.category is None:
                return services.create_category(**values, actor=actor)
            return services.update_category(self.category, **values, actor=actor)
        except DomainError as error:
            add_domain_error(self, error)
            return None


class ProductForm(ConsoleForm):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX_LENGTH)
    selling_points = forms.CharField(
        label=_("Selling points"), required=False,
        max_length=services.SELLING_POINTS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-rich-text": "1"}),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=queries.category_tree(), required=False,
        to_field_name="public_id", empty_label=_("No category"),
    )
    usage_days = forms.IntegerField(
        label=_("One unit lasts (days)"), required=False, min_value=1,
        max_value=services.MAX_USAGE_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("e.g. 30")}),
        help_text=_("For repurchase reminders: a month's supply lasts 30 days. Leave empty "
                    "if it does not run out."),
    )


class SpecsForm(ConsoleForm):
    """Up to three spec options, each a name and its values typed in one box."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, services.MAX_SPECS + 1):
            self.fields[f"spec_{number}_name"] = forms.CharField(
                label=_("Spec %(number)d") % {"number": number}, required=False,
                max_length=services.SPEC_NAME_MAX_LENGTH,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. 颜色")}),
            )
            self.fields[f"spec_{number}_values"] = forms.CharField(
                label=_("Values"), required=False,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. 红 蓝 白")}),
            )
        self.specs: list[dict] = []

    @staticmethod
    def initial_for(specs: list[dict]) -> dict:
        initial = {}
        for number, option in enumerate(specs, start=1):
            initial[f"spec_{number}_name"] = option["name"]
            initial[f"spec_{number}_values"] = " ".join(option["values"])
        return initial

    def rows(self):
        """(name field, values field) for each option, for the template."""
        return [(self[f"spec_{number}_name"], self[f"spec_{number}_values"])
                for number in range(1, services.MAX_SPECS + 1)]

    def clean(self):
        cleaned = super().clean()
        entered = [
            {"name": cleaned.get(f"spec_{number}_name", ""),
             "values": split_values(cleaned.get(f"spec_{number}_values", ""))}
            for number in range(1, services.MAX_SPECS + 1)
        ]
        try:
            self.specs = services.clean_specs(entered)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from error
        return cleaned


def _encode_combination(combination) -> str:
    return json.dumps(list(combination), ensure_ascii=False)


def _decode_combination(text) -> tuple[str, ...] | None:
    try:
        values = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        return None
    return tuple(values)


class VariantRowForm(ConsoleForm):
    """One row of the variant grid: one combination of spec values and its prices and codes."""

    combination = forms.CharField(widget=forms.HiddenInput)
    retail_price = forms.DecimalField(label=_("Retail price"), max_digits=14, decimal_places=2,
                                      min_value=0)
    market_price = forms.DecimalField(label=_("Market price"), max_digits=14, decimal_places=2,
                                      min_value=0, required=False,
                                      help_text=_("Struck through next to the price."))
    cost_price = forms.DecimalField(label=_("Cost price"), max_digits=14, decimal_places=2,
                                    min_value=0, required=False)
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0,
                                      max_value=services.MAX_WEIGHT_GRAMS, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=services.BARCODE_MAX_LENGTH,
                              required=False)
    sku_code = forms.CharField(label=_("SKU code"), max_length=services.SKU_CODE_MAX_LENGTH,
                               required=False)

    def clean_combination(self):
        combination = _decode_combination(self.cleaned_data["combination"])
        if combination is None:
            raise forms.ValidationError(_("Reload the page and try again."))
        return combination

    @property
    def label(self) -> str:
        combination = _decode_combination(self["combination"].value()) or ()
        return services.variant_name(services.spec_label(combination))


VariantFormSet = forms.formset_factory(
    VariantRowForm, extra=0, max_num=services.MAX_VARIANTS, absolute_max=services.MAX_VARIANTS,
)


def variant_grid(combinations, known: dict) -> forms.BaseFormSet:
    """An unfilled grid with a row per combination; ``known`` gives rows' values by combination."""
    first_known = next(iter(known.values()), {})
    initial = []
    for combination in combinations:
        values = known.get(combination)
        if values is None:
            values = {name: first_known.get(name) for name in PREFILLED_FIELDS}
        initial.append({**values, "combination": _encode_combination(combination)})
    return VariantFormSet(prefix=GRID_PREFIX, initial=initial)


def posted_grid_values(data) -> dict[tuple[str, ...], dict]:
    """The values typed in a posted grid, by combination, as they were typed."""
    try:
        total = min(int(data.get(f"{GRID_PREFIX}-TOTAL_FORMS", 0)), services.MAX_VARIANTS)
    except ValueError:
        total = 0
    rows = {}
    for index in range(total):
        combination = _decode_combination(data.get(f"{GRID_PREFIX}-{index}-combination"))
        if combination is not None:
            rows[combination] = {name: data.get(f"{GRID_PREFIX}-{index}-{name}", "")
                                 for name in VARIANT_FIELDS}
    return rows


def _known_variants(product) -> dict[tuple[str, ...], dict]:
    by_label = {variant.spec_label: variant for variant in product.variants.filter(is_active=True)}
    known = {}
    for combination in services.combinations(product.specs):
        variant = by_label.get(services.spec_label(combination))
        if variant is not None:
            known[combination] = {
                name: "" if getattr(variant, name) is None else getattr(variant, name)
                for name in VARIANT_FIELDS
            }
    return known


class ProductEditor:
    """The product page's three parts, checked and saved together: the product's fields, its
    spec options, and the grid of variants built from them."""

    def __init__(self, data=None, *, product=None):
        self.data = data
        self.product = product
        self.errors: list[str] = []
        if data is None:
            specs = product.specs if product else []
            self.fields = ProductForm(initial=self._initial_fields(product))
            self.specs = SpecsForm(initial=SpecsForm.initial_for(specs))
            known = _known_variants(product) if product else {}
            self.grid = variant_grid(services.combinations(specs), known)
        else:
            self.fields = ProductForm(data)
            self.specs = SpecsForm(data)
            self.grid = VariantFormSet(data, prefix=GRID_PREFIX)

    @staticmethod
    def _initial_fields(product) -> dict:
        if product is None:
            return {}
        return {"title": product.title, "selling_points": product.selling_points,
                "description": product.description, "category": product.category,
                "usage_days": product.usage_days}

    def rebuild_grid(self, *, always: bool = False) -> bool:
        """Give the grid one row per combination of the posted specs, keeping what was typed.

        Returns whether it was rebuilt: only when the specs are valid and (unless ``always``)
        the posted rows are not exactly their combinations.
        """
        posted = posted_grid_values(self.data)
        if not self.specs.is_valid():
            if always:  # keep the rows as they are, without complaining about them yet
                self.grid = variant_grid(list(posted), posted)
            return False
        combinations = services.combinations(self.specs.specs)
        if not always and list(posted) == combinations:
            return False
        self.grid = variant_grid(combinations, posted)
        return True

    def is_valid(self) -> bool:
        return all([self.fields.is_valid(), self.specs.is_valid(), self.grid.is_valid()])

    def save(self, *, actor=None):
        """Create or update the product through the services (call after ``is_valid``).

        Returns the product, or None with the refusal shown on the forms.
        """
        names = [option["name"] for option in self.specs.specs]
        variants = [
            services.VariantData(
                spec_values=dict(zip(names, row.cleaned_data["combination"], strict=True)),
                **{name: row.cleaned_data[name] for name in VARIANT_FIELDS},
            )
            for row in self.grid
        ]
        values = dict(self.fields.cleaned_data, specs=self.specs.specs, variants=variants)
        try:
            if self.product is None:
                return services.create_product(**values, actor=actor)
            return services.update_product(self.product, **values, actor=actor)
        except DomainError as error:
            if error.field in self.fields.fields:
                self.fields.add_error(error.field, str(error.message))
            else:
                self.errors.append(str(error.message))
            return None


class ProductFilterForm(ConsoleForm):
    """The product list's search box and filters (a filter that does not parse is ignored)."""

    SHELF_CHOICES = [("", _("On and off shelf")), ("on", _("On shelf")), ("off", _("Off shelf"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=80, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Title, SKU code or barcode")}
    ))
    category = CategoryChoiceField(label=_("Category"), queryset=queries.category_tree(),
                                   required=False, to_field_name="public_id",
                                   empty_label=_("All categories"))
    shelf = forms.ChoiceField(label=_("Shelf"), choices=SHELF_CHOICES, required=False)

    def filters(self) -> dict:
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        return {
            "search": values.get("q", ""),
            "category": values.get("category"),
            "on_shelf": {"on": True, "off": False}.get(values.get("shelf", "")),
        }

"""Django admin for the catalog. Forms check input with the services' own rules and saving goes
through the services, as everywhere else. Variants come from spec options and pictures need
checking and thumbnails, so both are added in the console; here their data is edited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from weishang.catalog import services
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.core.admin import ListedInline
from weishang.core.errors import DomainError

VARIANT_FIELDS = ("retail_price", "market_price", "cost_price", "weight_grams", "barcode",
                  "sku_code")


def _as_validation_error(error: DomainError, form: forms.Form) -> ValidationError:
    field = error.field if error.field in form.fields else None
    return ValidationError({field: str(error.message)} if field else str(error.message))


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(parent__isnull=True)

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_category_placement(self.instance, cleaned.get("parent"))
        except DomainError as error:
            raise _as_validation_error(error, self) from error
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["__str__", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if change:
            services.update_category(obj, **values, actor=request.user)
        else:
            obj.pk = services.create_category(**values, actor=request.user).pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.delete_category(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.delete_category(category, actor=request.user)


class VariantAdminForm(forms.ModelForm):
    class Meta:
        model = Variant
        fields = list(VARIANT_FIELDS)

    def clean(self):
        cleaned = super().clean()
        data = services.VariantData(**{name: cleaned.get(name) for name in VARIANT_FIELDS})
        try:
            services.clean_variant_fields(data, services.variant_name(self.instance.spec_label))
        except DomainError as error:
            raise _as_validation_error(error, self) from error
        return cleaned


def _save_variant(form, actor) -> None:
    services.update_variant(form.instance, **{name: form.cleaned_data[name]
                                              for name in VARIANT_FIELDS}, actor=actor)


class VariantInline(ListedInline):
    model = Variant
    form = VariantAdminForm
    fields = ["spec_label", *VARIANT_FIELDS, "is_active"]
    readonly_fields = ["spec_label", "is_active"]


class ProductImageInline(ListedInline):
    model = ProductImage
    fields = ["preview", "width", "height"]
    readonly_fields = fields

    @admin.display(description=_("picture"))
    def preview(self, image):
        source = image.thumbnail or image.image
        return format_html('<img src="{}" alt="" style="height:64px">', source.url)


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["title", "selling_points", "description", "category", "is_on_shelf"]

    def clean(self):
        cleaned = super().clean()
        try:
            fields = services.clean_product_fields(
                title=cleaned.get("title"), selling_points=cleaned.get("selling_points"),
                description=cleaned.get("description"), category=cleaned.get("category"),
            )
        except DomainError as error:
            raise _as_validation_error(error, self) from error
        if cleaned.get("is_on_shelf") and not self.instance.variants.filter(
            is_active=True
        ).exists():
            raise ValidationError({"is_on_shelf": _(
                "This product has no variant on sale, so it cannot be put on shelf."
            )})
        cleaned.update(fields)
        return cleaned


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    inlines = [VariantInline, ProductImageInline]
    list_display = ["title", "category", "is_on_shelf", "updated_at"]
    list_filter = ["is_on_shelf", "category"]
    search_fields = ["title", "variants__sku_code", "variants__barcode"]
    readonly_fields = ["public_id", "specs", "created_at", "updated_at"]
    actions = ["put_on_shelf", "take_off_shelf", "duplicate"]

    def has_add_permission(self, request):
        return False  # variants are built from spec options in the console

    def has_delete_permission(self, request, obj=None):
        return False  # orders and stock refer to products: take them off shelf instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.update_product(obj, title=data["title"], selling_points=data["selling_points"],
                                description=data["description"], category=data["category"],
                                actor=request.user)
        services.set_on_shelf(obj, data["is_on_shelf"], actor=request.user)

    def save_formset(self, request, form, formset, change):
        changed = [variant_form for variant_form in formset.forms if variant_form.has_changed()]
        for variant_form in changed:
            _save_variant(variant_form, request.user)
        # What formset.save() would have recorded, for the admin's change message.
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(variant_form.instance, variant_form.changed_data)
                                   for variant_form in changed]

    def _set_shelf(self, request, queryset, on_shelf: bool):
        done = 0
        for product in queryset:
            try:
                services.set_on_shelf(product, on_shelf, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{product}: {error.message}", messages.ERROR)
        self.message_user(request, ngettext("%(count)d product changed.",
                                            "%(count)d products changed.", done)
                          % {"count": done})

    @admin.action(description=_("Put on shelf"))
    def put_on_shelf(self, request, queryset):
        self._set_shelf(request, queryset, True)

    @admin.action(description=_("Take off shelf"))
    def take_off_shelf(self, request, queryset):
        self._set_shelf(request, queryset, False)

    @admin.action(description=_("Duplicate"))
    def duplicate(self, request, queryset):
        for product in queryset:
            services.duplicate_product(product, actor=request.user)
        self.message_user(request, ngettext("%(count)d product copied.",
                                            "%(count)d products copied.", len(queryset))
                          % {"count": len(queryset)})


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    form = VariantAdminForm
    list_display = ["__str__", "sku_code", "retail_price", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["product__title", "sku_code", "barcode"]
    list_select_related = ["product"]
    readonly_fields = ["product", "spec_label", "is_active"]
    fields = ["product", "spec_label", *VARIANT_FIELDS, "is_active"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        _save_variant(form, request.user)

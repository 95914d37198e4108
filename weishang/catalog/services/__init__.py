"""Every change to the catalog: categories, products, their variants and images.

Each function runs in one transaction and raises a ``weishang.core.errors`` domain error with a
translated message when the input is not acceptable; nothing is written then. The parts:
``categories``, ``products`` (fields, shelf, copies), ``variants`` (spec options and their
combinations) and ``images`` (a product's pictures). Callers use the names re-exported here:
``from weishang.catalog import services``; ``services.create_product(...)``.
"""

from .categories import (
    CATEGORY_NAME_MAX_LENGTH,
    MAX_POSITION,
    check_category_placement,
    create_category,
    delete_category,
    update_category,
)
from .images import MAX_IMAGES, add_image, add_images, move_image, remove_image, reorder_images
from .products import (
    KEEP,
    MAX_USAGE_DAYS,
    SELLING_POINTS_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    clean_product_fields,
    create_product,
    duplicate_product,
    set_on_shelf,
    update_product,
)
from .variants import (
    BARCODE_MAX_LENGTH,
    MAX_SPEC_VALUES,
    MAX_SPECS,
    MAX_VARIANTS,
    MAX_WEIGHT_GRAMS,
    SKU_CODE_MAX_LENGTH,
    SPEC_NAME_MAX_LENGTH,
    SPEC_VALUE_MAX_LENGTH,
    VariantData,
    clean_specs,
    clean_variant_fields,
    combinations,
    spec_label,
    update_variant,
    variant_name,
)

__all__ = [
    "BARCODE_MAX_LENGTH", "CATEGORY_NAME_MAX_LENGTH", "KEEP", "MAX_IMAGES", "MAX_POSITION",
    "MAX_SPECS", "MAX_SPEC_VALUES", "MAX_USAGE_DAYS", "MAX_VARIANTS", "MAX_WEIGHT_GRAMS",
    "SELLING_POINTS_MAX_LENGTH", "SKU_CODE_MAX_LENGTH", "SPEC_NAME_MAX_LENGTH",
    "SPEC_VALUE_MAX_LENGTH", "TITLE_MAX_LENGTH", "VariantData", "add_image", "add_images",
    "check_category_placement", "clean_product_fields", "clean_specs", "clean_variant_fields",
    "combinations", "create_category", "create_product", "delete_category", "duplicate_product",
    "move_image", "remove_image", "reorder_images", "set_on_shelf", "spec_label",
    "update_category", "update_product", "update_variant", "variant_name",
]

"""The error codes the catalog app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("catalog", "too_many_images", 400, "The product would have more pictures than allowed.")
declare("catalog", "category_has_children", 409, "The category still has sub-categories.")
declare("catalog", "category_has_products", 409, "The category still has products.")
declare("catalog", "no_variant_on_sale", 409, "The product has no variant on sale to put on shelf.")

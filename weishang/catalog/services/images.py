"""A product's pictures: added (checked, stripped of metadata, with a thumbnail), removed and
put in order."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Product, ProductImage
from weishang.core import images
from weishang.core.errors import InvalidInput
from weishang.core.files import delete_files_after_commit, stored_files
from weishang.core.versions import shop_pages_changed

MAX_IMAGES = 9


def add_images(product: Product, uploads: Sequence, *, actor=None) -> list[ProductImage]:
    """Add pictures to the end of a product's gallery (all or none of them).

    Each upload is checked by its content (``images.check_image``) and gets a 400 px thumbnail.
    ``actor`` must manage the catalog (None: a loader, e.g. the demo); so must the other
    picture services'.
    """
    require_manager(actor, "catalog", system=True)
    if not uploads:
        raise InvalidInput(_("Choose a picture to upload."), field="image")
    checked = [images.check_image(upload) for upload in uploads]
    thumbnails = [images.make_thumbnail(upload) for upload in uploads]
    originals = [images.without_metadata(upload, info)
                 for upload, info in zip(uploads, checked, strict=True)]
    with stored_files() as stored, transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        count = product.images.count()
        if count + len(uploads) > MAX_IMAGES:
            raise InvalidInput(
                _("A product can have at most %(limit)d pictures; it has %(count)d.")
                % {"limit": MAX_IMAGES, "count": count},
                code="too_many_images", field="image",
            )
        position = (product.images.aggregate(last=Max("position"))["last"] or 0) + 1
        added = []
        for offset, (info, original, thumbnail) in enumerate(zip(checked, originals, thumbnails,
                                                                 strict=True)):
            image = ProductImage(product=product, extension=info.extension,
                                 position=position + offset)
            image.image.save(f"upload.{info.extension}", original.content, save=False)
            stored.append(image.image)
            image.thumbnail.save("thumbnail.jpg", thumbnail, save=False)
            stored.append(image.thumbnail)
            image.width, image.height = original.width, original.height
            image.save()
            added.append(image)
        shop_pages_changed()
    return added


def add_image(product: Product, upload, *, actor=None) -> ProductImage:
    return add_images(product, [upload], actor=actor)[0]


@transaction.atomic
def remove_image(image: ProductImage, *, actor=None) -> None:
    """Remove a picture; its files go once the change is committed."""
    require_manager(actor, "catalog", system=True)
    image = ProductImage.objects.select_for_update().get(pk=image.pk)
    image.delete()
    delete_files_after_commit(image.image, image.thumbnail)
    shop_pages_changed()


@transaction.atomic
def reorder_images(product: Product, public_ids: Sequence[str], *, actor=None) -> None:
    """Put a product's pictures in the given order (every picture exactly once)."""
    require_manager(actor, "catalog", system=True)
    product = Product.objects.select_for_update().get(pk=product.pk)
    gallery = {image.public_id: image for image in product.images.all()}
    if sorted(public_ids) != sorted(gallery):
        raise InvalidInput(_("The list of pictures has changed; reload the page and try again."),
                           field="images")
    for position, public_id in enumerate(public_ids, start=1):
        image = gallery[public_id]
        if image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    shop_pages_changed()


@transaction.atomic
def move_image(image: ProductImage, step: int, *, actor=None) -> None:
    """Move a picture ``step`` places towards the end (negative: towards the front)."""
    require_manager(actor, "catalog", system=True)
    product = Product.objects.select_for_update().get(pk=image.product_id)
    order = list(product.images.values_list("public_id", flat=True))
    if image.public_id not in order:
        raise InvalidInput(_("The list of pictures has changed; reload the page and try again."),
                           field="images")
    index = order.index(image.public_id)
    target = min(max(index + step, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    reorder_images(product, order, actor=actor)

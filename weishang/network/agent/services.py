"""What an agent changes about their own shop: the profile its header shows (name, WeChat ID,
avatar, WeChat QR) and the products it does not list. The console pages and the API call these;
each is one transaction and refuses bad input with a domain error, writing nothing."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from weishang.catalog.models import Product
from weishang.core import images
from weishang.core.cleaning import one_line
from weishang.core.errors import InvalidInput
from weishang.core.models import max_length_of
from weishang.core.versions import shop_pages_changed

from ..models import Agent, HiddenProduct

#: Pictures in the shop header are small: avatars and QR codes are stored without metadata.
PROFILE_IMAGES = ("avatar", "wechat_qr")


def _text(value, *, field: str, required: bool) -> str:
    text = one_line(value)
    if required and not text:
        raise InvalidInput(_("Enter your name."), field=field)
    limit = max_length_of(Agent, field)
    if len(text) > limit:
        raise InvalidInput(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    return text


def _checked_picture(upload, *, field: str):
    """The upload checked by its content (core.images), its metadata
    (a phone photo's GPS position) removed; InvalidInput names ``field``."""
    try:
        checked = images.check_image(upload)
        clean = images.without_metadata(upload, checked)
    except InvalidInput as error:
        raise InvalidInput(error.message, code=error.code, field=field) from None
    return clean.content, checked.extension


@transaction.atomic
def update_profile(agent: Agent, **changes) -> Agent:
    """Change some of ``name``, ``wechat_id``, ``avatar`` and ``wechat_qr`` (a picture upload,
    or "" / None to remove it). Fields left out stay as they are."""
    unknown = set(changes) - {"name", "wechat_id", *PROFILE_IMAGES}
    if unknown:
        raise TypeError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    cleaned = {}
    if "name" in changes:
        cleaned["name"] = _text(changes["name"], field="name", required=True)
    if "wechat_id" in changes:
        cleaned["wechat_id"] = _text(changes["wechat_id"], field="wechat_id", required=False)
    pictures = {field: _checked_picture(changes[field], field=field) if changes[field] else None
                for field in PROFILE_IMAGES if field in changes}
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    for name, value in cleaned.items():
        setattr(agent, name, value)
    for field, picture in pictures.items():
        if picture is None:
            setattr(agent, field, "")
        else:
            content, extension = picture
            getattr(agent, field).save(f"{agent.public_id}.{extension}", content, save=False)
    agent.save()
    shop_pages_changed()  # the shop's header shows the name and the pictures
    return agent


def _shop_product(public_id: str) -> Product:
    product = Product.objects.filter(public_id=public_id).first()
    if product is None:
        raise InvalidInput(_("There is no such product."), field="product")
    return product


@transaction.atomic
def hide_product(agent: Agent, product_public_id: str) -> HiddenProduct:
    """The agent's shop stops listing and selling the product (hiding it twice is one hide)."""
    product = _shop_product(product_public_id)
    try:
        with transaction.atomic():
            hidden, _created = HiddenProduct.objects.get_or_create(agent=agent, product=product)
    except IntegrityError:  # the same hide sent twice at once
        hidden = HiddenProduct.objects.get(agent=agent, product=product)
    shop_pages_changed()
    return hidden


@transaction.atomic
def show_product(agent: Agent, product_public_id: str) -> None:
    """The agent's shop lists the product again (showing a shown product changes nothing)."""
    product = _shop_product(product_public_id)
    if HiddenProduct.objects.filter(agent=agent, product=product).delete()[0]:
        shop_pages_changed()

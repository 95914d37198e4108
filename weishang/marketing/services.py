"""Every change to the content library, the channels and the marketing rules.

Each function runs in one transaction and raises a ``weishang.core.errors`` domain error with a
translated message when the input is not acceptable; nothing is written then. Channels and the
marketing rules are the owner's; the library is managed by whoever has the "marketing" area
(the views and the API check that).
"""

import re
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager, require_owner
from weishang.catalog.models import Product
from weishang.core import images as image_checks
from weishang.core.cleaning import clean_name, whole_number
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.files import delete_files_after_commit, stored_files

from .models import (
    Channel,
    HashtagStyle,
    MarketingSettings,
    Post,
    PostImage,
    PostKind,
    RuleMode,
)

MAX_POST_IMAGES = 18
MAX_TOPICS = 10
TOPIC_MAX_LENGTH = 20
MAX_POST_PRODUCTS = 20
MAX_TEXT_LIMIT = 100_000
MAX_DAILY_CAP = 100
MAX_SPACING_MINUTES = 24 * 60
MAX_ATTRIBUTION_DAYS = 90
TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
BODY_MAX_LENGTH = Post._meta.get_field("body").max_length
CHANNEL_NAME_MAX_LENGTH = Channel._meta.get_field("name").max_length
TOPIC_SEPARATORS = re.compile(r"[\s,，、;；#＃]+")


def _clean_choice(value, choices, *, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("Choose one of the options."), field=field)
    return value


# ---------------------------------------------------------------------------------------------
# Marketing settings


_SETTINGS_CLEANERS = {
    "rule_mode": lambda value: _clean_choice(value, RuleMode, field="rule_mode"),
    "product_share_percent": lambda value: whole_number(
        value, field="product_share_percent", minimum=0, maximum=100),
    "attribution_days": lambda value: whole_number(
        value, field="attribution_days", minimum=1, maximum=MAX_ATTRIBUTION_DAYS),
}


@transaction.atomic
def update_marketing_settings(actor, **fields) -> MarketingSettings:
    """Change some of the marketing rules (only the fields given); the owner only."""
    require_owner(actor, _("Only the owner can change this."))
    return MarketingSettings.change(_SETTINGS_CLEANERS, fields)


# ---------------------------------------------------------------------------------------------
# Channels


def _limit(field: str):
    return lambda value: whole_number(value, field=field, minimum=1,
                                             maximum=MAX_TEXT_LIMIT, optional=True)


# ``can_autopost`` is not here: it says whether the platform can post for the seller, which is
# a fact about the channel, not a preference.
_CHANNEL_CLEANERS = {
    "name": lambda value: clean_name(value, limit=CHANNEL_NAME_MAX_LENGTH),
    "position": lambda value: whole_number(value, field="position", minimum=0,
                                                  maximum=1000),
    "is_active": bool,
    "max_images": lambda value: whole_number(value, field="max_images", minimum=1,
                                                    maximum=MAX_POST_IMAGES),
    "text_limit": _limit("text_limit"),
    "fold_after": _limit("fold_after"),
    "title_limit": lambda value: whole_number(
        value, field="title_limit", minimum=1, maximum=TITLE_MAX_LENGTH, optional=True),
    "hashtag_style": lambda value: _clean_choice(value, HashtagStyle, field="hashtag_style"),
    "daily_cap": lambda value: whole_number(value, field="daily_cap", minimum=1,
                                                   maximum=MAX_DAILY_CAP),
    "min_spacing_minutes": lambda value: whole_number(
        value, field="min_spacing_minutes", minimum=0, maximum=MAX_SPACING_MINUTES),
    "cap_per_account": bool,
}
CHANNEL_FIELDS = tuple(_CHANNEL_CLEANERS)


@transaction.atomic
def update_channel(actor, channel: Channel, **fields) -> Channel:
    """Change some of a channel's settings (only the fields given); the owner only."""
    unknown = set(fields) - set(_CHANNEL_CLEANERS)
    if unknown:
        raise TypeError(f"unknown channel fields: {', '.join(sorted(unknown))}")
    require_owner(actor, _("Only the owner can change this."))
    cleaned = {name: _CHANNEL_CLEANERS[name](value) for name, value in fields.items()}
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    for name, value in cleaned.items():
        setattr(channel, name, value)
    if channel.fold_after and channel.text_limit and channel.fold_after > channel.text_limit:
        raise InvalidInput(_("The text cannot fold after more characters than the channel "
                             "takes."), field="fold_after")
    channel.save()
    return channel


# ---------------------------------------------------------------------------------------------
# Posts


def parse_topics(text: str) -> list[str]:
    """Topics as typed in one line: "#好物 护肤，美妆#" → ["好物", "护肤", "美妆"]."""
    return [topic for topic in TOPIC_SEPARATORS.split(text or "") if topic]


def _clean_topics(topics: Iterable[str]) -> list[str]:
    if isinstance(topics, str):
        raise TypeError("topics must be a list of strings; use parse_topics() for a line")
    cleaned = []
    for topic in topics or []:
        topic = str(topic).strip().strip("#＃").strip()
        if not topic or topic in cleaned:
            continue
        if TOPIC_SEPARATORS.search(topic):
            raise InvalidInput(
                _("A topic is one word without spaces or punctuation: “%(topic)s”.")
                % {"topic": topic},
                field="hashtags",
            )
        if len(topic) > TOPIC_MAX_LENGTH:
            raise InvalidInput(
                _("A topic can have at most %(limit)d characters: “%(topic)s”.")
                % {"limit": TOPIC_MAX_LENGTH, "topic": topic},
                field="hashtags",
            )
        cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise InvalidInput(_("A post can have at most %(limit)d topics.") % {"limit": MAX_TOPICS},
                           field="hashtags")
    return cleaned


def _clean_products(products: Iterable[Product]) -> list[Product]:
    products = list(dict.fromkeys(products or []))
    if any(not isinstance(product, Product) for product in products):
        raise TypeError("products must be Product instances")
    if len(products) > MAX_POST_PRODUCTS:
        raise InvalidInput(
            _("A post can show at most %(limit)d products.") % {"limit": MAX_POST_PRODUCTS},
            field="products",
        )
    return products


def _clean_text(value, *, field: str, limit: int, missing: str) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidInput(missing, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This can have at most %(limit)d characters; it has %(count)d.")
            % {"limit": limit, "count": len(text)},
            field=field,
        )
    return text


def _clean_post_fields(*, title, body, kind, hashtags, products) -> tuple[dict, list[Product]]:
    fields = {
        "title": _clean_text(title, field="title", limit=TITLE_MAX_LENGTH,
                             missing=_("Enter a title.")),
        "body": _clean_text(body, field="body", limit=BODY_MAX_LENGTH,
                            missing=_("Enter the text of the post.")),
        "kind": _clean_choice(kind, PostKind, field="kind"),
        "hashtags": _clean_topics(hashtags),
    }
    return fields, _clean_products(products)


def _ensure_post_manager(actor) -> None:
    """The library is written by the marketing managers; agents only share from it."""
    require_manager(actor, "marketing")


def create_post(actor, *, title: str, body: str, kind: str = PostKind.PRODUCT,
                hashtags: Sequence[str] = (), products: Iterable[Product] = (),
                images: Sequence = (), min_level=None) -> Post:
    """A new library post by ``actor`` (its author), not yet published, with its first
    pictures (all or nothing). ``min_level``: the lowest agent level that may share it (None:
    every agent)."""
    _ensure_post_manager(actor)
    fields, products = _clean_post_fields(title=title, body=body, kind=kind, hashtags=hashtags,
                                          products=products)
    checked = _checked_uploads(images) if images else []
    with stored_files() as stored, transaction.atomic():
        post = Post.objects.create(**fields, author=actor, is_published=False,
                                   min_level=min_level)
        post.products.set(products)
        _store_images(post, checked, stored)
    return post


@transaction.atomic
def update_post(actor, post: Post, *, title: str, body: str, kind: str,
                hashtags: Sequence[str] = (), products: Iterable[Product] = (),
                min_level=None) -> Post:
    _ensure_post_manager(actor)
    fields, products = _clean_post_fields(title=title, body=body, kind=kind, hashtags=hashtags,
                                          products=products)
    fields["min_level"] = min_level
    post = Post.objects.select_for_update().get(pk=post.pk)
    for name, value in fields.items():
        setattr(post, name, value)
    post.save()
    post.products.set(products)
    return post


@transaction.atomic
def set_published(actor, post: Post, published: bool) -> Post:
    """Publish a post to the library every seller shares from, or take it back."""
    _ensure_post_manager(actor)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_published != published:
        post.is_published = published
        post.save(update_fields=["is_published", "updated_at"])
    return post


@transaction.atomic
def delete_post(actor, post: Post) -> None:
    """Delete a post that was never shared; a shared one keeps its clicks and plans, so it can
    only be unpublished."""
    _ensure_post_manager(actor)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.links.exists() or post.planned.exists():
        raise Conflict(_("This post has been shared or planned; unpublish it instead, so its "
                         "results stay."), code="post_in_use")
    files = [image.image for image in post.images.all()]
    post.delete()
    delete_files_after_commit(*files)


# ---------------------------------------------------------------------------------------------
# Post images


def _checked_uploads(uploads: Sequence) -> list[tuple]:
    """(extension, clean original) of each upload, checked by its content and without its
    metadata (``core.images``); InvalidInput for the first that is not acceptable."""
    if len(uploads) > MAX_POST_IMAGES:
        raise _too_many_images(0)
    checked = [image_checks.check_image(upload) for upload in uploads]
    return [(info.extension, image_checks.without_metadata(upload, info))
            for upload, info in zip(uploads, checked, strict=True)]


def _too_many_images(count: int) -> InvalidInput:
    return InvalidInput(
        _("A post can have at most %(limit)d pictures; it has %(count)d.")
        % {"limit": MAX_POST_IMAGES, "count": count},
        code="too_many_images", field="images",
    )


def _store_images(post: Post, checked: list[tuple], stored: list) -> list[PostImage]:
    """Adds the checked pictures after the post's last one (the post row is locked or new)."""
    count = post.images.count()
    if count + len(checked) > MAX_POST_IMAGES:
        raise _too_many_images(count)
    position = (post.images.aggregate(last=Max("position"))["last"] or 0) + 1
    added = []
    for offset, (extension, original) in enumerate(checked):
        image = PostImage(post=post, extension=extension, position=position + offset)
        image.image.save(f"upload.{extension}", original.content, save=False)
        stored.append(image.image)
        image.width, image.height = original.width, original.height
        image.save()
        added.append(image)
    return added


def add_post_images(actor, post: Post, uploads: Sequence) -> list[PostImage]:
    """Add pictures to the end of a post (all or none)."""
    _ensure_post_manager(actor)
    if not uploads:
        raise InvalidInput(_("Choose a picture to upload."), field="images")
    checked = _checked_uploads(uploads)
    with stored_files() as stored, transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        added = _store_images(post, checked, stored)
        post.save(update_fields=["updated_at"])
    return added


@transaction.atomic
def remove_post_image(actor, image: PostImage) -> None:
    """Remove a picture; its file goes once the change is committed."""
    _ensure_post_manager(actor)
    image = PostImage.objects.select_for_update().get(pk=image.pk)
    image.delete()
    delete_files_after_commit(image.image)
    Post.objects.get(pk=image.post_id).save(update_fields=["updated_at"])


def _changed_list() -> InvalidInput:
    return InvalidInput(_("The list of pictures has changed; reload the page and try again."),
                        field="images")


@transaction.atomic
def reorder_post_images(actor, post: Post, public_ids: Sequence[str]) -> None:
    """Put a post's pictures in the given order (every picture exactly once): channels that
    take fewer pictures keep the first ones."""
    _ensure_post_manager(actor)
    post = Post.objects.select_for_update().get(pk=post.pk)
    gallery = {image.public_id: image for image in post.images.all()}
    if sorted(public_ids) != sorted(gallery):
        raise _changed_list()
    for position, public_id in enumerate(public_ids, start=1):
        image = gallery[public_id]
        if image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    post.save(update_fields=["updated_at"])


def move_post_image(actor, image: PostImage, step: int) -> None:
    """Move a picture ``step`` places towards the end (negative: towards the front)."""
    _ensure_post_manager(actor)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=image.post_id)
        order = list(post.images.order_by("position", "id").values_list("public_id", flat=True))
        if image.public_id not in order:
            raise _changed_list()
        index = order.index(image.public_id)
        target = min(max(index + step, 0), len(order) - 1)
        order.insert(target, order.pop(index))
        reorder_post_images(actor, post, order)

"""Share kits (一键分享): everything a seller needs to post a library post on one channel.

A kit is the post rendered for the channel with the seller's own tracked link and name in it
(``rendering``), the images the channel takes, the link itself and a poster with a QR code of
the link (``poster``). The console page, the API and the plan's reminders build kits here.

Opening a kit creates the seller's tracked link for the post and channel the first time
(``links.services.link_for``); nothing else is written, apart from the cached poster file
(``kit_poster``).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weishang.accounts.models import Role
from weishang.core.convert import REGIONS
from weishang.core.errors import InvalidInput, NotFound
from weishang.core.files import drawn_once
from weishang.marketing import queries, rendering
from weishang.marketing.links import queries as link_queries
from weishang.marketing.links import services as links
from weishang.marketing.models import Channel, Post, PostImage, TrackedLink
from weishang.network.models import Agent, AgentState

from . import poster

REGION_LABELS = {"tw": gettext_lazy("Traditional (Taiwan)"),
                 "hk": gettext_lazy("Traditional (Hong Kong)")}
#: The scripts a kit can be written in: Simplified, or Traditional as written in a region.
VARIANT_CHOICES = [("", gettext_lazy("Simplified")),
                   *((region, REGION_LABELS[region]) for region in REGIONS)]
VARIANTS = tuple(value for value, _label in VARIANT_CHOICES)
POSTER_DIR = "posters"


@dataclass(frozen=True)
class Kit:
    post: Post
    channel: Channel
    seller: object
    variant: str
    rendered: rendering.Rendered
    link: TrackedLink
    # The tracked link as the customer opens it (absolute).
    link_url: str
    # The console's poster download (absolute).
    poster_url: str

    @property
    def text(self) -> str:
        return self.rendered.text

    @property
    def images(self) -> list[PostImage]:
        """The post's images the channel takes, in order."""
        return self.rendered.images

    @property
    def url_args(self) -> tuple[str, str]:
        return self.post.public_id, self.channel.code


def clean_variant(value) -> str:
    value = value or ""
    if value not in VARIANTS:
        raise InvalidInput(_("Choose Simplified Chinese, or Traditional as written in Taiwan "
                             "or Hong Kong."), field="variant")
    return value


def share_kit(post: Post, channel: Channel, seller, *, request, variant: str = "") -> Kit:
    """``post`` ready to share on ``channel`` by ``seller`` ("" Simplified, "tw"/"hk")."""
    variant = clean_variant(variant)
    link = links.link_for(post=post, channel=channel, seller=seller)
    link_url = link_queries.link_url(link, request)
    poster_path = reverse("marketing:kit_poster", args=[post.public_id, channel.code])
    if variant:
        poster_path += f"?variant={variant}"
    return Kit(
        post=post, channel=channel, seller=seller, variant=variant,
        rendered=rendering.render(post, channel, seller=seller, link_url=link_url,
                                  variant=variant),
        link=link, link_url=link_url, poster_url=request.build_absolute_uri(poster_path),
    )


def kit_for(user, post_public_id: str, channel_code: str, *, request, variant: str = "") -> Kit:
    """The kit ``user`` shares: as themself if a seller, as the owner if staff. NotFound for a
    post the seller may not share (unpublished, unknown, above an agent's level) or a channel
    not in use; InvalidInput for an agent who is not active (their shop sells nothing)."""
    seller = queries.sharing_seller(user)
    if seller.role == Role.AGENT and not Agent.objects.filter(
            user=seller, state=AgentState.ACTIVE).exists():
        raise InvalidInput(_("Your shop is closed while you are not an active agent: there is "
                             "nothing to share yet."), code="agent_not_active")
    post = queries.library_for(seller).filter(public_id=post_public_id).first()
    if post is None:
        raise NotFound(_("This post is not in the library (it may have been unpublished)."),
                       code="post_not_found")
    channel = queries.channels(active_only=True).filter(code=channel_code).first()
    if channel is None:
        raise NotFound(_("There is no channel in use with this code."),
                       code="channel_not_found")
    return share_kit(post, channel, seller, request=request, variant=variant)


def kit_image(kit: Kit, image_public_id: str) -> PostImage:
    """One of the kit's images; NotFound for an image the channel leaves out."""
    for image in kit.images:
        if image.public_id == image_public_id:
            return image
    raise NotFound(_("This image is not part of the kit."), code="image_not_found")


def poster_content(kit: Kit) -> poster.PosterContent:
    """What the kit's poster shows: the post's first picture (else its product's), the title
    as rendered for the kit, the product's lowest price on sale, the seller and the link."""
    products = rendering.linked_products(kit.post)
    product = products[0] if products else None
    post_images = list(kit.post.images.all())
    gallery = getattr(product, "gallery", []) if product else []
    image = post_images[0].image if post_images else gallery[0].image if gallery else None
    lowest = getattr(product, "lowest_price", None)
    highest = getattr(product, "highest_price", None)
    shop = getattr(kit.seller, "shop", None)
    return poster.PosterContent(
        title=kit.rendered.title,
        price=lowest,
        several_prices=lowest is not None and highest is not None and highest > lowest,
        seller_name=str(kit.seller),
        shop_name=shop.name if shop else "",
        link_url=kit.link_url,
        image=image,
        region=kit.variant,
        versions=(kit.post.updated_at.isoformat(),
                  product.updated_at.isoformat() if product else ""),
    )


def kit_poster(kit: Kit) -> str:
    """The storage name of the kit's poster, drawn now if what it shows has changed.

    Posters are cached under ``MEDIA_ROOT/posters/<kit>/``, named by a hash of everything drawn
    (texts, price, link, image file, the post's and product's ``updated_at``), so any change
    re-renders and an unchanged poster is never drawn twice; a new poster replaces the older
    ones of its kit. Each kit has its own folder, so finding its older posters reads a folder of
    one or two files however many kits there are."""
    content = poster_content(kit)
    return drawn_once(f"{POSTER_DIR}/{kit.link.code}-{kit.variant or 'zh'}",
                      f"{content.fingerprint()}.png", lambda: poster.poster_png(content))


def poster_filename(kit: Kit) -> str:
    """The name a downloaded poster is saved under."""
    return f"{kit.channel.code}-{kit.link.code}{'-' + kit.variant if kit.variant else ''}.png"

"""Reads of the content library shared by the console pages, the API, share kits and plans.

Every post comes with its images (in order) and its products (``product_list``, catalog order,
each with ``lowest_price`` and ``gallery``), so rendering a list of posts runs a fixed number of
queries however many posts, images and products there are.
"""

from django.db.models import Prefetch, Q, QuerySet, Subquery

from weishang.accounts.models import Role
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product
from weishang.catalog.queries import with_list_annotations
from weishang.marketing.models import Channel, Post, PostImage, PostKind
from weishang.network.models import Agent


def with_content(posts: QuerySet) -> QuerySet:
    """Prefetches what rendering and the lists show: images and ``product_list``."""
    return posts.select_related("author", "min_level").prefetch_related(
        Prefetch("images", queryset=PostImage.objects.order_by("position", "id")),
        Prefetch("products", queryset=with_list_annotations(Product.objects.all()),
                 to_attr="product_list"),
    )


def sharing_seller(user):
    """Whose name and link a share by ``user`` carries: a seller (owner, later an agent) shares
    as themself; staff share on the owner's behalf."""
    if user.role in (Role.OWNER, Role.AGENT):
        return user
    return owner_shop().seller


def library_for(seller, *, kind: str = "", product: Product | None = None,
                tag: str = "") -> QuerySet:
    """The published posts ``seller`` may share, newest first, filtered as asked.

    The one place that decides what a seller sees: the owner (and staff sharing as the owner)
    sees the whole published library; an agent sees the posts open to everyone and those whose
    ``min_level`` ranks at most as high as their own level.
    """
    return with_content(_filtered(_library(seller), kind=kind, product=product, tag=tag))


def _library(seller) -> QuerySet:
    posts = Post.objects.filter(is_published=True)
    if seller.role == Role.AGENT:
        # A subquery rather than a lookup first: the rank is read in the same query.
        own_rank = Subquery(Agent.objects.filter(user=seller).values("level__rank")[:1])
        posts = posts.filter(Q(min_level__isnull=True) | Q(min_level__rank__lte=own_rank))
    return posts


def post_for_share(public_id: str) -> Post:
    """A published post with its content, for a share kit or a plan. Raises Post.DoesNotExist
    (also for a post that is not published)."""
    return with_content(Post.objects.filter(is_published=True)).get(public_id=public_id)


def console_posts(*, kind: str = "", product: Product | None = None, tag: str = "",
                  published: bool | None = None) -> QuerySet:
    """Every post for the library managers, newest first, filtered as asked."""
    posts = Post.objects.all()
    if published is not None:
        posts = posts.filter(is_published=published)
    return with_content(_filtered(posts, kind=kind, product=product, tag=tag))


def _filtered(posts: QuerySet, *, kind: str, product: Product | None, tag: str) -> QuerySet:
    if kind:
        posts = posts.filter(kind=kind)
    if product is not None:
        posts = posts.filter(products=product)
    tag = tag.strip().strip("#")
    if tag:
        # JSON array membership has no lookup on SQLite; topics are few and short, so the
        # matching ids are found in one narrow read.
        tagged = [pk for pk, topics in posts.values_list("pk", "hashtags") if tag in topics]
        posts = posts.filter(pk__in=tagged)
    return posts


def post_detail(public_id: str) -> Post:
    """One post, published or not, with its content. Raises Post.DoesNotExist."""
    return with_content(Post.objects.all()).get(public_id=public_id)


def product_share(posts: QuerySet) -> int | None:
    """Percentage of product posts among ``posts`` (a feed of only ads is spam); None if empty."""
    kinds = list(posts.order_by().values_list("kind", flat=True))
    if not kinds:
        return None
    return round(100 * sum(kind == PostKind.PRODUCT for kind in kinds) / len(kinds))


def channels(*, active_only: bool = False) -> QuerySet:
    found = Channel.objects.all()
    return found.filter(is_active=True) if active_only else found


def all_topics(seller=None) -> list[str]:
    """Every topic used in the library, most used first (for the filter and suggestions);
    with ``seller``, only the topics of the posts that seller may share."""
    posts = Post.objects.all() if seller is None else _library(seller)
    counts: dict[str, int] = {}
    for topics in posts.values_list("hashtags", flat=True):
        for topic in topics:
            counts[topic] = counts.get(topic, 0) + 1
    return sorted(counts, key=lambda topic: (-counts[topic], topic))

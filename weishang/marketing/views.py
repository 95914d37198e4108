"""Console pages of the content library (/console/marketing/): the library, a post with its
preview on each channel, the channels and the marketing rules. Every change goes through
``services``; a refused change shows why and writes nothing.

Agents read the library too (the posts of their level, ``queries.library_for``) and share them
from the same pages, which then leave out everything that manages the library."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import (
    area_or_agent_required,
    area_required,
    is_agent,
    owner_required,
)
from weishang.core import gallery
from weishang.core.errors import DomainError
from weishang.core.forms import ImageUploadForm, submit_form
from weishang.core.site import absolute_url

from . import queries, rendering, services
from .forms import (
    PLACEHOLDER_BUTTONS,
    ChannelForm,
    MarketingSettingsForm,
    NewPostForm,
    PostFilterForm,
    PostForm,
    PreviewForm,
)
from .models import Channel, MarketingSettings, Post, PostImage

POSTS_PER_PAGE = 20
#: The preview shows a link of the same length as a seller's tracked link; the real one is
#: made when a seller opens the share kit.
PREVIEW_LINK_PATH = "/t/xxxxxxxx"
marketing_area = area_required("marketing")
#: The library, a post's page and its share kits: the marketing managers, and agents for the
#: posts they may share.
library_area = area_or_agent_required("marketing")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "marketing", **context}, status=status)


def post_url(post) -> str:
    return reverse("marketing:post_detail", kwargs={"public_id": post.public_id})


# -- Library ----------------------------------------------------------------------------------

@library_area
def post_list(request):
    if is_agent(request.user):
        filters = PostFilterForm(request.GET, seller=request.user)
        posts, managing = queries.library_for(request.user, **filters.filters()), {}
    else:
        filters = PostFilterForm(request.GET)
        posts = queries.console_posts(**filters.filters())
        managing = {
            "product_share": queries.product_share(Post.objects.filter(is_published=True)),
            "settings": MarketingSettings.load(),
        }
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "marketing/post_list.html",
                 {"filters": filters, "page": page, **managing})


def _edit_post(request, post=None):
    form_class = PostForm if post else NewPostForm

    def page(form):
        return _page(request, "marketing/post_form.html", {
            "form": form, "post": post, "placeholders": PLACEHOLDER_BUTTONS})

    if request.method != "POST":
        return page(form_class(post=post))
    form = form_class(request.POST, request.FILES, post=post)

    def save(data):
        if post is None:
            return services.create_post(request.user, **form.post_fields())
        return services.update_post(request.user, post, **form.post_fields())

    return submit_form(
        request, form, save,
        success_message=lambda saved: _("Saved “%(title)s”.") % {"title": saved.title},
        success_url=post_url, page_with_errors=page)


@marketing_area
def post_create(request):
    return _edit_post(request)


@marketing_area
def post_edit(request, public_id):
    return _edit_post(request, get_object_or_404(Post, public_id=public_id))


def _readable_post(user, public_id) -> Post:
    """The post as its page shows it: any post for the managers, for an agent only one they may
    share (any other is not there for them)."""
    if is_agent(user):
        post = queries.library_for(user).filter(public_id=public_id).first()
        if post is None:
            raise Http404
        return post
    try:
        return queries.post_detail(public_id)
    except Post.DoesNotExist as exc:
        raise Http404 from exc


def _post_page(request, public_id, upload_form=None):
    post = _readable_post(request.user, public_id)
    preview = PreviewForm(request.GET)
    channel, variant = preview.choice()
    rendered = None
    if channel is not None:
        rendered = rendering.render(
            post, channel, seller=queries.sharing_seller(request.user), variant=variant,
            link_url=absolute_url(PREVIEW_LINK_PATH, request))
    return _page(request, "marketing/post_detail.html", {
        "post": post, "channels": queries.channels(active_only=True), "channel": channel,
        "variant": variant, "rendered": rendered,
        "upload_form": upload_form or ImageUploadForm(),
        "max_images": services.MAX_POST_IMAGES,
        # An agent's product links open the product in their own shop.
        "shop": getattr(request.user, "shop", None) if is_agent(request.user) else None,
    })


@library_area
def post_detail(request, public_id):
    return _post_page(request, public_id)


@marketing_area
@require_POST
def post_publish(request, public_id):
    post = get_object_or_404(Post, public_id=public_id)
    published = request.POST.get("published") == "1"
    services.set_published(request.user, post, published)
    if published:
        messages.success(request, _("“%(title)s” is in the library: sellers can share it now.")
                         % {"title": post.title})
    else:
        messages.success(request, _("“%(title)s” is no longer offered to sellers.")
                         % {"title": post.title})
    return redirect(post_url(post))


@marketing_area
def post_delete(request, public_id):
    post = get_object_or_404(Post, public_id=public_id)
    if request.method == "POST":
        try:
            services.delete_post(request.user, post)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(post_url(post))
        messages.success(request, _("Deleted “%(title)s”.") % {"title": post.title})
        return redirect("marketing:post_list")
    return _page(request, "marketing/post_confirm_delete.html", {"post": post})


# -- Pictures of a post -----------------------------------------------------------------------

@marketing_area
@require_POST
def image_upload(request, public_id):
    post = get_object_or_404(Post, public_id=public_id)
    return gallery.upload(
        request, add_images=lambda files: services.add_post_images(request.user, post, files),
        page_url=post_url(post),
        page_with_errors=lambda form: _post_page(request, public_id, upload_form=form))


def _image_or_404(public_id, image_id) -> PostImage:
    return get_object_or_404(PostImage.objects.select_related("post"),
                             public_id=image_id, post__public_id=public_id)


@marketing_area
@require_POST
def image_delete(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.remove(
        request, remove_image=lambda: services.remove_post_image(request.user, image),
        page_url=post_url(image.post))


@marketing_area
@require_POST
def image_move(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.move(
        request, move_image=lambda step: services.move_post_image(request.user, image, step),
        page_url=post_url(image.post))


# -- Channels and rules (the owner's) ---------------------------------------------------------

@marketing_area
def channel_list(request):
    return _page(request, "marketing/channel_list.html", {"channels": queries.channels()})


@owner_required
def channel_edit(request, code):
    channel = get_object_or_404(Channel, code=code)

    def page(form):
        return _page(request, "marketing/channel_form.html", {"form": form, "channel": channel})

    form = ChannelForm(request.POST or None, channel=channel)
    if not form.is_bound:
        return page(form)
    return submit_form(
        request, form, lambda data: services.update_channel(request.user, channel, **data),
        success_message=lambda saved: _("Saved the settings of %(channel)s.")
        % {"channel": saved.name},
        success_url="marketing:channel_list", page_with_errors=page)


@owner_required
def marketing_settings(request):
    def page(form):
        return _page(request, "marketing/settings.html", {"form": form})

    form = MarketingSettingsForm(request.POST or None, current=MarketingSettings.load())
    if not form.is_bound:
        return page(form)
    return submit_form(
        request, form, lambda data: services.update_marketing_settings(request.user, **data),
        success_message=_("Marketing rules saved."), success_url="marketing:settings",
        page_with_errors=page)

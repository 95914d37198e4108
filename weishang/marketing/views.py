"""Console pages of the content library (/console/marketing/): the library, a post with its
preview on each channel, the channels and the marketing rules. Every change goes through
``services``; a refused change shows why and writes nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required, owner_required
from weishang.catalog import gallery
from weishang.catalog.forms import ImageUploadForm, add_domain_error
from weishang.core.errors import DomainError

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
from .models import Channel, Post, PostImage

POSTS_PER_PAGE = 20
#: The preview shows a link of the same length as a seller's tracked link; the real one is
#: made when a seller opens the share kit.
PREVIEW_LINK_PATH = "/t/xxxxxxxx"
marketing_area = area_required("marketing")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "marketing", **context}, status=status)


def post_url(post) -> str:
    return reverse("marketing:post_detail", kwargs={"public_id": post.public_id})


# -- Library ----------------------------------------------------------------------------------

@marketing_area
def post_list(request):
    filters = PostFilterForm(request.GET)
    page = Paginator(queries.console_posts(**filters.filters()), POSTS_PER_PAGE).get_page(
        request.GET.get("page"))
    return _page(request, "marketing/post_list.html", {
        "filters": filters, "page": page,
        "product_share": queries.product_share(Post.objects.filter(is_published=True)),
        "settings": services.marketing_settings(),
    })


def _edit_post(request, post=None):
    form_class = PostForm if post else NewPostForm
    if request.method != "POST":
        form = form_class(post=post)
    else:
        form = form_class(request.POST, request.FILES, post=post)
        if form.is_valid():
            try:
                if post is None:
                    post = services.create_post(author=request.user, **form.post_fields())
                else:
                    post = services.update_post(post, **form.post_fields())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Saved “%(title)s”.") % {"title": post.title})
                return redirect(post_url(post))
    return _page(request, "marketing/post_form.html", {
        "form": form, "post": post, "placeholders": PLACEHOLDER_BUTTONS,
    }, status=400 if form.errors else 200)


@marketing_area
def post_create(request):
    return _edit_post(request)


@marketing_area
def post_edit(request, public_id):
    return _edit_post(request, get_object_or_404(Post, public_id=public_id))


def _post_page(request, public_id, upload_form=None, status=200):
    try:
        post = queries.post_detail(public_id)
    except Post.DoesNotExist as exc:
        raise Http404 from exc
    preview = PreviewForm(request.GET)
    channel, variant = preview.choice()
    rendered = None
    if channel is not None:
        rendered = rendering.render(
            post, channel, seller=queries.sharing_seller(request.user), variant=variant,
            link_url=request.build_absolute_uri(PREVIEW_LINK_PATH))
    return _page(request, "marketing/post_detail.html", {
        "post": post, "channels": queries.channels(active_only=True), "channel": channel,
        "variant": variant, "rendered": rendered,
        "upload_form": upload_form or ImageUploadForm(),
        "max_images": services.MAX_POST_IMAGES,
    }, status=status)


@marketing_area
def post_detail(request, public_id):
    return _post_page(request, public_id)


@marketing_area
@require_POST
def post_publish(request, public_id):
    post = get_object_or_404(Post, public_id=public_id)
    published = request.POST.get("published") == "1"
    services.set_published(post, published)
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
            services.delete_post(post)
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
        request, add_images=lambda files: services.add_post_images(post, files),
        page_url=post_url(post),
        page_with_errors=lambda form: _post_page(request, public_id, upload_form=form,
                                                 status=400))


def _image_or_404(public_id, image_id) -> PostImage:
    return get_object_or_404(PostImage.objects.select_related("post"),
                             public_id=image_id, post__public_id=public_id)


@marketing_area
@require_POST
def image_delete(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.remove(request, remove_image=lambda: services.remove_post_image(image),
                          page_url=post_url(image.post))


@marketing_area
@require_POST
def image_move(request, public_id, image_id):
    image = _image_or_404(public_id, image_id)
    return gallery.move(request, move_image=lambda step: services.move_post_image(image, step),
                        page_url=post_url(image.post))


# -- Channels and rules (the owner's) ---------------------------------------------------------

@marketing_area
def channel_list(request):
    return _page(request, "marketing/channel_list.html", {"channels": queries.channels()})


@owner_required
def channel_edit(request, code):
    channel = get_object_or_404(Channel, code=code)
    form = ChannelForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_channel(request.user, channel, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved the settings of %(channel)s.")
                             % {"channel": form.cleaned_data["name"]})
            return redirect("marketing:channel_list")
    return _page(request, "marketing/channel_form.html", {"form": form, "channel": channel},
                 status=400 if form.errors else 200)


@owner_required
def marketing_settings(request):
    current = services.marketing_settings()
    form = MarketingSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_marketing_settings(request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Marketing rules saved."))
            return redirect("marketing:settings")
    return _page(request, "marketing/settings.html", {"form": form},
                 status=400 if form.errors else 200)

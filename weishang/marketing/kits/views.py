"""Share kit pages (一键分享): a post ready to paste on one channel, on the seller's phone.

The seller copies the text, saves the pictures and the poster, copies the tracked link, and
marks the post as posted (the plan's part of the page). Staff share on the owner's behalf; an
active agent shares the posts of their level as themself, with links to their own shop.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render

from weishang.core.errors import InvalidInput, NotFound
from weishang.marketing import queries
from weishang.marketing.views import library_area

from . import services as kits


def _kit_or_404(request, post, channel, variant="") -> kits.Kit:
    try:
        return kits.kit_for(request.user, post, channel, request=request, variant=variant)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def poster_response(kit: kits.Kit) -> FileResponse:
    """The kit's poster as a download (an <img> shows it all the same)."""
    return FileResponse(default_storage.open(kits.kit_poster(kit), "rb"), as_attachment=True,
                        filename=kits.poster_filename(kit), content_type="image/png")


@library_area
def kit_channels(request, post):
    found = queries.library_for(queries.sharing_seller(request.user)).filter(
        public_id=post).first()
    if found is None:
        raise Http404
    return render(request, "marketing/kit_channels.html", {
        "nav": "marketing", "post": found, "channels": queries.channels(active_only=True),
    })


@library_area
def kit_page(request, post, channel):
    variant = request.GET.get("variant", "")
    try:
        kits.clean_variant(variant)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        variant = ""
    try:
        kit = _kit_or_404(request, post, channel, variant)
    except InvalidInput as exc:  # e.g. a seller without a shop to link to
        messages.error(request, exc.message)
        return redirect("marketing:kit_channels", post=post)
    return render(request, "marketing/kit.html", {
        "nav": "marketing", "kit": kit, "post": kit.post, "channel": kit.channel,
        "rendered": kit.rendered, "variants": kits.VARIANT_CHOICES,
        "channels": queries.channels(active_only=True),
    })


@library_area
def kit_poster(request, post, channel):
    try:
        kit = _kit_or_404(request, post, channel, request.GET.get("variant", ""))
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message)
    return poster_response(kit)


@library_area
def kit_image(request, post, channel, image):
    try:
        kit = _kit_or_404(request, post, channel)
        found = kits.kit_image(kit, image)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message)
    position = kit.images.index(found) + 1
    return FileResponse(found.image.open("rb"), as_attachment=True,
                        filename=f"{kit.channel.code}-{position}.{found.extension}")

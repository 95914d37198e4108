"""The console's handling of an ordered set of pictures — a product's, a library post's:
upload, remove, move forward or back. Each app's views find the pictures' owner and pass the
service that does the change and the page to go back to; the markup is weishang/_gallery.html."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.core.errors import DomainError
from weishang.core.forms import ImageUploadForm, submit_form


def upload(request, *, add_images, page_url: str, page_with_errors):
    """Adds the uploaded pictures through ``add_images(files)``; a refusal shows the page again
    with the form's errors (``page_with_errors(form)``)."""
    return submit_form(
        request, ImageUploadForm(request.POST, request.FILES),
        lambda data: add_images(data["images"]),
        success_message=lambda added: ngettext("%(count)d picture added.",
                                               "%(count)d pictures added.", len(added))
        % {"count": len(added)},
        success_url=page_url + "#images", page_with_errors=page_with_errors)


def remove(request, *, remove_image, page_url: str):
    remove_image()
    messages.success(request, _("Picture removed."))
    return redirect(page_url + "#images")


def move(request, *, move_image, page_url: str):
    """``move_image(step)`` one place forward (-1) or back (1), as the button said."""
    try:
        move_image(-1 if request.POST.get("direction") == "up" else 1)
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(page_url + "#images")

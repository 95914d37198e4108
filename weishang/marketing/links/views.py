"""/t/<code>: a shared link redirects to the seller's shop and counts the click.

See queries.py and services.py for what one click costs; nothing here reads the session or
renders a template, except the friendly page of a link that leads nowhere.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import attribution, queries, services


def _nowhere(request, message: str):
    return render(request, "storefront/missing.html", {"message": message}, status=404)


def follow(request, code: str):
    target = queries.find_target(code)
    if target is None:
        return _nowhere(request, _("This link does not exist. Ask whoever shared it for a new "
                                   "one."))
    if not target.location:
        return _nowhere(request, _("This shop does not exist or is closed."))
    services.record_click(target, request=request)
    response = HttpResponseRedirect(target.location)
    attribution.remember_click(response, target)
    return response

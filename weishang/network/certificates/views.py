"""Certificate pages: the owner's list and an agent's certificates (issue, renew, revoke,
download), the seal upload, an agent's own certificates, and the public check /verify/."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.core.errors import DomainError, NotFound
from weishang.core.forms import ConsoleForm
from weishang.core.models import max_length_of
from weishang.core.site import absolute_url

from ..models import Agent, Certificate, NetworkSettings
from ..queries import agent_of
from . import queries, services
from .queries import State

PER_PAGE = 30
SEARCH_MAX_LENGTH = 30
agents_area = area_required("agents")


class RevokeForm(ConsoleForm):
    reason = forms.CharField(label=gettext_lazy("Reason"),
                             max_length=max_length_of(Certificate, "revoke_reason"))


class SealForm(ConsoleForm):
    seal = forms.ImageField(label=gettext_lazy("Seal image"), required=False,
                            help_text=gettext_lazy("A PNG with a transparent background looks "
                                                   "best: it is printed over the shop's name."),
                            widget=forms.FileInput(attrs={"accept": "image/*"}))


class VerifyForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Certificate number"),
                             max_length=max_length_of(Certificate, "number"))


class WechatCheckForm(forms.Form):
    """The buyer types the WeChat ID they are talking to: the page says whether it is the
    agent's, without showing the agent's in full to anyone who opens the page."""

    wechat = forms.CharField(label=gettext_lazy("WeChat ID of the person you are talking to"),
                             max_length=max_length_of(Certificate, "wechat_id"),
                             widget=forms.TextInput(attrs={"autocomplete": "off",
                                                           "autocapitalize": "off"}))


def _with_states(found) -> list[Certificate]:
    today = timezone.localdate()
    found = list(found)
    for certificate in found:
        certificate.state = queries.state_of(certificate, today)
    return found


def _certificate(number: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("agent"), number=number)


def _domain_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# -- The owner's pages -------------------------------------------------------------------------

@agents_area
def certificate_list(request):
    state = request.GET.get("state", "")
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    found = Certificate.objects.select_related("agent")
    in_state = queries.in_state(state)
    if in_state is not None:
        found = found.filter(in_state)
    if search:
        found = found.filter(Q(number=queries.normalized_number(search))
                             | Q(agent_name__icontains=search))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "network/certificates/list.html", {
        "nav": "agents", "page": page, "certificates": _with_states(page),
        "states": State.CHOICES, "state": state, "search": search,
    })


@agents_area
def agent_certificates(request, public_id):
    agent = get_object_or_404(Agent.objects.select_related("level"), public_id=public_id)
    return render(request, "network/certificates/agent.html", {
        "nav": "agents", "agent": agent, "revoke_form": RevokeForm(),
        "certificates": _with_states(agent.certificates.all()),
    })


@agents_area
@require_POST
def issue(request, public_id):
    agent = get_object_or_404(Agent, public_id=public_id)
    try:
        certificate = services.issue(agent, actor=request.user)
    except DomainError as exc:
        _domain_error(request, exc)
    else:
        messages.success(request, _("Certificate %(number)s issued.")
                         % {"number": certificate.number})
    return redirect("certificates:agent", public_id=agent.public_id)


@agents_area
@require_POST
def renew(request, number):
    old = _certificate(number)
    try:
        certificate = services.renew(old, actor=request.user)
    except DomainError as exc:
        _domain_error(request, exc)
    else:
        messages.success(request, _("Certificate %(number)s issued; %(old)s stays valid until "
                                    "it expires.") % {"number": certificate.number,
                                                      "old": old.number})
    return redirect("certificates:agent", public_id=old.agent.public_id)


@agents_area
@require_POST
def revoke(request, number):
    certificate = _certificate(number)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the certificate is revoked."))
    else:
        try:
            services.revoke(certificate, reason=form.cleaned_data["reason"],
                                actor=request.user)
        except DomainError as exc:
            _domain_error(request, exc)
        else:
            messages.success(request, _("Certificate %(number)s revoked.")
                             % {"number": certificate.number})
    return redirect("certificates:agent", public_id=certificate.agent.public_id)


@agents_area
def seal(request):
    rules = NetworkSettings.load()
    form = SealForm()
    if request.method == "POST":
        form = SealForm(request.POST, request.FILES)
        remove = "remove" in request.POST
        if form.is_valid() and (remove or form.cleaned_data["seal"]):
            try:
                services.set_seal(request.user, None if remove else form.cleaned_data["seal"])
            except DomainError as exc:
                form.add_error("seal", exc.message)
            else:
                messages.success(request, _("The seal was removed.") if remove
                                 else _("The seal is saved: new downloads show it."))
                return redirect("certificates:seal")
        elif form.is_valid():
            form.add_error("seal", _("Choose an image."))
    return render(request, "network/certificates/seal.html", {
        "nav": "agents", "form": form, "seal": rules.seal,
    }, status=400 if form.errors else 200)


# -- Downloads and the agent's page ------------------------------------------------------------

@login_required
def download(request, number, kind):
    certificate = _certificate(number)
    if not (request.user.can("agents") or certificate.agent.user_id == request.user.pk):
        # Another agent's certificate does not exist for this agent.
        raise Http404
    stored = services.render(
        certificate, kind=kind,
        verify_url=absolute_url(queries.verify_path(certificate), request))
    return FileResponse(default_storage.open(stored, "rb"), as_attachment=True,
                        filename=queries.filename(certificate, kind),
                        content_type=services.KINDS[kind])


@login_required
def mine(request):
    agent = agent_of(request.user)
    if agent is None:
        raise Http404
    return render(request, "network/certificates/mine.html", {
        "nav": "home", "agent": agent,
        "certificates": _with_states(agent.certificates.all()),
    })


# -- Public ------------------------------------------------------------------------------------

def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("verify:certificate",
                        number=queries.normalized_number(form.cleaned_data["number"]))
    return render(request, "network/verify.html", {"form": form})


def verify(request, number):
    try:
        certificate = queries.for_number(number)
    except NotFound as exc:
        return render(request, "network/verify.html", {
            "form": VerifyForm(initial={"number": number}), "missing": exc.message,
        }, status=404)
    if certificate.number != number:
        return redirect("verify:certificate", number=certificate.number)
    check = WechatCheckForm(request.GET or None)
    typed = check.cleaned_data["wechat"] if check.is_valid() else ""
    return render(request, "network/verify.html", {
        "form": VerifyForm(), "certificate": certificate,
        "state": queries.state_of(certificate), "shop_name": queries.shop_name(),
        "masked_wechat_id": queries.mask_wechat_id(certificate.wechat_id),
        "wechat_check": check, "typed_wechat_id": typed,
        "wechat_matches": typed and queries.wechat_id_matches(certificate, typed),
    })

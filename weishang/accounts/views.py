from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from weishang.core.errors import DomainError

from . import queries, services, throttle
from .forms import LoginForm, PasswordChangeForm, StaffCreateForm, StaffEditForm
from .models import Role, User
from .permissions import owner_required

# The API token shown once, on the page after it was created.
NEW_TOKEN_SESSION_KEY = "accounts_new_api_token"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember_device(self.request, response, form.get_user().username)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"nav": "account", "title": gettext_lazy("Change password")}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def profile(request):
    user = request.user
    context = {
        "nav": "account",
        "may_use_api_tokens": services.may_use_api_tokens(user),
        "api_token": Token.objects.filter(user=user).only("created").first(),
        "new_api_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def api_token_create(request):
    if not services.may_use_api_tokens(request.user):
        raise PermissionDenied
    request.session[NEW_TOKEN_SESSION_KEY] = services.issue_api_token(request.user)
    messages.success(request, _("A new API token was created."))
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_revoke(request):
    if services.revoke_api_token(request.user):
        messages.success(request, _("Your API token was revoked; it no longer works."))
    return redirect("accounts:profile")


@owner_required
def staff_list(request):
    return render(
        request, "accounts/staff_list.html", {"nav": "account", "staff": queries.staff_members()}
    )


@owner_required
def staff_create(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = services.create_staff(
                request.user,
                username=data["username"],
                phone=data["phone"],
                display_name=data["display_name"],
                password=data["password"],
                areas=data["areas"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Staff member %(name)s was added.") % {"name": staff})
            return redirect("accounts:staff_list")
    context = {"nav": "account", "form": form, "title": _("Add a staff member")}
    return render(request, "accounts/staff_form.html", context)


@owner_required
def staff_edit(request, username):
    staff = get_object_or_404(User, role=Role.STAFF, username=username)
    initial = {
        "display_name": staff.display_name,
        "phone": staff.phone,
        "is_active": staff.is_active,
        "areas": list(staff.area_grants.values_list("area", flat=True)),
    }
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_staff(
                request.user,
                staff,
                display_name=data["display_name"],
                phone=data["phone"],
                is_active=data["is_active"],
                areas=data["areas"],
                new_password=data["password"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Staff member %(name)s was saved.") % {"name": staff})
            return redirect("accounts:staff_list")
    context = {"nav": "account", "form": form, "staff": staff, "title": str(staff)}
    return render(request, "accounts/staff_form.html", context)

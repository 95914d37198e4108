"""A login refused by the login limits, on a page: the login page again, with when to retry.

(The API answers the same refusal itself, as JSON: throttle.LoginThrottled is a domain error.)
"""

from django.shortcuts import render

from .forms import LoginForm
from .throttle import LoginThrottled


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, LoginThrottled):
            return None
        form = LoginForm(request, initial={"username": request.POST.get("username", "")})
        context = {
            "form": form,
            "lockout_message": exception.message,
            # Only carried along; the login view checks it is safe before redirecting to it.
            "next": request.POST.get("next") or request.GET.get("next", ""),
        }
        response = render(request, "accounts/login.html", context, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response

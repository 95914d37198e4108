"""What accounts do around every request (one middleware, after sessions and authentication):

- a login refused by the login limits, on a page, is the login page again with when to retry
  (the API answers the same refusal itself, as JSON: throttle.LoginThrottled is a domain
  error);
- a logged-in person's session lasts LOGIN_IDLE_HOURS after their last page (sessions.py).
"""

from django.shortcuts import render

from .forms import LoginForm
from .sessions import renew_login_session
from .throttle import LoginThrottled


class AccountsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        renew_login_session(request)
        return response

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

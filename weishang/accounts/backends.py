"""Log in with a mobile number or a username (and a password), within the login limits.

Writes nothing itself: the login limits (throttle.py) record the attempt.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend

from . import throttle
from .models import User
from .queries import user_for_login


class PhoneOrUsernameBackend(ModelBackend):
    """ModelBackend whose "username" may also be a mainland mobile number in any usual format.

    With a request (every login page and the API) the attempt first passes the login limits
    (throttle.py), which raise LoginThrottled before the password is looked at.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        attempt = None
        if request is not None:
            attempt = throttle.begin(request, throttle.account_key(username, user))
        if user is None:
            # Hash anyway, so an unknown login takes as long as a wrong password (Django #20760).
            User().set_password(password)
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        if attempt is not None:
            throttle.succeeded(attempt)
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)

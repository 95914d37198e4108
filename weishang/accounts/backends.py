"""Log in with a mobile number or a username (and a password)."""

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend

from .models import User
from .queries import user_for_login


class PhoneOrUsernameBackend(ModelBackend):
    """ModelBackend whose "username" may also be a mainland mobile number in any usual format."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Hash anyway, so an unknown login takes as long as a wrong password (Django #20760).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)

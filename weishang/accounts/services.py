"""Every change to accounts: the owner, staff and their areas, passwords, API tokens.

Each function validates everything first and raises a domain error (nothing written), then
writes in one transaction. Staff management takes the acting user and lets only the owner act.
"""

import ipaddress
from collections.abc import Iterable
from contextlib import contextmanager

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from weishang.accounts.permissions import require_owner
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from weishang.core.phone import is_mobile, normalize_mobile, validate_mobile

from . import throttle
from .models import Area, AreaGrant, Role, Shop, User
from .queries import user_for_login

#: Stored as data, so it is the same in every language; the owner renames the shop.
DEFAULT_SHOP_NAME = "我的微商小店"

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


def create_owner(*, username: str, phone: str, password: str, display_name: str = "") -> User:
    """The deployment's one owner (店主): all areas, and the Django admin."""
    if User.objects.filter(role=Role.OWNER).exists():
        raise _owner_exists()
    user = User(
        username=_clean_username(username),
        phone=clean_account_phone(phone),
        display_name=_clean_display_name(display_name),
        role=Role.OWNER,
        is_staff=True,
        is_superuser=True,
    )
    set_checked_password(user, password)
    try:
        with transaction.atomic():
            user.save()
            Shop.objects.create(seller=user, name=DEFAULT_SHOP_NAME)
    except IntegrityError as error:
        if User.objects.filter(role=Role.OWNER).exists():
            raise _owner_exists() from error
        raise _taken() from error
    return user


def owner_shop() -> Shop:
    """The owner's shop (created with the owner; made here for deployments older than shops)."""
    owner = User.objects.get(role=Role.OWNER)
    shop, _created = Shop.objects.get_or_create(seller=owner,
                                                defaults={"name": DEFAULT_SHOP_NAME})
    return shop


def create_staff(
    actor: User,
    *,
    username: str,
    phone: str,
    display_name: str,
    password: str,
    areas: Iterable[str],
) -> User:
    """A staff member (员工) who may manage the given areas."""
    require_owner(actor, _("Only the owner can manage staff."))
    user = User(
        username=_clean_username(username),
        phone=clean_account_phone(phone),
        display_name=_clean_display_name(display_name),
        role=Role.STAFF,
    )
    areas = _clean_areas(areas)
    set_checked_password(user, password)
    with unique_account_fields(), transaction.atomic():
        user.save()
        _replace_areas(user, areas)
    return user


def update_staff(
    actor: User,
    staff: User,
    *,
    display_name: str,
    phone: str,
    is_active: bool,
    areas: Iterable[str],
    new_password: str = "",
) -> User:
    """Change a staff member's name, mobile, areas, active flag and (if given) password."""
    require_owner(actor, _("Only the owner can manage staff."))
    _ensure_staff(staff)
    display_name = _clean_display_name(display_name)
    phone = clean_account_phone(phone, of=staff)
    areas = _clean_areas(areas)
    if new_password:
        set_checked_password(staff, new_password)
    staff.display_name, staff.phone, staff.is_active = display_name, phone, bool(is_active)
    with unique_account_fields(), transaction.atomic():
        staff.save(update_fields=["display_name", "phone", "is_active", "password"])
        _replace_areas(staff, areas)
        if new_password:
            _end_lockout(staff)
    return staff


def set_areas(actor: User, staff: User, areas: Iterable[str]) -> None:
    """Grant exactly these areas to a staff member (and revoke the others)."""
    require_owner(actor, _("Only the owner can manage staff."))
    _ensure_staff(staff)
    areas = _clean_areas(areas)
    with transaction.atomic():
        _replace_areas(staff, areas)


def set_password(user: User, password: str) -> None:
    """A new password (checked by the password validators); it also ends any login lockout."""
    set_checked_password(user, password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        _end_lockout(user)


def reset_password(login: str, password: str) -> User:
    """For the command line: set the password of the account named by username or mobile."""
    user = account_named(login)
    set_password(user, password)
    return user


def unlock_account(login: str) -> tuple[User, int]:
    """For the command line: forget the account's failed logins (from every address), which
    lifts its lockouts and its wait; returns the account and how many there were."""
    user = account_named(login)
    with transaction.atomic():
        return user, throttle.forget(account=user.username)


def unlock_address(address: str) -> int:
    """For the command line: forget the failed logins from one IP address (on any account)."""
    try:
        address = str(ipaddress.ip_address(address.strip()))
    except ValueError as error:
        raise InvalidInput(_("“%(address)s” is not an IP address.") % {"address": address},
                           field="address") from error
    with transaction.atomic():
        return throttle.forget(address=address)


def account_named(login: str) -> User:
    """The account a username or mobile number names, or NotFound."""
    user = user_for_login(login)
    if user is None:
        raise NotFound(
            _("No account has the username or mobile number “%(login)s”.") % {"login": login},
            code="unknown_account",
        )
    return user


def api_token_for(user: User) -> str:
    """The user's API token, created on first use (API login keeps other devices logged in)."""
    _ensure_api_user(user)
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=user)
    return token.key


def issue_api_token(user: User) -> str:
    """A new API token replacing any previous one (which stops working at once)."""
    _ensure_api_user(user)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key


def revoke_api_token(user: User) -> bool:
    """Delete the user's API token; True if there was one."""
    with transaction.atomic():
        deleted, _details = Token.objects.filter(user=user).delete()
    return bool(deleted)


def may_use_api_tokens(user: User) -> bool:
    return user.is_active and user.role in (Role.OWNER, Role.STAFF)


def _ensure_api_user(user: User) -> None:
    if not may_use_api_tokens(user):
        raise NotPermitted(_("API tokens are for the owner and staff only."))


def _ensure_staff(user: User) -> None:
    # The owner's own account is not staff, so it can never be deactivated from here.
    if user.role != Role.STAFF:
        raise NotFound(_("No such staff member."))


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("Enter a username."), field="username")
    if len(username) > USERNAME_MAX_LENGTH:
        raise InvalidInput(
            _("A username has at most %(count)d characters.") % {"count": USERNAME_MAX_LENGTH},
            field="username",
        )
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="username") from error
    if is_mobile(username):
        # Logins that look like a number are matched against mobile numbers first.
        raise InvalidInput(
            _("A username cannot be a mobile number; enter the number as the mobile number."),
            field="username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("This username is already taken."), field="username")
    return username


def clean_mobile(phone: str) -> str:
    """The normalized mobile number, refused when missing or not a valid one."""
    phone = normalize_mobile((phone or "").strip())
    if not phone:
        raise InvalidInput(_("Enter a mobile number."), field="phone")
    try:
        validate_mobile(phone)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="phone") from error
    return phone


def clean_account_phone(phone: str, *, of: User | None = None) -> str:
    """The normalized mobile number, valid and not used by another account than ``of``."""
    phone = clean_mobile(phone)
    others = User.objects.filter(phone=phone)
    if of is not None:
        others = others.exclude(pk=of.pk)
    if others.exists():
        raise InvalidInput(_("Another account already uses this mobile number."), field="phone")
    return phone


def _clean_display_name(display_name: str) -> str:
    display_name = (display_name or "").strip()
    if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(
            _("A display name has at most %(count)d characters.")
            % {"count": DISPLAY_NAME_MAX_LENGTH},
            field="display_name",
        )
    return display_name


def _clean_areas(areas: Iterable[str]) -> set[str]:
    areas = set(areas or ())
    unknown = areas - set(Area.values)
    if unknown:
        raise InvalidInput(
            _("Unknown area: %(areas)s.") % {"areas": ", ".join(sorted(unknown))}, field="areas"
        )
    return areas


def set_checked_password(user: User, password: str) -> None:
    """Validate with the configured password validators, then hash (before any transaction)."""
    if not password:
        raise InvalidInput(_("Enter a password."), field="password")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from error
    user.set_password(password)


def _replace_areas(user: User, areas: set[str]) -> None:
    user.area_grants.exclude(area__in=areas).delete()
    existing = set(user.area_grants.values_list("area", flat=True))
    AreaGrant.objects.bulk_create(AreaGrant(user=user, area=area) for area in areas - existing)
    user.__dict__.pop("_granted_areas", None)  # User.can() caches the grants it read


def _end_lockout(user: User) -> None:
    # Failed logins are counted under the username (see throttle.account_key).
    throttle.forget(account=user.username)


def _owner_exists() -> Conflict:
    return Conflict(
        _("This shop already has an owner account; there can be only one."), code="owner_exists"
    )


def _taken() -> Conflict:
    return Conflict(
        _("The username or mobile number was just taken; try another."), code="account_taken"
    )


@contextmanager
def unique_account_fields():
    """Wrap the save of a new or changed account: two requests may pass the checks at once,
    and the database's unique indexes decide, refused with a clear conflict."""
    try:
        yield
    except IntegrityError as error:
        raise _taken() from error

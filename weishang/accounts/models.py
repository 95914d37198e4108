from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import TimeStamped
from weishang.core.phone import validate_mobile


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    AGENT = "agent", _("Agent")


class Area(models.TextChoices):
    """Business areas the owner can grant to a staff member, one by one."""

    CATALOG = "catalog", _("Products")
    INVENTORY = "inventory", _("Stock")
    ORDERS = "orders", _("Orders")
    CUSTOMERS = "customers", _("Customers")
    MARKETING = "marketing", _("Marketing")
    AGENTS = "agents", _("Agents")
    ANALYTICS = "analytics", _("Reports")


class User(AbstractUser):
    """Anyone who logs in: the owner, staff and agents. Customers need no account."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True,
        validators=[validate_mobile],
        help_text=_("Can be used instead of the username to log in."),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A deployment serves exactly one owner (brand).
            models.UniqueConstraint(
                fields=["role"], condition=Q(role="owner"), name="accounts_single_owner"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "staff", "agent"]), name="accounts_role_valid"
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def can(self, area: str) -> bool:
        """May this user manage the given business area?"""
        if not self.is_active:
            return False
        if self.role == Role.OWNER or self.is_superuser:
            return True
        if self.role != Role.STAFF:
            return False
        granted = getattr(self, "_granted_areas", None)
        if granted is None:
            granted = set(self.area_grants.values_list("area", flat=True))
            self._granted_areas = granted
        return area in granted


class AreaGrant(models.Model):
    """A staff member may manage one business area (granted by the owner)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="area_grants")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("area permission")
        verbose_name_plural = _("area permissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="accounts_grant_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_area_display()}"


SHOP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud in chat


def new_shop_code() -> str:
    import secrets

    return "".join(secrets.choice(SHOP_CODE_ALPHABET) for _ in range(8))


class Shop(TimeStamped):
    """A seller's shop link, /s/<code>/: the owner's now, each agent's later (same mechanism)."""

    seller = models.OneToOneField(User, on_delete=models.PROTECT, related_name="shop")
    code = models.CharField(_("shop code"), max_length=16, unique=True, default=new_shop_code)
    name = models.CharField(_("shop name"), max_length=40)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self):
        return self.name


class LoginFailure(models.Model):
    """One failed login (or one being checked): which account was named, from which address.

    The login limits (throttle.py) count these rows in sliding windows; a success deletes the
    rows of its own account and address only, and rows past the longest window are deleted.
    """

    account = models.CharField(_("account"), max_length=150)
    address = models.CharField(_("address"), max_length=45)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["account", "at"], name="accounts_failure_account"),
            models.Index(fields=["address", "at"], name="accounts_failure_address"),
            models.Index(fields=["at"], name="accounts_failure_at"),
        ]

    def __str__(self):
        return f"{self.account} @ {self.address}"

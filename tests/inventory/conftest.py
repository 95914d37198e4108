import pytest

from tests.factories import ProductFactory, UserFactory, VariantFactory
from weishang.inventory import services
from weishang.inventory.models import MovementReason

#: Who may use the stock pages and API, and who may not.
ROLES_WITH_ACCESS = ["owner", "inventory_staff"]
ROLES_WITHOUT_ACCESS = ["catalog_only_staff", "agent"]


@pytest.fixture
def variant(db):
    return VariantFactory(product=ProductFactory(title="真丝围巾"), spec_label="红 / M",
                          sku_code="SCARF-RED-M")


@pytest.fixture
def stocked(db):
    """stocked(variant, quantity, threshold=0): put units of a variant in the warehouse."""

    def put(variant, quantity, threshold=0):
        if threshold:
            services.set_low_stock_threshold(variant, threshold,
                                             actor=make_user("inventory_staff"))
        if quantity:
            services.adjust_stock(variant=variant, delta=quantity, reason=MovementReason.INITIAL)
        return variant

    return put


def make_user(role: str):
    if role == "owner":
        return UserFactory(role="owner", username="owner", phone="13800000000")
    if role == "inventory_staff":
        return UserFactory(role="staff", areas=["inventory"])
    if role == "catalog_only_staff":
        return UserFactory(role="staff", areas=["catalog"])
    if role == "agent":
        return UserFactory(role="agent")
    raise ValueError(role)


@pytest.fixture
def login_as(client, db):
    """login_as(role) -> the user, with ``client`` logged in as them."""

    def login(role):
        user = make_user(role)
        client.force_login(user)
        return user

    return login


@pytest.fixture
def stock_manager(login_as):
    return login_as("inventory_staff")

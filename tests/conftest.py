"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL with DATABASE_URL set."""

import os
import tempfile
from importlib import import_module

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.selling", "tests.clock", "tests.stack.plugin"]

# A test's speed is the machine's, not the code's: on two cores shared with other work an
# example takes several times the 200 ms Hypothesis allows by default.
settings.register_profile("weishang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("weishang")

# Each test session gets its own data folder, so tests never touch a real shop's files.
os.environ.setdefault("WEISHANG_HOME", tempfile.mkdtemp(prefix="weishang-test-"))


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_channels_after_a_flush(request):
    """The marketing channels come from a data migration. A transactional test (threads, the
    browser) leaves an emptied database behind, channels included: such tests seed them again
    the way the migration did."""
    marker = request.node.get_closest_marker("django_db")
    if not ((marker and marker.kwargs.get("transaction"))
            or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from weishang.marketing.models import Channel

    if not Channel.objects.exists():
        import_module("weishang.marketing.migrations.0002_default_channels").create_channels(
            apps, None)


@pytest.fixture(autouse=True)
def _clicks_written_at_once(settings):
    """A tracked-link click is in the database when its request ends: no writer thread
    outlives a test (production batches them: marketing/links/services.py)."""
    settings.CLICK_FLUSH_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    from tests.factories import UserFactory

    return UserFactory(role="owner", username="owner", phone="13800000000")


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(role="staff")


@pytest.fixture
def catalog_staff(db):
    from tests.factories import UserFactory

    return UserFactory(role="staff", areas=["catalog", "inventory"])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def owner_admin_client(client, owner):
    """The owner as create_owner makes them: allowed into the Django admin."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    return client


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"

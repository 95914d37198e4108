"""Whether the database has every migration of the code: a command that needs the database,
started before ``weishang migrate`` (a fresh install, an upgrade), says so instead of failing on
a missing table."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


def needs_migrating(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True while a migration of the code is not applied (or no table exists at all)."""
    connection = connections[using]
    if "django_migrations" not in connection.introspection.table_names():
        return True  # a fresh database: no need to read every migration file to know it
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def not_set_up_message() -> str:
    return _("The database is not set up yet: run `weishang migrate` first.")

"""Tests of data migrations: move the test database to a migration, and back to the latest."""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to ``targets`` ([(app, migration)]); the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    """The database at the latest migrations, for the models as the code has them now."""
    return migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@contextmanager
def back_to_latest():
    """Whatever the test does, the database ends at the latest migrations again."""
    try:
        yield
    finally:
        migrate_to_latest()

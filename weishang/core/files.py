"""Stored files that follow the database: written files are removed again when the change that
wrote them fails, and files of removed rows go only once the removal is committed."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def stored_files():
    """Collects files written during a change and removes them again if the change fails."""
    stored = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


def delete_files_after_commit(*files) -> None:
    names = [(file.storage, file.name) for file in files if file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])

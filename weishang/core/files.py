"""Stored files that follow the database: written files are removed again when the change that
wrote them fails, and files of removed rows go only once the removal is committed."""

import contextlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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


def drawn_once(folder: str, name: str, draw) -> str:
    """The storage name of ``folder/name``, a picture drawn by ``draw()`` (its bytes) only when
    nothing drawn the same way is stored yet: the name is a fingerprint of what is drawn and an
    extension. Older drawings in the folder (another fingerprint) are removed then; one folder
    per poster or certificate keeps that a read of a few files."""
    stored_name = f"{folder}/{name}"
    if default_storage.exists(stored_name):
        return stored_name
    saved = default_storage.save(stored_name, ContentFile(draw()))
    if saved != stored_name:
        # Another request drew the same file meanwhile: keep one of the two identical files.
        default_storage.delete(saved)
    try:
        _folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return stored_name
    fingerprint = name.rsplit(".", 1)[0]
    for file in files:
        if not file.startswith(fingerprint):
            default_storage.delete(f"{folder}/{file}")
    return stored_name

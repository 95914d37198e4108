"""A unique constraint that a concurrent request won first, told as a Conflict."""

import contextlib

from django.db import IntegrityError

from weishang.core.errors import Conflict


@contextlib.contextmanager
def unique_clash_as_conflict(message):
    """A unique constraint that a concurrent request won first becomes a Conflict."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(message) from exc

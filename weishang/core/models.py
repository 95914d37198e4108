import logging
import uuid

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    """Unguessable identifier for public URLs (never a sequential id)."""
    return uuid.uuid4().hex


def max_length_of(model, field_name: str) -> int:
    """The column's length limit, so forms, serializers and services check what it stores."""
    return model._meta.get_field(field_name).max_length


def largest_value_of(model, field_name: str) -> int:
    """The largest number an integer column stores on every database we run on (PostgreSQL
    refuses a larger one with an error; SQLite would store it): checked before saving."""
    field = model._meta.get_field(field_name)
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()][1]


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


erasure_log = logging.getLogger("weishang.erasure")


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()``/``delete()`` would bypass the model's append-only guard: refuse them.

    Deleting a parent still works as its foreign keys say: Django's deletion goes through the
    plain base manager, so an actor's login deleted empties ``actor`` (SET_NULL) and the rows
    stay; a parent whose rows would go with it is PROTECTed instead of CASCADEd.
    """

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def erase_personal_data(self, *, reason: str) -> int:
        """The one way append-only rows go after they were written: a person's data erased on
        request (PIPL Art. 47), for models whose rows are that person's data through and
        through (``AppendOnlyModel.erasable``). Logged with ``reason``; how many rows went."""
        if not self.model.erasable:
            raise AppendOnlyError(f"{self.model.__name__} rows hold no personal data to erase")
        deleted, _by_model = models.QuerySet.delete(self)
        erasure_log.warning("erased %d %s rows: %s", deleted, self.model.__name__, reason)
        return deleted

    def erase_personal_text(self, *, reason: str) -> int:
        """Empty the free text of these rows that may hold a person's words or parcel numbers
        (``AppendOnlyModel.erasable_text``), keeping the rows, when that person's data is
        erased on request: a timeline still says who moved what when. Logged with
        ``reason``; how many rows changed."""
        fields = self.model.erasable_text
        if not fields:
            raise AppendOnlyError(f"{self.model.__name__} rows hold no personal text to erase")
        changed = models.QuerySet.update(self, **dict.fromkeys(fields, ""))
        if changed:
            erasure_log.warning("emptied %s of %d %s rows: %s", ", ".join(fields), changed,
                                self.model.__name__, reason)
        return changed


class AppendOnlyModel(models.Model):
    """A ledger row: written once, never changed or deleted (balances are sums of these)."""

    #: Whether its rows are a person's data and go when that person's data is erased on request
    #: (AppendOnlyQuerySet.erase_personal_data); no ledger of money or stock ever is.
    erasable = False
    #: Free-text fields that may hold a person's words and are emptied, the row kept, when
    #: that person's data is erased (AppendOnlyQuerySet.erase_personal_text).
    erasable_text: tuple[str, ...] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class SingletonSettings(models.Model):
    """An owner's settings: one row per deployment, made with the field defaults on first use.

    Always read through ``load()``, never ``objects.get()``: a fresh database has no row yet.
    """

    # Unique, so two requests making the first row at once cannot make two (the loser of
    # the race reads the winner's row: get_or_create retries after the IntegrityError).
    singleton = models.BooleanField(default=True, unique=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def load(cls, *, lock: bool = False):
        """The one row, created with the defaults when missing. ``lock``: the row is locked
        (SELECT … FOR UPDATE) until the caller's transaction ends, which serialises the
        writers that take it; outside a transaction Django refuses the lock."""
        if not lock:
            return cls.objects.get_or_create(singleton=True)[0]
        rows = cls.objects.select_for_update().filter(singleton=True)
        try:
            return rows.get()
        except cls.DoesNotExist:
            cls.objects.get_or_create(singleton=True)
            return rows.get()

    @classmethod
    def change(cls, cleaners: dict, fields: dict):
        """Set the ``fields`` given, each through its cleaner in ``cleaners`` (which raise
        InvalidInput), on the locked row, and save it. Every field is cleaned before the row is
        touched, so one bad value changes nothing. Call inside a transaction."""
        unknown = set(fields) - set(cleaners)
        if unknown:
            raise TypeError(f"unknown {cls.__name__} fields: {', '.join(sorted(unknown))}")
        cleaned = {name: cleaners[name](value) for name, value in fields.items()}
        settings = cls.load(lock=True)
        for name, value in cleaned.items():
            setattr(settings, name, value)
        settings.save()
        return settings


class ShopPagesVersion(models.Model):
    """One row whose ``value`` goes up after every committed change a public shop page shows
    (catalog, images, categories, prices, stock, agents' shops). With a per-process cache,
    cached shop pages are keyed by it, and reading it from the database lets every process and
    server see a change at once; a shared cache keeps a token bumped with it instead (see
    ``weishang.core.versions`` and ``weishang.storefront.cache``)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"shop pages version {self.value}"


class JobRun(models.Model):
    """The latest run of one periodic job (``core/jobs.py``), or the workers' heartbeat: one row
    per name, written with one upsert per run, read by ``/healthz?deep=1`` and the owner's
    console. No history: the log keeps that."""

    name = models.CharField(max_length=64, unique=True)
    #: When the job became known (the ``migrate`` that installed it), or the first heartbeat:
    #: a job that never ran is not late before its first runs were due.
    created_at = models.DateTimeField(auto_now_add=True)
    host = models.CharField(max_length=255, blank=True)  # the machine or worker that ran it
    last_started = models.DateTimeField(null=True)
    last_finished = models.DateTimeField(null=True)
    last_succeeded = models.DateTimeField(null=True)  # when its last successful run finished
    #: The error type of the last run if it failed ("" once one succeeds), never its message,
    #: which may quote a person's data; the traceback is in the log.
    last_error = models.CharField(max_length=200, blank=True)
    changed = models.PositiveIntegerField(default=0)  # what its last successful run changed

    def __str__(self):
        return self.name

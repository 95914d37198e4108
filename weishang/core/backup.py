"""Backups: one archive with the database, the media and the secret key, and its restore.

The archive is a gzip'd tar whose first member is ``manifest.json``: the format and its version,
the Weishang version, when it was made (UTC), the database engine, the migrations applied, the
rows of every table, and the SHA-256 and size of every other member. The other members are the
database (``database.sqlite3``, a copy made with SQLite's online backup API, or
``database.pgdump``, ``pg_dump -Fc``), the media folder under ``media/`` and ``secret_key``.
The manifest's migrations and counts are read from the same snapshot the dump is made of.

A restore reads and checks the whole archive into a temporary folder before it changes anything
(format, checksums, engine, migrations this code knows, an empty target), then restores the
database, checks its row counts against the manifest, moves the media into place, writes the
secret key and migrates when the archive's schema is older than the code.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = "weishang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
MANIFEST_LIMIT = 64 * 1024 * 1024


def _version() -> str:
    """This code's version. The package is loaded (this module is in it) but not imported by
    name: importing ``weishang`` is the project layer (it starts the Celery app)."""
    return sys.modules[__name__.partition(".")[0]].__version__


class BackupError(CommandError):
    """A backup or restore refused or failed; the message says why (the command exits 1)."""


@dataclass(frozen=True)
class Summary:
    """What an archive holds, as its manifest says."""

    path: Path
    created: str
    weishang_version: str
    engine: str
    tables: int
    rows: int
    media_files: int
    media_included: bool
    secret_key_included: bool


# Backing up


def back_up(path: Path) -> Summary:
    """Write the archive to ``path`` (temporary file, then renamed into place; mode 0600)."""
    path = Path(path).absolute()
    if path.is_dir():
        raise BackupError(_("%(path)s is a folder: give the name of the archive to write, "
                            "e.g. weishang-backup.tar.gz.") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    database = _database()
    try:
        with tempfile.TemporaryDirectory(prefix=".weishang-backup-", dir=path.parent) as staging:
            manifest, members = _gather(database, Path(staging))
            _write_atomically(path, manifest, members)
    except OSError as error:  # a folder we may not write to, a full disk
        raise BackupError(_("The backup could not be written to %(file)s: %(error)s") % {
            "file": path, "error": error.strerror or error}) from error
    return _summary(path, manifest)


def _gather(database, staging: Path) -> tuple[dict, dict[str, Path]]:
    """The manifest and the files it lists: the database dumped into ``staging``, the secret
    key and the media."""
    dump = staging / DATABASE_FILES[database.vendor]
    migrations, tables = database.dump(dump)
    members = {dump.name: dump}
    key_in_environment = bool(os.environ.get("SECRET_KEY"))
    if not key_in_environment and _key_file().is_file():
        members[SECRET_KEY] = _key_file()
    media_included = not _media_elsewhere()
    if media_included:
        members.update(_media_files())
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "weishang_version": _version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"engine": database.vendor, "file": dump.name},
        "migrations": migrations,
        "tables": tables,
        "media": "included" if media_included else "not included: stored in S3",
        "secret_key": "included" if SECRET_KEY in members else (
            "environment" if key_in_environment else "none"),
        "files": {name: _digest(source) for name, source in members.items()},
    }
    return manifest, members


def _write_atomically(path: Path, manifest: dict, members: dict[str, Path]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb") as packed, \
                    tarfile.open(fileobj=packed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                tar.addfile(_entry(MANIFEST, len(text)), io.BytesIO(text))
                for name, source in members.items():
                    _add(tar, name, source, manifest["files"][name])
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _add(tar: tarfile.TarFile, name: str, source: Path, expected: dict) -> None:
    """One member, its bytes hashed again as they are written: a file changed since the
    manifest was made fails the backup rather than leaving an archive that cannot restore."""
    with source.open("rb") as stream:
        reader = _Hashing(stream)
        tar.addfile(_entry(name, expected["size"]), reader)
    if reader.sha256.hexdigest() != expected["sha256"]:
        raise BackupError(_("%(file)s changed while it was being backed up: run the backup "
                            "again.") % {"file": source})


def _entry(name: str, size: int) -> tarfile.TarInfo:
    entry = tarfile.TarInfo(name)
    entry.size = size
    entry.mode = 0o600
    entry.mtime = int(datetime.now(UTC).timestamp())
    return entry


class _Hashing:
    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _read_digesting(stream, out=None) -> tuple[str, int]:
    """The SHA-256 and size of what ``stream`` holds, read in chunks (copied to ``out`` too)."""
    sha256 = hashlib.sha256()
    size = 0
    while data := stream.read(CHUNK):
        sha256.update(data)
        size += len(data)
        if out is not None:
            out.write(data)
    return sha256.hexdigest(), size


def _digest(path: Path) -> dict:
    with path.open("rb") as stream:
        sha256, size = _read_digesting(stream)
    return {"sha256": sha256, "size": size}


def _media_files() -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {f"{MEDIA}/{path.relative_to(root).as_posix()}": path
            for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


def _media_elsewhere() -> bool:
    return str(getattr(settings, "MEDIA_STORAGE", "local")).lower() == "s3"


def _key_file() -> Path:
    return Path(settings.DATA_DIR) / SECRET_KEY


def _summary(path: Path, manifest: dict) -> Summary:
    return Summary(
        path=path, created=manifest["created"], weishang_version=manifest["weishang_version"],
        engine=manifest["database"]["engine"], tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        media_files=sum(name.startswith(f"{MEDIA}/") for name in manifest["files"]),
        media_included=manifest["media"] == "included",
        secret_key_included=SECRET_KEY in manifest["files"],
    )


# Restoring


@dataclass(frozen=True)
class Restored:
    archive: Summary
    migrated: bool
    secret_key_note: str


def restore(path: Path, *, replace: bool = False) -> Restored:
    """Restore the archive at ``path`` into this instance, which must be empty unless
    ``replace``. Everything is checked before anything changes."""
    path = Path(path).absolute()
    database = _database()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".weishang-restore-", dir=media_root.parent) as staged:
        staging = Path(staged)
        manifest = _unpack(path, staging)
        older = _check_fits(manifest, database, replace=replace)

        database.restore(staging / manifest["database"]["file"], manifest)
        _check_counts(manifest, database)
        if manifest["media"] == "included":
            _move_media(staging / MEDIA, media_root)
        if SECRET_KEY in manifest["files"]:
            _write_key((staging / SECRET_KEY).read_bytes())
    if older:
        call_command("migrate", interactive=False, verbosity=0)
    return Restored(_summary(path, manifest), migrated=older,
                    secret_key_note=_secret_key_note(manifest))


def _unpack(path: Path, staging: Path) -> dict:
    """Every member checked and written under ``staging``; the manifest returned."""
    try:
        raw = path.open("rb")
    except OSError as error:
        raise BackupError(_("Cannot read %(file)s: %(error)s") % {
            "file": path, "error": error.strerror}) from error
    with raw, gzip.GzipFile(fileobj=raw, mode="rb") as packed:
        try:
            # A stream: nothing to close but the file itself.
            tar = tarfile.open(fileobj=packed, mode="r|")  # noqa: SIM115
            members = iter(tar)
            manifest = _read_manifest(path, tar, next(members, None))
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise BackupError(_foreign(path)) from error
        found = {}
        try:
            for member in members:
                name = _checked_name(path, member, manifest)
                if name in found:
                    raise BackupError(_damaged(path, _("%(name)s is in it twice") % {"name": name}))
                found[name] = _extract(tar.extractfile(member), staging / name)
            while packed.read(CHUNK):  # to the end: gzip checks its CRC there
                pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise BackupError(_damaged(path, str(error) or type(error).__name__)) from error
    for name, expected in manifest["files"].items():
        if name not in found:
            raise BackupError(_damaged(path, _("%(name)s is missing") % {"name": name}))
        if found[name] != (expected["sha256"], expected["size"]):
            raise BackupError(_damaged(path, _("%(name)s does not match its checksum") % {
                "name": name}))
    return manifest


def _read_manifest(path: Path, tar: tarfile.TarFile, first: tarfile.TarInfo | None) -> dict:
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > MANIFEST_LIMIT:
        raise BackupError(_foreign(path))
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except ValueError as error:
        raise BackupError(_foreign(path)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_foreign(path))
    version = manifest.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise BackupError(_newer(manifest))
    if not _well_formed(manifest):
        raise BackupError(_damaged(path, _("its manifest is incomplete")))
    return manifest


def _well_formed(manifest: dict) -> bool:
    try:
        files = manifest["files"]
        return (manifest["format_version"] == FORMAT_VERSION
                and manifest["database"]["engine"] in DATABASE_FILES
                and manifest["database"]["file"] == DATABASE_FILES[manifest["database"]["engine"]]
                and manifest["database"]["file"] in files
                and all(isinstance(app, str) and isinstance(name, str)
                        for app, name in manifest["migrations"])
                and all(isinstance(table, str) and isinstance(rows, int)
                        for table, rows in manifest["tables"].items())
                and all(isinstance(value["sha256"], str) and isinstance(value["size"], int)
                        for value in files.values())
                and isinstance(manifest["created"], str)
                and isinstance(manifest["weishang_version"], str)
                and isinstance(manifest["media"], str))
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _checked_name(path: Path, member: tarfile.TarInfo, manifest: dict) -> str:
    """A member's name, refused unless it is a plain file the manifest lists, inside the
    archive's own folders (no absolute paths, no ``..``, no links or devices)."""
    name = member.name
    parts = PurePosixPath(name).parts
    safe = (member.isfile() and name and "\\" not in name and "\x00" not in name
            and not PurePosixPath(name).is_absolute() and ".." not in parts
            and "." not in parts and "/".join(parts) == name
            and (len(parts) == 1 or (parts[0] == MEDIA and len(parts) > 1)))
    if not safe:
        raise BackupError(_damaged(path, _("it holds an unsafe entry: %(name)r") % {"name": name}))
    if name not in manifest["files"]:
        raise BackupError(_damaged(path, _("%(name)s is not in its manifest") % {"name": name}))
    return name


def _extract(stream, target: Path) -> tuple[str, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        return _read_digesting(stream, out)


def _check_fits(manifest: dict, database, *, replace: bool) -> bool:
    """Refuse an archive this instance cannot take; True when its schema is older than the
    code (migrations to run after the restore)."""
    engine = manifest["database"]["engine"]
    if engine != database.vendor:
        raise BackupError(_("This backup holds a %(archive)s database and this instance uses "
                            "%(target)s: restore it into an instance with the same database "
                            "engine.") % {"archive": engine, "target": database.vendor})
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, name in manifest["migrations"]}
    if archived - known:
        raise BackupError(_newer(manifest))
    if not replace:
        users = _user_accounts()
        if users:
            raise BackupError(_(
                "This instance already holds data (%(users)d user accounts): restore into an "
                "empty instance (a new database, or one just migrated), or pass --replace to "
                "overwrite it.") % {"users": users})
    return bool(known - archived)


def _user_accounts() -> int:
    user_table = get_user_model()._meta.db_table
    if user_table not in connection.introspection.table_names():
        return 0
    return get_user_model().objects.count()


def _check_counts(manifest: dict, database) -> None:
    with connection.cursor() as cursor:
        counts = database.row_counts(cursor)
    wrong = sorted(table for table, rows in manifest["tables"].items()
                   if counts.get(table) != rows)
    if wrong:
        raise BackupError(_("The restored database does not hold the rows the backup lists "
                            "(tables: %(tables)s).") % {"tables": ", ".join(wrong)})


def _move_media(staged: Path, media_root: Path) -> None:
    """The restored media take the media folder's place; what was there is removed after."""
    staged.mkdir(exist_ok=True)
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        media_root.rename(old)
    staged.rename(media_root)
    if old is not None:
        shutil.rmtree(old)


def _write_key(key: bytes) -> None:
    target = _key_file()
    handle, temporary = tempfile.mkstemp(prefix=".secret_key.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(key)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _secret_key_note(manifest: dict) -> str:
    if manifest.get("secret_key") == "environment":
        return _("The backed-up instance took its secret key from the SECRET_KEY environment "
                 "variable: set the same value here, or logins and signed links made before "
                 "will not be recognised.")
    if SECRET_KEY in manifest["files"] and os.environ.get("SECRET_KEY"):
        return _("The backup's secret key was written to %(file)s, but SECRET_KEY is set in the "
                 "environment and is the one used.") % {"file": _key_file()}
    return ""


def _foreign(path: Path) -> str:
    return _("%(file)s is not a Weishang backup: nothing was restored.") % {"file": path}


def _damaged(path: Path, reason: str) -> str:
    return _("%(file)s is damaged or incomplete (%(reason)s): nothing was restored.") % {
        "file": path, "reason": reason}


def _newer(manifest: dict) -> str:
    return _("This backup was made by a newer Weishang (%(theirs)s; this is %(ours)s): "
             "upgrade first, then restore it. Nothing was restored.") % {
        "theirs": manifest.get("weishang_version", "?"), "ours": _version()}


# The database engines


def _database():
    vendor = connection.vendor
    if vendor == "sqlite":
        return SQLite()
    if vendor == "postgresql":
        return PostgreSQL()
    raise BackupError(_("Backups support SQLite and PostgreSQL, not %(engine)s.") % {
        "engine": vendor})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables_query: str) -> dict[str, int]:
    cursor.execute(tables_query)
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (quoted name)
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor, tables: dict) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return [[app, name] for app, name in cursor.fetchall()]


class SQLite:
    """SQLite: the online backup API, from and into Django's own connection (a consistent
    snapshot; the live file's WAL and other connections are SQLite's to handle)."""

    vendor = "sqlite"
    TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"

    def row_counts(self, cursor) -> dict[str, int]:
        return _counts(cursor, self.TABLES)

    def dump(self, target: Path) -> tuple[list, dict]:
        connection.ensure_connection()
        with closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            with closing(copy.cursor()) as cursor:
                tables = self.row_counts(cursor)
                return _migrations(cursor, tables), tables

    def restore(self, source: Path, manifest: dict) -> None:
        connection.ensure_connection()
        with closing(sqlite3.connect(source)) as copy:
            copy.backup(connection.connection)
        connection.close()


class PostgreSQL:
    """PostgreSQL: ``pg_dump -Fc`` of a snapshot whose rows and migrations the manifest lists,
    ``pg_restore`` in one transaction."""

    vendor = "postgresql"
    TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"

    def row_counts(self, cursor) -> dict[str, int]:
        return _counts(cursor, self.TABLES)

    def dump(self, target: Path) -> tuple[list, dict]:
        import psycopg

        program = self._program("pg_dump")
        with closing(connection.get_new_connection(connection.get_connection_params())) as db:
            db.autocommit = False
            db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            db.read_only = True
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                tables = self.row_counts(cursor)
                migrations = _migrations(cursor, tables)
            result = self._run([program, "--format=custom", f"--snapshot={snapshot}",
                                f"--file={target}", "--no-password"])
            server = db.info.server_version
            db.rollback()
        if result.returncode:
            raise BackupError(self._dump_failed(program, result.stderr, server))
        target.chmod(0o600)
        return migrations, tables

    def restore(self, source: Path, manifest: dict) -> None:
        program = self._program("pg_restore")
        with connection.cursor() as cursor:
            present = self.row_counts(cursor)
        if present:
            # Tables of a newer schema than the archive's would block its own; the restore
            # drops and re-creates the archive's tables in its transaction.
            extra = sorted(set(present) - set(manifest["tables"]))
            if extra:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("DROP TABLE " + ", ".join(map(_quote, extra)) + " CASCADE")
        connection.close()
        clean = ["--clean", "--if-exists"] if present else []
        result = self._run([program, "--no-owner", "--no-privileges", "--single-transaction",
                            "--exit-on-error", "--no-password", *clean,
                            f"--dbname={connection.settings_dict['NAME']}", str(source)])
        if result.returncode:
            raise BackupError(_("pg_restore failed, the database is as it was: %(error)s") % {
                "error": result.stderr.strip()})

    @staticmethod
    def _program(name: str) -> str:
        found = shutil.which(name)
        if not found:
            raise BackupError(_("%(program)s was not found: install the PostgreSQL client "
                                "programs (e.g. the postgresql-client package, the same "
                                "version as the server or newer).") % {"program": name})
        return found

    @staticmethod
    def _run(command: list[str]) -> subprocess.CompletedProcess:
        """A PostgreSQL client program on this instance's database (its connection settings
        from DATABASES, the password in the environment rather than on the command line)."""
        database = connection.settings_dict
        options = database.get("OPTIONS", {})
        environment = {**os.environ, "PGDATABASE": database["NAME"]}
        for key, variable in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                              ("PASSWORD", "PGPASSWORD")]:
            if database.get(key):
                environment[variable] = str(database[key])
        for key, variable in [("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                              ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")]:
            if options.get(key):
                environment[variable] = str(options[key])
        return subprocess.run(command, env=environment, capture_output=True, text=True,
                              check=False)

    @staticmethod
    def _dump_failed(program: str, error: str, server: int) -> str:
        if "version mismatch" in error:
            version = subprocess.run([program, "--version"], capture_output=True, text=True,
                                     check=False).stdout.strip()
            major = server // 10000
            return _("%(client)s cannot dump this PostgreSQL %(major)d server: install the "
                     "PostgreSQL %(major)d client programs (e.g. postgresql-client-%(major)d) "
                     "or newer and run the backup again.") % {"client": version, "major": major}
        return _("pg_dump failed: %(error)s") % {"error": error.strip()}

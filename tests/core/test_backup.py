"""Backups that restore: `weishang backup` then `weishang restore` into an empty instance gives
the same shop back; an archive that is damaged, foreign or newer is refused and changes nothing."""

import gzip
import hashlib
import io
import json
import secrets
import sqlite3
import subprocess
import tarfile
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.conftest import is_postgres
from tests.test_cli import STUCK_SECONDS, environment, weishang_command

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "a-secret-key-" + "k" * 50
PICTURE = b"\x89PNG\r\n\x1a\n not really a picture"

# What a shop holds, in plain SQL: any copy of its database can be read and compared.
HOLDING = {
    "orders": "SELECT o.number, o.state, l.product_title, l.quantity FROM orders_order o "
              "JOIN orders_orderline l ON l.order_id = o.id ORDER BY o.number",
    "users": "SELECT username, phone, password FROM accounts_user ORDER BY username",
    "stock": "SELECT variant_id, quantity FROM inventory_stocklevel ORDER BY variant_id",
}


def holding(cursor) -> dict:
    found = {}
    for name, query in HOLDING.items():
        cursor.execute(query)
        found[name] = [tuple(row) for row in cursor.fetchall()]
    return found


def here() -> dict:
    with connection.cursor() as cursor:
        return holding(cursor)


@pytest.fixture
def instance(settings, tmp_path, monkeypatch, stocked, place):
    """A shop with an order, a picture in its media and its own secret key file."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.DATA_DIR = tmp_path / "home"
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / "secret_key").write_text(KEY)
    picture = Path(settings.MEDIA_ROOT) / "products" / "tee.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(PICTURE)
    order = place(stocked(5), quantity=2)
    assert here()["orders"] == [(order.number, order.state, "纯棉T恤", 2)]
    return settings


@pytest.fixture
def archive(instance, tmp_path) -> Path:
    path = tmp_path / "weishang.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def restore_as_a_user(archive: Path, home: Path, **variables) -> subprocess.CompletedProcess:
    return subprocess.run([*weishang_command(), "restore", str(archive)],
                          env={**environment(home), **variables}, capture_output=True,
                          text=True, timeout=STUCK_SECONDS)


def migrate_as_a_user(home: Path, *target: str, **variables) -> None:
    migrated = subprocess.run([*weishang_command(), "migrate", *target, "-v0"],
                              env={**environment(home), **variables}, capture_output=True,
                              text=True, timeout=STUCK_SECONDS)
    assert migrated.returncode == 0, migrated.stderr


def test_backup_writes_one_private_archive_and_says_what_is_in_it(instance, tmp_path, english):
    path = tmp_path / "weishang.tar.gz"
    output = io.StringIO()
    call_command("backup", str(path), stdout=output)

    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["home", "media", path.name]
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        stored_picture = tar.extractfile("media/products/tee.png").read()
    assert names[0] == "manifest.json"
    assert set(names[1:]) == set(manifest["files"]) == {
        manifest["database"]["file"], "secret_key", "media/products/tee.png"}
    assert stored_picture == PICTURE
    assert manifest["files"]["media/products/tee.png"] == {
        "sha256": hashlib.sha256(PICTURE).hexdigest(), "size": len(PICTURE)}
    assert manifest["format"] == "weishang-backup" and manifest["format_version"] == 1
    assert manifest["database"]["engine"] == connection.vendor
    assert ["orders", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"]["orders_order"] == 1
    assert manifest["created"].endswith("+00:00")
    printed = output.getvalue()
    assert f"Backup written to {path}" in printed
    assert "Media: 1 file." in printed and "Secret key: included." in printed


def test_a_key_from_the_environment_is_recorded_not_stored(archive, monkeypatch, tmp_path,
                                                           english):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    path = tmp_path / "again.tar.gz"
    output = io.StringIO()
    call_command("backup", str(path), stdout=output)
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert "secret_key" not in tar.getnames()
    assert manifest["secret_key"] == "environment"
    assert "from-the-environment" not in json.dumps(manifest)
    assert "SECRET_KEY environment variable" in output.getvalue()


def test_media_kept_in_s3_are_left_out_and_said_so(instance, tmp_path, english):
    instance.MEDIA_STORAGE = "s3"
    path = tmp_path / "weishang.tar.gz"
    output = io.StringIO()
    call_command("backup", str(path), stdout=output)
    with tarfile.open(path) as tar:
        assert not [name for name in tar.getnames() if name.startswith("media/")]
        assert json.load(tar.extractfile("manifest.json"))["media"].startswith("not included")
    assert "Media: not included (stored in S3" in output.getvalue()


@pytest.mark.skipif(is_postgres(), reason="the SQLite round trip")
@pytest.mark.parametrize("target", ["new", "migrated"])
def test_sqlite_round_trip_into_an_empty_instance(archive, tmp_path, target):
    before = here()
    home = tmp_path / "restored"
    if target == "migrated":
        migrate_as_a_user(home)

    restored = restore_as_a_user(archive, home)

    assert restored.returncode == 0, restored.stderr
    with closing(sqlite3.connect(home / "weishang.sqlite3")) as database:
        assert holding(database.cursor()) == before
    assert (home / "media" / "products" / "tee.png").read_bytes() == PICTURE
    assert (home / "secret_key").read_text() == KEY
    assert not list(home.glob(".weishang-restore-*")), "nothing left behind"


@pytest.mark.skipif(is_postgres(), reason="one engine is enough: the migrations run alike")
def test_an_older_backup_is_migrated_after_its_restore(tmp_path):
    older, home, archive = tmp_path / "older", tmp_path / "restored", tmp_path / "older.tar.gz"
    migrate_as_a_user(older)
    migrate_as_a_user(older, "marketing", "0002")
    made = subprocess.run([*weishang_command(), "backup", str(archive)], env=environment(older),
                          capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert made.returncode == 0, made.stderr

    restored = restore_as_a_user(archive, home)

    assert restored.returncode == 0, restored.stderr
    with closing(sqlite3.connect(home / "weishang.sqlite3")) as database:
        assert database.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'marketing' "
                                "AND name = '0003_post_min_level'").fetchone() == (1,)
        columns = [row[1] for row in database.execute("PRAGMA table_info(marketing_post)")]
    assert "min_level_id" in columns


def test_replace_puts_the_backed_up_shop_back(archive, instance, stocked, place, english):
    before = here()
    place(stocked(3, title="另一件"))
    picture = Path(instance.MEDIA_ROOT) / "products" / "tee.png"
    picture.unlink()
    (Path(instance.MEDIA_ROOT) / "later.png").write_bytes(b"added after the backup")
    (instance.DATA_DIR / "secret_key").write_text("another key")

    output = io.StringIO()
    call_command("restore", str(archive), "--replace", stdout=output)

    assert here() == before
    assert picture.read_bytes() == PICTURE
    assert not (Path(instance.MEDIA_ROOT) / "later.png").exists()
    assert (instance.DATA_DIR / "secret_key").read_text() == KEY
    assert f"Restored {archive}" in output.getvalue()


def test_an_instance_with_data_is_not_overwritten_without_replace(archive, instance, english):
    before = state(instance)
    with pytest.raises(CommandError, match=r"already holds data .*--replace"):
        call_command("restore", str(archive))
    assert state(instance) == before


def state(settings) -> tuple:
    """The instance as a whole: its data, its media files and its secret key."""
    media = Path(settings.MEDIA_ROOT)
    files = sorted((str(path.relative_to(media)), path.read_bytes())
                   for path in media.rglob("*") if path.is_file())
    leftovers = list(media.parent.glob(".weishang-restore-*"))
    return here(), files, (settings.DATA_DIR / "secret_key").read_text(), leftovers


def repacked(archive: Path, change) -> bytes:
    """The archive with its manifest and members changed by ``change(manifest, members)``,
    the manifest's checksums made to agree with the members again."""
    with tarfile.open(archive) as tar:
        members = {name: tar.extractfile(name).read() for name in tar.getnames()}
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    manifest["files"] = {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                         for name, data in members.items()}
    return tar_gz({"manifest.json": json.dumps(manifest).encode(), **members})


def tar_gz(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb") as packed, \
            tarfile.open(fileobj=packed, mode="w|") as tar:
        for name, data in members.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
    return out.getvalue()


def flipped(data: bytes) -> bytes:
    middle = bytearray(data)
    middle[len(data) // 2] ^= 0xFF
    return bytes(middle)


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "weishang-backup"}))
    return out.getvalue()


def a_future_migration(manifest, members):
    manifest["migrations"].append(["orders", "9999_from_a_newer_weishang"])


def a_newer_format(manifest, members):
    manifest["format_version"] = 2


def an_entry_outside(manifest, members):
    members["media/../../outside.txt"] = b"written outside the media folder"


def an_absolute_entry(manifest, members):
    members["/tmp/weishang-absolute.txt"] = b"written anywhere"


def the_other_engine(manifest, members):
    other = "postgresql" if manifest["database"]["engine"] == "sqlite" else "sqlite"
    database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
    members[database[other]] = members.pop(manifest["database"]["file"])
    manifest["database"] = {"engine": other, "file": database[other]}


REFUSALS = {
    "corrupt": (lambda archive: flipped(archive.read_bytes()), "damaged or incomplete"),
    "corrupt trailer": (lambda archive: archive.read_bytes()[:-6] + bytes(
        byte ^ 0xFF for byte in archive.read_bytes()[-6:-4]) + archive.read_bytes()[-4:],
        "damaged or incomplete"),
    "truncated": (lambda archive: archive.read_bytes()[: archive.stat().st_size * 2 // 3],
                  "damaged or incomplete"),
    "foreign tar": (lambda archive: tar_gz({"notes.txt": b"hello"}), "not a Weishang backup"),
    "foreign zip": (lambda archive: zipped(), "not a Weishang backup"),
    "not an archive": (lambda archive: "订单 orders.csv\n".encode(), "not a Weishang backup"),
    "empty file": (lambda archive: b"", "not a Weishang backup"),
    "newer schema": (lambda archive: repacked(archive, a_future_migration),
                     "made by a newer Weishang"),
    "newer format": (lambda archive: repacked(archive, a_newer_format),
                     "made by a newer Weishang"),
    "path traversal": (lambda archive: repacked(archive, an_entry_outside), "unsafe entry"),
    "absolute path": (lambda archive: repacked(archive, an_absolute_entry), "unsafe entry"),
    "other engine": (lambda archive: repacked(archive, the_other_engine),
                     "same database engine"),
}


@pytest.mark.parametrize("made", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_bad_archive_is_refused_and_changes_nothing(archive, instance, tmp_path, made, english):
    make, message = made
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(make(archive))
    # Another shop now: a restore that went ahead would put the backed-up one back.
    (instance.DATA_DIR / "secret_key").write_text("the key in use now")
    (Path(instance.MEDIA_ROOT) / "products" / "tee.png").write_bytes(b"the picture now")
    before = state(instance)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), "--replace")

    assert state(instance) == before
    assert not (tmp_path / "outside.txt").exists()
    assert not Path("/tmp/weishang-absolute.txt").exists()


def test_a_member_that_does_not_match_the_manifest_is_refused(archive, instance, tmp_path,
                                                              english):
    with tarfile.open(archive) as tar:
        members = {name: tar.extractfile(name).read() for name in tar.getnames()}
    members["media/products/tee.png"] = b"not the picture that was backed up"
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(tar_gz(members))
    before = state(instance)

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(bad), "--replace")

    assert state(instance) == before


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="pg_dump and pg_restore")
@pytest.mark.parametrize("target", ["new", "migrated"])
def test_postgresql_round_trip_into_an_empty_database(archive, tmp_path, target):
    import psycopg

    before = here()
    server = connection.settings_dict
    name = f"ws_backup_scratch_{secrets.token_hex(4)}"
    where = ["--host", server["HOST"] or "127.0.0.1", "--port", str(server["PORT"] or 5432),
             "--username", server["USER"] or "postgres"]
    url = (f"postgres://{server['USER']}:{server['PASSWORD'] or ''}@{server['HOST']}:"
           f"{server['PORT'] or 5432}/{name}")
    home = tmp_path / "restored"
    subprocess.run(["createdb", *where, name], check=True, timeout=STUCK_SECONDS)
    try:
        if target == "migrated":
            migrate_as_a_user(home, DATABASE_URL=url)

        restored = restore_as_a_user(archive, home, DATABASE_URL=url)
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(url) as database:
            assert holding(database.cursor()) == before
        assert (home / "media" / "products" / "tee.png").read_bytes() == PICTURE
        assert (home / "secret_key").read_text() == KEY

        again = restore_as_a_user(archive, home, DATABASE_URL=url)
        assert again.returncode == 1 and "--replace" in again.stderr
        assert "Traceback" not in again.stderr
    finally:
        subprocess.run(["dropdb", *where, "--force", name], check=True, timeout=STUCK_SECONDS)


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="pg_dump")
def test_without_pg_dump_the_backup_says_what_to_install(instance, tmp_path, monkeypatch,
                                                         english):
    monkeypatch.setattr("weishang.core.backup.shutil.which", lambda program: None)
    with pytest.raises(CommandError, match="pg_dump was not found: install the PostgreSQL"):
        call_command("backup", str(tmp_path / "weishang.tar.gz"))
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["home", "media"]

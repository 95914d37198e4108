"""Settings come from the environment: what a deployment sets is what it gets."""

import json
import subprocess
import sys

from tests.test_cli import environment

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "secret": settings.SECRET_KEY,
}))
"""


def probe(tmp_path, **env) -> dict:
    variables = environment(tmp_path / "data")
    variables.update(env, DJANGO_SETTINGS_MODULE="weishang.settings")
    result = subprocess.run([sys.executable, "-c", PROBE], env=variables, capture_output=True,
                            text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def test_embedded_default(tmp_path):
    found = probe(tmp_path)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["db_name"].startswith(str(tmp_path / "data"))
    assert found["eager"] is True and found["broker"] == "memory://"
    assert "locmem" in found["cache"].lower()
    assert found["debug"] is False
    # Generated once, kept in the data folder, the same on the next start.
    assert found["secret"] == (tmp_path / "data" / "secret_key").read_text().strip()
    assert probe(tmp_path)["secret"] == found["secret"]


def test_production_services_from_the_environment(tmp_path):
    found = probe(
        tmp_path,
        DATABASE_URL="postgres://shop:pw@db.example:5432/shop",
        REDIS_URL="redis://127.0.0.1:6379/3",
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="shop.example.com, www.shop.example.com",
        DEBUG="1",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["db_name"] == "shop"
    assert found["eager"] is False and found["broker"] == "redis://127.0.0.1:6379/3"
    assert "redis" in found["cache"].lower()
    assert found["secret"] == "from-the-environment"
    assert not (tmp_path / "data" / "secret_key").exists()
    assert found["hosts"] == ["shop.example.com", "www.shop.example.com"]
    assert found["debug"] is True

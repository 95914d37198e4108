"""Settings come from the environment: what a deployment sets is what it gets."""

import json
import subprocess
import sys

from tests.deployment import read_env_file
from tests.test_cli import STUCK_SECONDS, environment

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
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "https": {name: getattr(settings, name, None) for name in (
        "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE")},
    "sessions": [settings.SESSION_COOKIE_AGE, settings.LOGIN_IDLE_SECONDS],
}))
"""


def probe(tmp_path, **env) -> dict:
    variables = environment(tmp_path / "data")
    variables.update(env, DJANGO_SETTINGS_MODULE="weishang.settings")
    result = subprocess.run([sys.executable, "-c", PROBE], env=variables, capture_output=True,
                            text=True, check=True, timeout=STUCK_SECONDS)
    return json.loads(result.stdout)


def test_embedded_default(tmp_path):
    found = probe(tmp_path)
    assert found["https"] == {
        "SECURE_PROXY_SSL_HEADER": None, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}
    assert found["sessions"] == [14 * 86400, 12 * 3600]
    assert found["health_checks"] is True
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


def test_one_switch_behind_an_https_proxy_turns_on_every_https_setting(tmp_path):
    found = probe(tmp_path, BEHIND_HTTPS_PROXY="1")
    assert found["https"] == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


def test_each_https_setting_may_be_set_on_its_own(tmp_path):
    found = probe(tmp_path, BEHIND_HTTPS_PROXY="1", SECURE_HSTS_SECONDS="3600",
                  SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0",
                  SECURE_SSL_REDIRECT="0", SESSION_DAYS="7", LOGIN_IDLE_HOURS="1.5")
    assert found["https"]["SECURE_HSTS_SECONDS"] == 3600
    assert not found["https"]["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert not found["https"]["SECURE_HSTS_PRELOAD"]
    assert not found["https"]["SECURE_SSL_REDIRECT"]
    assert found["https"]["SESSION_COOKIE_SECURE"]
    assert found["sessions"] == [7 * 86400, 5400]


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    """The README's "Running it for real" copies deploy/weishang.env.example."""
    variables = read_env_file()
    assert variables["BEHIND_HTTPS_PROXY"] == "1"
    # The database and Redis of the example are not on this machine; the security checks
    # do not need them.
    for service in ("DATABASE_URL", "REDIS_URL", "WEISHANG_HOME"):
        variables.pop(service)
    env = environment(tmp_path / "data")
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "-m", "weishang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout

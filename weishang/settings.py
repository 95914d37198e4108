"""Weishang settings: one module, configured from the environment.

Embedded default (one person, one command): SQLite and media in the data folder
(``WEISHANG_HOME``, default ``./weishang-data``), background jobs run in-process.
Real scale: ``DATABASE_URL=postgres://...``, ``REDIS_URL=redis://...`` and Celery workers.
See README.md, "Configuration".
"""

import os
import secrets
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("WEISHANG_HOME", "weishang-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")


def _site_url() -> str:
    """SITE_URL, the address people open the shop at (https://shop.example.com): the links
    that are shared, copied, printed or put in QR codes use it; without it, pages use the
    address they were asked at."""
    value = os.environ.get("SITE_URL", "").strip().rstrip("/")
    scheme, _, host = value.partition("://")
    if value and (scheme not in {"http", "https"} or not host or "/" in host):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"SITE_URL={value!r}: give the scheme and host only, "
                                   "e.g. https://shop.example.com")
    return value


SITE_URL = _site_url()

INSTALLED_APPS = [
    "weishang.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "weishang.accounts",
    "weishang.catalog",
    "weishang.inventory",
    "weishang.network",
    "weishang.orders",
    "weishang.commissions",
    "weishang.customers",
    "weishang.marketing",
    "weishang.console",
    "weishang.storefront",
    "weishang.api",
]

MIDDLEWARE = [
    # First, so that everything after it logs with the request's id (core/logs.py).
    "weishang.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "weishang.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "weishang.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Accounts: a refused login's page (429), and a login's session renewed while in use.
    "weishang.accounts.middleware.AccountsMiddleware",
]

ROOT_URLCONF = "weishang.urls"
WSGI_APPLICATION = "weishang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "weishang.console.context_processors.console_permissions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'weishang.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request uses it: after the database restarts,
        # requests reconnect instead of failing on a dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing, and take it at BEGIN so
    # a transaction never has to upgrade a read lock (the usual "database is locked").
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # A page cache of 64 MiB (the default is 2 MiB) and the file mapped into memory: a
        # settlement run or an import touching millions of rows reads its indexes from memory
        # instead of asking the kernel for every page.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                        "PRAGMA temp_store=MEMORY;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["weishang.accounts.backends.PhoneOrUsernameBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "weishang.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "weishang.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login limits (accounts/throttle.py): this many failures of one account from one address
# within the cool-off lock that pair, LOGIN_ADDRESS_FAILURE_LIMIT lock an address whatever
# accounts it tried, and past LOGIN_FAILURE_LIMIT failures in a day an account's attempts from
# browsers it never logged in from wait 1, 2, 4 … seconds, up to LOGIN_MAX_DELAY_SECONDS.
LOGIN_FAILURE_LIMIT = max(1, int(os.environ.get("LOGIN_FAILURE_LIMIT", "5")))
LOGIN_ADDRESS_FAILURE_LIMIT = max(1, int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20")))
LOGIN_COOLOFF = timedelta(hours=float(os.environ.get("LOGIN_COOLOFF_HOURS", "0.25")))
LOGIN_ACCOUNT_WINDOW = timedelta(days=1)
LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "300"))
# The public agent application: tries per client address and hour (network/joining.py).
AGENT_APPLICATIONS_PER_HOUR = int(os.environ.get("AGENT_APPLICATIONS_PER_HOUR", "10"))
# Proxies in front that append to X-Forwarded-For: the client address of every rate limit.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# Customer checkouts (orders/services/guards.py): each client address and each mobile number may
# check out this many times per window; orders taken in chat by the owner or staff are free.
CHECKOUT_LIMIT_PER_ADDRESS = int(os.environ.get("CHECKOUT_LIMIT_PER_ADDRESS", "10"))
CHECKOUT_LIMIT_PER_MOBILE = int(os.environ.get("CHECKOUT_LIMIT_PER_MOBILE", "5"))
CHECKOUT_LIMIT_MINUTES = int(os.environ.get("CHECKOUT_LIMIT_MINUTES", "10"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS: list = []  # each app keeps its own catalog in <app>/locale
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Embedded mode serves static files straight from the package; production runs
# `weishang collectstatic` and may turn this off.
WHITENOISE_USE_FINDERS = _env_bool("WHITENOISE_USE_FINDERS", True)


def _static_manifest() -> bool:
    """STATIC_MANIFEST: ``1`` names static files by a hash of their content and serves them
    compressed (whitenoise's manifest, written by `weishang collectstatic`), so browsers may keep
    them for ever; ``0`` serves them as they are named; ``auto`` (default) uses the manifest once
    collectstatic has written one into STATIC_ROOT. After an upgrade run collectstatic again."""
    value = os.environ.get("STATIC_MANIFEST", "auto").strip().lower()
    if value == "auto":
        return (STATIC_ROOT / "staticfiles.json").is_file()
    return _env_bool("STATIC_MANIFEST")


MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Where uploads live: `local` (MEDIA_ROOT) or `s3`, an S3-compatible bucket (AWS, MinIO, Aliyun
# OSS, Tencent COS, …) through django-storages, `pip install 'weishang[s3]'`.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local").strip().lower()


def media_storage(kind: str) -> dict:
    """The storage of uploads of MEDIA_STORAGE ``kind``, the bucket's from the environment."""
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from django.core.exceptions import ImproperlyConfigured

    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE={kind!r}: give local or s3.")
    if not (find_spec("storages") and find_spec("boto3")):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs django-storages and boto3: "
                                   "pip install 'weishang[s3]'.")
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs the bucket: set "
                                   "AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        # Never replace a stored file: a second upload of the same name gets a name of its own,
        # as on a local disk.
        "file_overwrite": False,
        # Uploads are public, as /media/ is on a local disk: plain URLs (the shop's pages are
        # cached, so signed URLs would expire inside them); the bucket (or its CDN in
        # AWS_S3_CUSTOM_DOMAIN) lets anyone read.
        "querystring_auth": False,
    }
    for option, variable in [("endpoint_url", "AWS_S3_ENDPOINT_URL"),
                             ("access_key", "AWS_ACCESS_KEY_ID"),
                             ("secret_key", "AWS_SECRET_ACCESS_KEY"),
                             ("region_name", "AWS_S3_REGION_NAME"),
                             ("custom_domain", "AWS_S3_CUSTOM_DOMAIN")]:
        if os.environ.get(variable):
            options[option] = os.environ[variable]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(MEDIA_STORAGE),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if _static_manifest()
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# In the embedded default Django serves uploads itself; behind nginx set SERVE_MEDIA=0. Uploads
# in a bucket are served from there.
SERVE_MEDIA = _env_bool("SERVE_MEDIA", MEDIA_STORAGE == "local")

# Uploaded images: accepted formats, largest file and largest pixel count (decompression bombs).
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Tracked-link clicks (/t/<code>) are buffered and written in one INSERT every this many seconds
# per process (and when it exits); 0 writes each click during its request.
CLICK_FLUSH_SECONDS = float(os.environ.get("CLICK_FLUSH_SECONDS", "1"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    # Sessions (the cart) read from Redis, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A per-process cache: sessions stay in the database, so every worker sees the same cart.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Where a cached shop page finds the pages' version (core/versions.py): in the cache when every
# process serving pages shares it (no SQL per page); from the database with a per-process cache,
# which cannot hear of another process's change.
SHOP_PAGES_VERSION_IN_CACHE = CACHES["default"]["BACKEND"] not in (
    "django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")

# Celery: with REDIS_URL, a real broker and workers; without it, tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Beat's record of when each job last ran: in the data folder, never the working folder.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "weishang.api.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "weishang.core.rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "weishang.core.rest.errors.exception_handler",
    # DRF's throttles take the client address as core/clients.py does.
    "NUM_PROXIES": PROXY_COUNT,
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {
        "order_lookup": "10/min",
        "address_parse": "60/min",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Weishang API",
    "DESCRIPTION": "REST API of Weishang (微商): catalog, stock and more.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or a "state": each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "OrderStateEnum": "weishang.orders.models.OrderState",
        "LocationKindEnum": "weishang.inventory.models.LocationKind",
        "FollowUpKindEnum": "weishang.customers.models.FollowUpKind",
        "FollowUpStateEnum": "weishang.customers.models.FollowUpState",
        "ReminderKindEnum": "weishang.customers.models.ReminderKind",
        "PostKindEnum": "weishang.marketing.models.PostKind",
        "PlanStateEnum": "weishang.marketing.models.PlanState",
        "AgentStateEnum": "weishang.network.models.AgentState",
    },
}

# Sessions: a visitor's (the cart) lasts SESSION_DAYS; a login ends after LOGIN_IDLE_HOURS
# without opening a page (accounts/sessions.py).
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_DAYS", "14")) * 24 * 3600)
LOGIN_IDLE_SECONDS = int(float(os.environ.get("LOGIN_IDLE_HOURS", "12")) * 3600)
# Messages travel in a cookie, so showing (or checking for) one never reads the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "weishang.core.error_pages.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS: one switch behind a proxy that terminates it. BEHIND_HTTPS_PROXY=1 trusts the proxy's
# X-Forwarded-Proto, redirects plain HTTP to HTTPS (not /healthz, which monitors ask locally),
# sends cookies over HTTPS only and asks browsers for HTTPS for a year (HSTS, subdomains
# included, preload allowed). Each may be set on its own; see README "Security".
BEHIND_HTTPS_PROXY = _env_bool("BEHIND_HTTPS_PROXY")
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", BEHIND_HTTPS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS",
                                         "31536000" if BEHIND_HTTPS_PROXY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", BEHIND_HTTPS_PROXY)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", BEHIND_HTTPS_PROXY)
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", BEHIND_HTTPS_PROXY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Logs go to standard error, as text (the default) or as one JSON object a line
# (LOG_FORMAT=json); every record carries the id of the request it was logged in. One line per
# request (logger weishang.requests, INFO) unless LOG_REQUESTS=0: it is the access log, so
# `weishang serve` keeps the server's own off. See core/logs.py and README "Logs".
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower() or "text"
if LOG_FORMAT not in {"text", "json"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: choose text or json")
LOG_REQUESTS = _env_bool("LOG_REQUESTS", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "weishang.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "weishang.core.logs.json_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"weishang.requests": {"level": "INFO" if LOG_REQUESTS else "WARNING"}},
}

# Errors to Sentry or a server that speaks its protocol (GlitchTip), without personal data
# (core/sentry.py): SENTRY_DSN turns it on.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from weishang.core.sentry import start_sentry

    start_sentry(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                 traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))


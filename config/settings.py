"""Settings for 干部实绩考核评价系统, read from the environment (see .env.example).

Without DATABASE_URL / CELERY_BROKER_URL / REDIS_URL the app runs embedded: SQLite, Celery in
eager mode and an in-process cache. The test suite instead defaults to the PostgreSQL and
Redis services of the development and CI machines, because that is what production runs on.
"""

import base64
import hashlib
import os
import secrets
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ops.logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
TEST_RUN_ID = uuid.uuid4().hex[:10] if TESTING else ""

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Where the embedded SQLite database and uploaded files live unless configured otherwise.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105  (debug and tests only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public origin, used in links that leave the app (PDF verification codes, reminders).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "auditlog",
    "axes",
    "csp",
    "django_htmx",
    "django_prometheus",
    "core",
    "ops",
    "cadres",
    "achievements",
    "evaluations",
    "publicity",
    "selection",
    "supervision",
    "manual",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: a dropped database connection anywhere below answers a clean 503 page.
    "ops.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cadres.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "cadres.middleware.PasswordChangeRequiredMiddleware",
    "ops.sessions.SessionTimeoutMiddleware",
    # Axes must come last so it sees the final authentication result.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------

_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cadreperf"
_TEST_REDIS_URL = "redis://127.0.0.1:6379"
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=_TEST_DATABASE_URL if TESTING else f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if TESTING:
    # One test database per checkout, so test runs in two checkouts on one machine don't collide.
    _checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: S324  (a name, not security)
    DATABASES["default"]["TEST"] = {"NAME": f"test_cadreperf_{_checkout}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Deleted rows are overwritten with zeros: sealed ballots and drafts leave nothing in the file.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA secure_delete = ON;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Ballot box ---------------------------------------------------------------------------
# Submitted sheets wait sealed (AES-256-GCM) until their period closes. The keys are not
# SECRET_KEY and must be kept apart from database backups (SECURITY.md): comma-separated,
# newest first; older keys stay listed until every box sealed under them has been opened.
BALLOT_KEYS = env.list("BALLOT_KEYS", default=[])
if not BALLOT_KEYS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "BALLOT_KEYS must be set when DEBUG is off: "
            'python3 -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
        )
    # Embedded and test runs keep a key of their own beside the SQLite database.
    _key_file = DATA_DIR / "ballot.key"
    if not _key_file.exists():
        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _new = _key_file.with_suffix(f".{os.getpid()}.tmp")
        with os.fdopen(os.open(_new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as _out:
            _out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        try:
            os.link(_new, _key_file)  # atomic: two processes starting at once keep one key
        except FileExistsError:
            pass
        finally:
            _new.unlink()
    BALLOT_KEYS = [_key_file.read_text().strip()]
for _ballot_key in BALLOT_KEYS:
    _raw = base64.urlsafe_b64decode(_ballot_key + "=" * (-len(_ballot_key) % 4))
    if len(_raw) != 32:
        raise ImproperlyConfigured("Each BALLOT_KEYS entry must be 32 bytes in URL-safe base64 (43 characters).")

REDIS_URL = env.str("REDIS_URL", default=f"{_TEST_REDIS_URL}/15" if TESTING else "")
if REDIS_URL:
    CACHES = {
        "default": {
            # With Redis unreachable, reads miss and writes are dropped (ops/cache.py): pages still serve.
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=1.0),
            },
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=f"test-{TEST_RUN_ID}" if TESTING else "cadreperf"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"{_TEST_REDIS_URL}/14" if TESTING else "")
# Without a broker the app runs tasks in-process (embedded default, `make run`).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each test run has a queue of its own, so its worker never takes another run's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"test-{TEST_RUN_ID}" if TESTING else "cadreperf")
CELERY_TIMEZONE = "Asia/Shanghai"
# Background work is recorded in the database first (ops/outbox.py); a request whose broker is down
# gives up publishing quickly and the relay sends the task when Redis returns.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth -------------------------------------------------------------------------------

AUTH_USER_MODEL = "cadres.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Our subclasses only reword the help texts (您, not Django's 你).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "cadres.validators.UserAttributeSimilarityValidator"},
    {
        "NAME": "cadres.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "cadres.validators.CommonPasswordValidator"},
    {"NAME": "cadres.validators.NumericPasswordValidator"},
]
# Argon2id first: new passwords use it, and a stored PBKDF2 hash (the earlier default) still
# verifies and is re-hashed with Argon2 at that user's next successful login.
PASSWORD_HASHERS = [
    "cadres.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "cadres.hashers.InitialPasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests are about.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# A signed-in session ends after SESSION_IDLE_MINUTES without a request, and in any case
# SESSION_ABSOLUTE_HOURS after the login (ops/sessions.py); the cookie lives as long as the latter.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=8))
if not timedelta(0) < SESSION_IDLE_TIMEOUT <= SESSION_ABSOLUTE_TIMEOUT:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be positive and at most SESSION_ABSOLUTE_HOURS.")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=int(SESSION_ABSOLUTE_TIMEOUT.total_seconds()))
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Lock by username + IP after a few failures, so one office behind a shared address is not locked
# out as a whole by one person's typos; and by IP alone after many failures over any accounts, so one
# client cannot try a few passwords on every account. Only for a while, so a forgotten password does
# not need an administrator. cadres/lockout.py gives each combination its own limit.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("AXES_IP_FAILURE_LIMIT", default=20)
if not 1 <= LOGIN_FAILURE_LIMIT_PER_ACCOUNT <= LOGIN_FAILURE_LIMIT_PER_ADDRESS:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT must be at least 1 and AXES_IP_FAILURE_LIMIT at least AXES_FAILURE_LIMIT."
    )
AXES_HANDLER = "cadres.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = "cadres.lockout.failure_limit"
AXES_LOCKOUT_CALLABLE = "cadres.lockout.lockout_response"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Internationalization ----------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT_OVERRIDE", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (evidence, photos, exports) are private: never under STATIC_ROOT, never served
# by the web server directly, only through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
ROSTER_UPLOAD_MAX_BYTES = env.int("ROSTER_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Evidence attachments of achievement records: per file, and files per record.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=10)
# Days a unit's dossier zip is kept before the nightly job deletes it (it holds personal records).
DOSSIER_EXPORT_KEEP_DAYS = env.int("DOSSIER_EXPORT_KEEP_DAYS", default=7)

# --- Security ---------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles anywhere: every asset is a local static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API ----------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A domain error (core.errors.DomainError) raised by a service answers 400 with its field.
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "干部实绩考核评价系统 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enum names first (drf-spectacular's own hook), then the 400/403/404 answers of every operation.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.document_errors"],
    # Two models have a "role" field with different choices: name both enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "UnitRoleEnum": "cadres.models.UnitRole",
        "ParticipantRoleEnum": "achievements.models.ParticipantRole",
        # Several models have a "kind" or "state": the publicity ones get their own names.
        "GateCheckKindEnum": "publicity.models.GateCheckKind",
        "NoticeStateEnum": "publicity.models.NoticeState",
        "FeedbackStateEnum": "publicity.models.FeedbackState",
    },
}

# --- Third-party apps ----------------------------------------------------------------------

# Where django-ratelimit reads the client address: a META key, or a function. Behind the reverse
# proxy use publicity.client_address.client_ip (X-Forwarded-For, trusting AXES_PROXY_COUNT hops).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# A public feedback form sent back faster than this after it was served is refused as a bot.
PUBLICITY_FEEDBACK_MIN_SECONDS = env.int("PUBLICITY_FEEDBACK_MIN_SECONDS", default=3)

IMPORT_EXPORT_SKIP_ADMIN_LOG = True
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
FILTERS_NULL_CHOICE_LABEL = _("无")
AUDITLOG_INCLUDE_ALL_MODELS = False

# One JSON object per line in production (LOG_FORMAT=json, the default when DEBUG is off), for the
# log collector; plain lines in development and tests.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG or TESTING else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = logging_config(fmt=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# --- Operations ------------------------------------------------------------------------------
# /metrics (Prometheus) answers only these networks, or a request with "Authorization: Bearer METRICS_TOKEN".
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# `manage.py backup` (make backup) writes backup sets here and the ballot keys to BACKUP_KEYS_DIR,
# which must be somewhere else (another volume, another custodian: SECURITY.md).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(DATA_DIR / "backups")))
BACKUP_KEYS_DIR = env.str("BACKUP_KEYS_DIR", default="")

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
from kombu import Queue

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
    "mozilla_django_oidc",
    "knox",
    "core",
    "ops",
    "cadres",
    "messaging",
    "achievements",
    "evaluations",
    "publicity",
    "selection",
    "supervision",
    "integrations",
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
                # Replaces the built-in csrf processor's token with core.csrf's cheaper one.
                "core.csrf.context_processor",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Lets core.prepared.planned_once_cursor keep the few statements every page runs prepared per
    # connection (Django turns psycopg's prepared statements off; its ordinary cursors bind on the
    # client and are never prepared, whatever this number). Set DATABASE_PREPARED_STATEMENTS=false
    # behind a PgBouncer older than 1.21 (transaction mode without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000
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
# Several workers: each worker process reserves one message at a time (a message never waits behind
# a long job while another worker is idle), acknowledges it only when done, and gives it back if
# it dies (the OOM killer, a deploy): every task is safe to run twice (README, "Beyond one machine").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each test run has queues of its own (this prefix), so its workers never take another run's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"test-{TEST_RUN_ID}" if TESTING else "cadreperf")
# The queues, by role: a long batch export (pdf) or a flood of reminders (notifications) never waits
# in front of a computation (scoring). docker-compose.yml runs one worker service per queue; a
# worker started without -Q (development, tests, a small install) takes all four.
# (Names without the CELERY_ prefix are ours; Celery reads only its own settings.)
TASK_QUEUES = {
    "default": CELERY_TASK_DEFAULT_QUEUE,
    **{role: f"{CELERY_TASK_DEFAULT_QUEUE}.{role}" for role in ("scoring", "pdf", "notifications")},
}
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in TASK_QUEUES.values()]
CELERY_TIMEZONE = "Asia/Shanghai"
# Background work is recorded in the database first (ops/outbox.py); a request whose broker is down
# gives up publishing quickly and the relay sends the task when Redis returns.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# With acks_late on Redis a message taken but not acknowledged goes back to the queue after the
# visibility timeout, to whichever worker asks: it must be longer than the longest job (a whole
# unit's dossier export, the 50,000-cadre period opening: minutes), or a job still running would be
# started a second time elsewhere. Six hours by default.
BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=6 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
}
# A job running when the worker loses Redis goes on and finishes (its state is in the database);
# cancelling it would leave its message unacknowledged in Redis until the visibility timeout, hours.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The nightly backup goes to a queue of its own: in docker-compose.yml only the `backup` worker, which
# mounts the backup and key volumes, takes it. Unset, it runs on the default queue.
CELERY_BACKUP_QUEUE = env.str("CELERY_BACKUP_QUEUE", default=CELERY_TASK_DEFAULT_QUEUE)
# Every task of the project's apps, by queue role (tests/test_worker_queues.py checks none is missing).
TASK_QUEUE_ROLES = {
    # scoring: computations, period openings, the ballot and vote boxes.
    "evaluations.tasks.compute_period_task": "scoring",
    "evaluations.tasks.open_period_task": "scoring",
    "evaluations.tasks.recompute_provisional_periods": "scoring",
    "evaluations.tasks.sweep_ballot_boxes": "scoring",
    "selection.tasks.sweep_vote_boxes": "scoring",
    # pdf: the whole-unit dossier zips (a PDF per cadre).
    "achievements.tasks.build_unit_export": "pdf",
    # notifications: deliveries (email, SMS, 企业微信) and the daily reminders that create them.
    "messaging.tasks.send_deliveries": "notifications",
    "messaging.tasks.deliver": "notifications",
    "messaging.tasks.sweep_deliveries": "notifications",
    "achievements.tasks.send_log_reminders": "notifications",
    "evaluations.tasks.remind_pending_raters": "notifications",
    "selection.tasks.remind_reserve_reviews": "notifications",
    "selection.tasks.remind_probation_ends": "notifications",
    "supervision.tasks.remind_overdue_reports": "notifications",
    # default: roster imports, housekeeping, the outbox relay.
    "cadres.tasks.run_roster_import": "default",
    "achievements.tasks.file_due_self_assessments": "default",
    "achievements.tasks.purge_old_exports": "default",
    "achievements.tasks.fail_stale_exports": "default",
    "integrations.tasks.purge_token_uses": "default",
    "ops.tasks.relay_outbox": "default",
}
CELERY_TASK_ROUTES = {
    **{task: {"queue": TASK_QUEUES[role]} for task, role in TASK_QUEUE_ROLES.items()},
    "ops.tasks.nightly_backup": {"queue": CELERY_BACKUP_QUEUE},
}

# --- Auth -------------------------------------------------------------------------------

AUTH_USER_MODEL = "cadres.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cadres.signon.LocalBackend",
]

# Sign-on from outside (cadres/signon.py), each off unless configured. People are matched to cadres
# by 编号; such accounts never have a usable local password.
# Directory (LDAP/AD): on when LDAP_SERVER_URI is set; the password is typed into the login form.
LDAP_SERVER_URI = env.str("LDAP_SERVER_URI", default="")
# The directory attribute that holds the 编号 (e.g. employeeNumber); empty: the login name is the 编号.
LDAP_CADRE_CODE_ATTRIBUTE = env.str("LDAP_CADRE_CODE_ATTRIBUTE", default="")
if LDAP_SERVER_URI:
    import ldap
    from django_auth_ldap.config import LDAPSearch

    AUTHENTICATION_BACKENDS.append("cadres.signon.DirectoryBackend")
    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_BIND_DN = env.str("LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env.str("LDAP_BIND_PASSWORD", default="")
    AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
    # Active Directory: LDAP_USER_FILTER=(sAMAccountName=%(user)s)
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env.str("LDAP_USER_BASE", default=""),
        ldap.SCOPE_SUBTREE,  # type: ignore[attr-defined]
        env.str("LDAP_USER_FILTER", default="(uid=%(user)s)"),
    )
    AUTH_LDAP_CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: env.float("LDAP_TIMEOUT", default=5.0),  # type: ignore[attr-defined]
        ldap.OPT_REFERRALS: 0,  # type: ignore[attr-defined]
    }
    if env.str("LDAP_CA_FILE", default=""):
        AUTH_LDAP_GLOBAL_OPTIONS = {ldap.OPT_X_TLS_CACERTFILE: env.str("LDAP_CA_FILE")}  # type: ignore[attr-defined]
# Unified identity platform (统一身份认证) by OpenID Connect: on when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
# The claim (from the ID token or the userinfo endpoint) that holds the 编号.
OIDC_CADRE_CLAIM = env.str("OIDC_CADRE_CLAIM", default="preferred_username")
SIGNON_UNIFIED_LABEL = env.str("SIGNON_UNIFIED_LABEL", default="")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("cadres.signon.UnifiedIdentityBackend")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    # RS256 needs OIDC_OP_JWKS_ENDPOINT; HS256 signs with the client secret.
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
    OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
    OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0)
    OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?signon=failed"
# Local passwords: "all" accounts, or only the system "admin" (superusers). Default: admin-only once
# directory or unified sign-on is on, so cadres cannot keep a second, local password.
SIGNON_LOCAL_LOGIN = env.str("SIGNON_LOCAL_LOGIN", default="admin" if LDAP_SERVER_URI or OIDC_RP_CLIENT_ID else "all")
if SIGNON_LOCAL_LOGIN not in ("all", "admin"):
    raise ImproperlyConfigured("SIGNON_LOCAL_LOGIN must be all or admin.")
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
# Sessions are kept in the database (the record) and read through the cache: a signed-in request reads
# its session from Redis, not PostgreSQL. Logging out deletes both; with Redis down, reads fall back
# to the database (ops/cache.py turns the cache's faults into misses).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

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
# Several hosts share the uploads through S3-compatible object storage (MinIO, or a provider's
# S3 API): MEDIA_STORAGE=s3 and the S3_* settings. The bucket must be private: files are only ever
# streamed through the access-checked views, never linked to.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "filesystem":
    _media_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            # Keys under this prefix; MinIO and most on-premises stores want path-style addressing.
            "location": env.str("S3_PREFIX", default="media"),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # As on disk: a second file of the same name gets a new name, never replaces the first.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be filesystem or s3.")
STORAGES = {
    "default": _media_storage,
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
        # The HR export shows a unit's category on results too, and the reward/sanction kinds.
        "UnitCategoryEnum": "cadres.models.UnitCategory",
        "RecordKindEnum": "supervision.models.RecordKind",
    },
}

# Service accounts' API tokens (integrations/, django-rest-knox): "Authorization: Bearer cp_…",
# stored as SHA-512 digests; each token's life is chosen when it is issued (integrations/rules.py).
KNOX_TOKEN_MODEL = "integrations.ApiToken"  # noqa: S105  (a model name)
# knox's own migrations create its AuthToken table even when the model is swapped out; it is swapped
# for integrations.ApiToken, so knox gets no migrations and no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"AUTH_HEADER_PREFIX": "Bearer", "TOKEN_PREFIX": "cp_", "TOKEN_TTL": None, "AUTO_REFRESH": False}
# Days each audit row of a token's use is kept before the nightly purge.
API_TOKEN_USE_KEEP_DAYS = env.int("API_TOKEN_USE_KEEP_DAYS", default=365)

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
# A Celery worker's own task metrics (durations, failures) on this port (0: off); docker-compose sets it.
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDRESS = env.str("WORKER_METRICS_ADDRESS", default="0.0.0.0")  # noqa: S104  (inside the container)
# `manage.py backup` (make backup) writes backup sets here and the ballot keys to BACKUP_KEYS_DIR,
# which must be somewhere else (another volume, another custodian: SECURITY.md).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(DATA_DIR / "backups")))
BACKUP_KEYS_DIR = env.str("BACKUP_KEYS_DIR", default="")

# --- Notifications by email, SMS and 企业微信 (messaging app; off until configured) ---------------
# Email: Django's SMTP backend. Without EMAIL_HOST the email channel is off.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kaohe@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="【干部考核】")
# SMS through an HTTP gateway: POST SMS_GATEWAY_BODY (JSON; {mobile}, {text} and {sign} are filled
# in) to SMS_GATEWAY_URL with "Authorization: Bearer SMS_GATEWAY_TOKEN". A district with another
# protocol sets SMS_GATEWAY_CLASS to its own adapter (messaging.channels.SmsGateway).
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_BODY = env.str("SMS_GATEWAY_BODY", default='{"mobile": "{mobile}", "content": "{text}"}')
SMS_GATEWAY_OK_FIELD = env.str("SMS_GATEWAY_OK_FIELD", default="")
SMS_GATEWAY_OK_VALUE = env.str("SMS_GATEWAY_OK_VALUE", default="0")
SMS_GATEWAY_CLASS = env.str("SMS_GATEWAY_CLASS", default="messaging.channels.HttpSmsGateway")
SMS_SIGN = env.str("SMS_SIGN", default="干部考核")
SMS_TEXT_TEMPLATE = env.str("SMS_TEXT_TEMPLATE", default="【干部考核】{title} {url}")
# 企业微信 / 政务微信: WECOM_MODE=app (gettoken + message/send as the app WECOM_AGENT_ID; 政务微信
# is the same API on the province's own host: set WECOM_BASE_URL) or webhook (a group robot).
WECOM_MODE = env.str("WECOM_MODE", default="")
if WECOM_MODE not in ("", "app", "webhook"):
    raise ImproperlyConfigured("WECOM_MODE must be app, webhook or empty.")
WECOM_BASE_URL = env.str("WECOM_BASE_URL", default="https://qyapi.weixin.qq.com")
WECOM_CORP_ID = env.str("WECOM_CORP_ID", default="")
WECOM_SECRET = env.str("WECOM_SECRET", default="")
WECOM_AGENT_ID = env.str("WECOM_AGENT_ID", default="")
WECOM_WEBHOOK_URL = env.str("WECOM_WEBHOOK_URL", default="")
# With no 企业微信 account entered for a person, use their login (编号) when the directory uses it.
WECOM_USERID_FROM_USERNAME = env.bool("WECOM_USERID_FROM_USERNAME", default=False)
# Delivery: seconds per attempt, attempts in all, and the exponential backoff between them.
NOTIFY_HTTP_TIMEOUT = env.float("NOTIFY_HTTP_TIMEOUT", default=10.0)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=60.0)
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=3600.0)

"""Precinct settings: one module, every value from the environment, safe defaults for development.

Production (`PRECINCT_ENV=production`) refuses to start without SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL, and turns on secure cookies, HSTS and a content security policy.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRECINCT_ENV = env("PRECINCT_ENV", "development")
PRODUCTION = PRECINCT_ENV == "production"

if PRODUCTION:
    missing = [n for n in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env(n)]
    if missing:
        raise ImproperlyConfigured("PRECINCT_ENV=production needs these environment variables: " + ", ".join(missing))

# Development key only; production requires its own (checked above).
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "precinct.core",
    "precinct.audit",
    "precinct.organisation",
    "precinct.accounts",
    "precinct.notifications",
    "precinct.eservices",
    "precinct.payments",
    "precinct.portalsync",
    "precinct.tips",
    "precinct.results",
    "precinct.stats",
    "precinct.planning",
    "precinct.cameras",
    "precinct.incidents",
    "precinct.residence",
    "precinct.personnel",
]
# Development tooling (synthetic data: `generate_dossiers`, the demo's dossiers) is installed everywhere but in
# production, where PRECINCT_DEVDATA=1 brings it back (a load test on a production-like server). Last, so the
# demo's synthetic dossiers are seeded after the units and the catalogue they are spread over.
PRECINCT_DEVDATA = env_bool("PRECINCT_DEVDATA", not PRODUCTION)
if PRECINCT_DEVDATA:
    INSTALLED_APPS.append("precinct.devdata")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "precinct.core.serial.SerialInMemoryDatabaseMiddleware",  # only an in-memory SQLite (the test live server)
    "precinct.core.middleware.RequestIdMiddleware",
    "precinct.core.metrics.MetricsMiddleware",  # /metrics: requests by route and status, latency
    "django.contrib.sessions.middleware.SessionMiddleware",
    "precinct.core.middleware.LanguageMiddleware",
    "precinct.core.request_limits.RequestLimitsMiddleware",  # before anything reads the body (CSRF does)
    "precinct.core.input_guard.InputGuardMiddleware",  # NUL, lone surrogates, 64-bit JSON numbers: 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "precinct.accounts.middleware.SessionTimeoutMiddleware",  # officers: idle and absolute limits
    "precinct.accounts.middleware.SecondFactorMiddleware",  # no page until the second factor is passed
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "precinct.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "precinct" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "precinct.core.context_processors.site",
                "precinct.core.context_processors.replica_notice",
                "precinct.organisation.context_processors.site_unit",
                "precinct.tips.context_processors.tips_nav",
                "precinct.personnel.context_processors.personnel_nav",
                "precinct.notifications.context_processors.inbox_nav",
            ],
            # Dates and times in one format everywhere (ADR 0027): {{ d|as_date }}, {{ t|as_datetime }}.
            "builtins": ["precinct.core.templatetags.precinct_formats", "precinct.core.templatetags.precinct_forms"],
        },
    },
]

# SQLite by default (no service needed); PostgreSQL through DATABASE_URL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'precinct.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A health check costs one round trip (SELECT 1) at the start of every request that reuses a
        # connection; off by default (Django's default): a connection the database dropped fails one
        # request and is replaced. Turn it on where something between kills idle connections.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", False):
    # Parameters travel apart from the SQL, and psycopg prepares statements it sees repeatedly, so
    # PostgreSQL parses and plans the hot path's statements once per connection instead of every time.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker share the file without locking each other out.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica for dashboards, reports, public figures and exports (precinct/core/replica.py, ADR 0031):
# only code inside `reads_from_replica()` reads from it, and not when it is down or more than
# DATABASE_REPLICA_MAX_LAG seconds behind (checked at most every DATABASE_REPLICA_CHECK_SECONDS per process).
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=int(env("DB_CONN_MAX_AGE", "60"))
    )
    # A replica that does not answer costs a page this long before it falls back to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        env("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["precinct.core.replica.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG = float(env("DATABASE_REPLICA_MAX_LAG", "10"))
DATABASE_REPLICA_CHECK_SECONDS = float(env("DATABASE_REPLICA_CHECK_SECONDS", "5"))

# A shared cache matters for rate limits across processes: Redis when REDIS_URL is set,
# otherwise the database (works with SQLite and several processes, no extra service).
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "precinct_cache",
        }
    }

# /metrics answers only clients in these networks (the operator's Prometheus); 403 elsewhere.
PRECINCT_METRICS_NETWORKS = env_list("PRECINCT_METRICS_NETWORKS", "127.0.0.0/8,::1/128")

# Background tasks (ADR 0029). The database queue (django-tasks-db, `manage.py db_worker`) is the default and
# needs no other service; production sets TASKS_BACKEND=celery (or the backend's dotted path) and
# TASKS_BROKER_URL, and runs `celery -A config worker` instead. Task code is the same on both.
TASKS_BACKEND = {"db": "django_tasks_db.DatabaseBackend", "celery": "config.celery_backend.CeleryBackend"}.get(
    env("TASKS_BACKEND", "db"), env("TASKS_BACKEND")
)
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
        "QUEUES": ["default"],
        **({"OPTIONS": {"CELERY_APP": "config.celery.app"}} if "celery" in TASKS_BACKEND.lower() else {}),
    }
}
# Celery (config/celery.py reads every CELERY_* setting). A message is acknowledged only after its task ran
# (acks_late), and a worker killed mid-task hands it back (reject_on_worker_lost; RabbitMQ redelivers what an
# unacknowledged connection held): a killed worker loses nothing, so tasks must be idempotent (ours use keys).
CELERY_BROKER_URL = env("TASKS_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True  # a task that raised is done (our tasks retry from their rows)
CELERY_WORKER_PREFETCH_MULTIPLIER = int(env("TASKS_PREFETCH", "16"))
CELERY_TASK_IGNORE_RESULT = True  # nothing reads task results back; the rows tasks write are the record
CELERY_RESULT_BACKEND = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING (JSON lines with the request id) in workers
CELERY_TASK_DEFAULT_QUEUE = env("TASKS_QUEUE", "precinct")

# A django-tasks-db task "running" longer than this is taken to be stranded by a dead worker and queued again
# (precinct/core/taskqueue.py); after TASKS_MAX_CLAIMS workers died on it, it is marked failed.
TASKS_STUCK_AFTER_SECONDS = int(env("TASKS_STUCK_AFTER_SECONDS", "900"))
TASKS_MAX_CLAIMS = int(env("TASKS_MAX_CLAIMS", "3"))
# Periodic jobs (`manage.py scheduler`, docs/adr/0024-scheduler.md): {"<job>": seconds} overrides a job's
# period, 0 switches it off; `manage.py scheduler --list` shows the jobs.
PRECINCT_SCHEDULE = json.loads(env("PRECINCT_SCHEDULE", "{}"))

# How long an Idempotency-Key (dossier submission, payment start, hotels' stays) is remembered
# (precinct/core/idempotency.py).
IDEMPOTENCY_KEY_TTL_SECONDS = int(env("IDEMPOTENCY_KEY_TTL_SECONDS", str(24 * 3600)))

# Dossier statistics: changes are folded into the summary tables this many seconds after they happen.
STATS_FOLD_SECONDS = int(env("STATS_FOLD_SECONDS", "10"))

# Messages queued with notify_later() are composed and sent by the worker within about this many seconds.
NOTIFY_LATER_SECONDS = float(env("NOTIFY_LATER_SECONDS", "1"))
# How long a message's key is remembered so that it is not sent twice (notifications.retention, ADR 0047).
NOTIFICATION_KEYS_KEEP_DAYS = int(env("NOTIFICATION_KEYS_KEEP_DAYS", "400"))
# Residence: the stays worker is queued at most once per this many seconds per process (0: after every batch).
RESIDENCE_STAYS_SECONDS = float(env("RESIDENCE_STAYS_SECONDS", "1"))

# API lists come a page at a time.
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["precinct.accounts.backends.AccountBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Database sessions that refuse keys Django never makes (a NUL in the cookie reached PostgreSQL).
SESSION_ENGINE = "precinct.core.sessions"

# Login guessing (precinct/accounts/throttle.py, ADR 0026): progressive delays, no lock-out. Per account, the
# first LOGIN_MAX_FAILURES attempts within the window go through at once; after that each attempt must wait
# LOGIN_DELAY_BASE_SECONDS, then twice that, ... up to LOGIN_DELAY_MAX_SECONDS. Per client address (keyed
# with an HMAC, never stored) the same from LOGIN_ADDRESS_MAX_FAILURES, capped lower, so a station behind one
# NAT is slowed, never shut out. Counters forget after LOGIN_FAILURE_WINDOW_SECONDS without an attempt.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_ADDRESS_MAX_FAILURES = int(env("LOGIN_ADDRESS_MAX_FAILURES", "50"))
LOGIN_DELAY_BASE_SECONDS = float(env("LOGIN_DELAY_BASE_SECONDS", "1"))
LOGIN_DELAY_MAX_SECONDS = float(env("LOGIN_DELAY_MAX_SECONDS", "300"))
LOGIN_ADDRESS_DELAY_MAX_SECONDS = float(env("LOGIN_ADDRESS_DELAY_MAX_SECONDS", "30"))
LOGIN_FAILURE_WINDOW_SECONDS = int(env("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# A password-reset link works once, for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", "3600"))
# Password-reset requests and registrations per client address within the window before delays start.
PASSWORD_RESET_MAX_PER_WINDOW = int(env("PASSWORD_RESET_MAX_PER_WINDOW", "5"))
REGISTER_MAX_PER_WINDOW = int(env("REGISTER_MAX_PER_WINDOW", "10"))
# Officers' sessions end after this long without a request, and this long after sign-in whatever happens;
# citizens keep SESSION_COOKIE_AGE (Django's two weeks). Checked on every request (accounts/middleware.py).
OFFICER_SESSION_IDLE_SECONDS = int(env("OFFICER_SESSION_IDLE_SECONDS", str(30 * 60)))
OFFICER_SESSION_MAX_SECONDS = int(env("OFFICER_SESSION_MAX_SECONDS", str(12 * 3600)))
# Second factor (accounts/second_factor.py): the name authenticator apps show; django-otp's own per-device
# throttle is off, guesses are throttled with the passwords' progressive delays instead.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Precinct")
OTP_TOTP_THROTTLE_FACTOR = 0
# Citizens' sign-in through OpenID Connect (VNeID or a similar provider; accounts/oidc.py, ADR 0026). Empty
# OIDC_DISCOVERY_URL hides the button. The personal identification number is read from OIDC_PERSONAL_ID_CLAIM.
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL")  # https://provider/.well-known/openid-configuration
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_SCOPE = env("OIDC_SCOPE", "openid profile")
OIDC_PERSONAL_ID_CLAIM = env("OIDC_PERSONAL_ID_CLAIM", "personal_id")
OIDC_NAME_CLAIM = env("OIDC_NAME_CLAIM", "name")
OIDC_TIMEOUT_SECONDS = float(env("OIDC_TIMEOUT_SECONDS", "10"))
# How many reverse proxies stand in front of the app (each appends to X-Forwarded-For); 0 = none.
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
API_TOKEN_TTL_SECONDS = int(env("API_TOKEN_TTL_SECONDS", str(8 * 3600)))
# How long a process may reuse a token look-up (0 turns the memo off).
API_TOKEN_MEMO_SECONDS = float(env("API_TOKEN_MEMO_SECONDS", "10"))

# Vietnamese first, English one click away.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
STATICFILES_DIRS = [("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
WHITENOISE_USE_FINDERS = DEBUG

# Django's own content security policy; no inline scripts, assets only from this origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Django 6.1's MAILERS: console in development; set EMAIL_BACKEND (and EMAIL_OPTIONS-style settings
# in a later issue) for real delivery.
MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "precinct@localhost")

# Text messages: a dotted path to an SmsProvider (notifications/sms.py); the console one prints them.
PRECINCT_SMS_PROVIDER = env("PRECINCT_SMS_PROVIDER", "precinct.notifications.sms.ConsoleSmsProvider")

# The address citizens reach this installation at (printed in receipts and QR codes).
PRECINCT_PUBLIC_URL = env("PRECINCT_PUBLIC_URL", "http://127.0.0.1:8000")
# Planning (issue 17): the lead unit is told this many days before a task's due date (the reminder sweep).
PLANNING_REMIND_DAYS = int(env("PLANNING_REMIND_DAYS", "7"))

# Online fees (precinct.payments, docs/adr/0012): "sandbox" (a local payment page; the default outside
# production) or "vnpay" (VNPay's protocol; TMN code, hash secret and URLs from the environment).
PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", "vnpay" if PRODUCTION else "sandbox")
PAYMENTS_SANDBOX_ENABLED = env_bool("PAYMENTS_SANDBOX_ENABLED", not PRODUCTION)
PAYMENTS_SANDBOX_SECRET = env("PAYMENTS_SANDBOX_SECRET")  # empty: derived from SECRET_KEY
VNPAY_TMN_CODE = env("VNPAY_TMN_CODE")
VNPAY_HASH_SECRET = env("VNPAY_HASH_SECRET")
VNPAY_PAY_URL = env("VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
VNPAY_API_URL = env("VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction")
if PAYMENTS_PROVIDER == "vnpay":  # the "Pay" form's redirect leads to VNPay's page
    SECURE_CSP["form-action"] = [CSP.SELF, "/".join(VNPAY_PAY_URL.split("/")[:3])]

# The province this installation serves (its code in the national list of administrative units).
PRECINCT_PROVINCE_CODE = int(env("PRECINCT_PROVINCE_CODE", "22"))

# National public-service portal sync (precinct.portalsync, docs/adr/0013). An empty URL
# turns delivery off: events wait in the outbox and go out once a URL is set.
PORTAL_SYNC_URL = env("PORTAL_SYNC_URL")
PORTAL_SYNC_TOKEN = env("PORTAL_SYNC_TOKEN")
PORTAL_SYNC_TIMEOUT = float(env("PORTAL_SYNC_TIMEOUT", "10"))
PORTAL_SYNC_MAX_ATTEMPTS = int(env("PORTAL_SYNC_MAX_ATTEMPTS", "15"))  # ~9 h of outage before a dead letter
PORTAL_SYNC_BACKOFF_SECONDS = float(env("PORTAL_SYNC_BACKOFF_SECONDS", "30"))
PORTAL_SYNC_BACKOFF_MAX_SECONDS = float(env("PORTAL_SYNC_BACKOFF_MAX_SECONDS", "3600"))
PORTAL_SYNC_BATCH = int(env("PORTAL_SYNC_BATCH", "20"))
PORTAL_SYNC_STATUS_CODES = env("PORTAL_SYNC_STATUS_CODES")  # JSON: dossier status -> portal code (overrides)

# Cameras (precinct.cameras, docs/adr/0017). MQTT_URL empty: no listener; recorders post to the webhook.
MQTT_URL = env("MQTT_URL")  # mqtt://user:password@host:1883
CAMERAS_MQTT_CLIENT_ID = env("CAMERAS_MQTT_CLIENT_ID", "precinct-cameras")  # fixed: a persistent session
CAMERAS_OFFLINE_GRACE_SECONDS = int(env("CAMERAS_OFFLINE_GRACE_SECONDS", "120"))  # shorter blips raise nothing
CAMERAS_SILENCE_SECONDS = int(env("CAMERAS_SILENCE_SECONDS", "0"))  # silent this long = offline (0: never)
# Alerts' evidence and escalation (docs/adr/0037): snapshots fetched from the recorder with a timeout and a size
# limit, kept this many days (or the consent's retention if shorter) unless an incident or crime report needs them.
CAMERAS_SNAPSHOT_TIMEOUT_SECONDS = float(env("CAMERAS_SNAPSHOT_TIMEOUT_SECONDS", "5"))
CAMERAS_SNAPSHOT_MAX_BYTES = int(env("CAMERAS_SNAPSHOT_MAX_BYTES", str(5 * 1024 * 1024)))
CAMERAS_SNAPSHOT_RETENTION_DAYS = int(env("CAMERAS_SNAPSHOT_RETENTION_DAYS", "30"))
CAMERAS_ACK_MINUTES = int(env("CAMERAS_ACK_MINUTES", "5"))  # not acknowledged by then: the ward's leader is told
# Camera events partitioned by month on PostgreSQL (docs/adr/0044): months older than this are archived and
# dropped by the daily `cameras.retention` job (refused while an alert is open; incidents' events are kept). The
# inbox of raw recorder messages loses processed rows after DONE days and refused ones after REFUSED days.
CAMERAS_EVENT_RETENTION_MONTHS = int(env("CAMERAS_EVENT_RETENTION_MONTHS", "6"))
CAMERAS_INBOX_DONE_DAYS = int(env("CAMERAS_INBOX_DONE_DAYS", "2"))
CAMERAS_INBOX_REFUSED_DAYS = int(env("CAMERAS_INBOX_REFUSED_DAYS", "30"))

# The duty console's live stream and the cameras' map (docs/adr/0036). A stream polls one indexed aggregate every
# POLL seconds, sends a comment every HEARTBEAT seconds, and ends after SECONDS (the browser reconnects).
CAMERAS_STREAM_POLL_SECONDS = float(env("CAMERAS_STREAM_POLL_SECONDS", "0.25"))
CAMERAS_STREAM_HEARTBEAT_SECONDS = float(env("CAMERAS_STREAM_HEARTBEAT_SECONDS", "15"))
CAMERAS_STREAM_SECONDS = float(env("CAMERAS_STREAM_SECONDS", "60"))
# The map's base layer: an XYZ tile URL template (https://tiles.example/{z}/{x}/{y}.png; its origin joins the
# CSP's img-src). Empty: the cameras on a plain background (nothing leaves the station's network).
CAMERAS_MAP_TILE_URL = env("CAMERAS_MAP_TILE_URL")
CAMERAS_MAP_TILE_ATTRIBUTION = env("CAMERAS_MAP_TILE_ATTRIBUTION")
# Or a local raster PMTiles file (one file of tiles, read by the browser in byte ranges through
# /cameras/map/base.pmtiles; nothing leaves the station's network). It wins over the tile URL when both are set.
CAMERAS_MAP_PMTILES = env("CAMERAS_MAP_PMTILES")
STATICFILES_DIRS += [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/pmtiles", BASE_DIR / "node_modules" / "pmtiles" / "dist"),
]
# The PMTiles layer hands each decoded tile to an <img> as a blob: URL made by the page's own script.
SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], "blob:"]  # type: ignore[misc]
if CAMERAS_MAP_TILE_URL:
    if not CAMERAS_MAP_TILE_URL.startswith(("https://", "http://")) or "{z}" not in CAMERAS_MAP_TILE_URL:
        raise ImproperlyConfigured("CAMERAS_MAP_TILE_URL must be an http(s) URL template with {z}, {x} and {y}")
    _scheme, _, _host = CAMERAS_MAP_TILE_URL.split("/")[:3]
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_scheme}//{_host.replace('{s}', '*')}"]  # type: ignore[misc]

# Signed results (precinct.results, docs/adr/0011): unit keys live in files under this directory, never in
# the database; their passphrase comes from the environment (PRECINCT_SIGNING_PASSPHRASE, or
# PRECINCT_SIGNING_PASSPHRASE_<UNIT CODE> for one unit). Trust roots: these PEM files, else <dir>/trust/*.pem.
PRECINCT_SIGNING_DIR = Path(env("PRECINCT_SIGNING_DIR", str(BASE_DIR / "var" / "signing")))
PRECINCT_SIGNING_PASSPHRASE = env("PRECINCT_SIGNING_PASSPHRASE", "" if PRODUCTION else "precinct-demo-signing")
PRECINCT_SIGNING_TRUST_ROOTS = env_list("PRECINCT_SIGNING_TRUST_ROOTS")

# Error reports (mail to ADMINS, logs) carry no request body, query string, cookies, headers beyond an
# allow-list, client address, frame locals or exception messages (precinct/core/error_reports.py,
# docs/SECURITY.md "Error reports"). Only 5xx answers are mailed: Django's security events (bad Host
# headers, oversized bodies), which anyone can cause at will, are logged, not mailed.
DEFAULT_EXCEPTION_REPORTER = "precinct.core.error_reports.SafeReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "precinct.core.error_reports.SafeReportFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "precinct.core.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "()": "precinct.core.error_reports.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "precinct.core.logs.JsonFormatter"},  # one object per line, for a log collector
    },
    "handlers": {
        # LOG_FORMAT=json: JSON lines; both carry the request id (core.logs).
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env("LOG_FORMAT", "plain") == "json" else "plain",
            "filters": ["request_id"],
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
            "include_html": False,
            "reporter_class": DEFAULT_EXCEPTION_REPORTER,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default handlers for "django" (its own mail handler with the default reporter).
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "fontTools": {"level": "WARNING"},  # font subsetting in PDFs is chatty at INFO
    },
}

# Request bodies (precinct/core/request_limits.py): form and JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE,
# multipart bodies with files up to PRECINCT_MAX_UPLOAD_BYTES (the crime report's 50 MB of files and its
# fields), JSON nested at most PRECINCT_MAX_JSON_DEPTH deep; larger answers 413, deeper 400, before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
PRECINCT_MAX_UPLOAD_BYTES = int(env("PRECINCT_MAX_UPLOAD_BYTES", str(51 * 1024 * 1024)))
PRECINCT_MAX_JSON_DEPTH = int(env("PRECINCT_MAX_JSON_DEPTH", "64"))

# The audit chain's head, signed with this installation's Ed25519 key (anchor.key, made on first use) and
# appended to anchors.jsonl here: outside the database, so removing the newest audit rows shows
# (docs/adr/0025-audit-protection.md). Back it up apart from the database.
PRECINCT_AUDIT_ANCHOR_DIR = Path(env("PRECINCT_AUDIT_ANCHOR_DIR", str(BASE_DIR / "var" / "audit")))

# Monthly partitions of the append-only tables on PostgreSQL (docs/adr/0030-partitioned-tables.md): created this
# many months ahead by the daily job core.partitions_ahead; old months detached by `partitions_archive` into
# compressed files and manifests here (the audit log's carry the chain's head). Back it up like the anchors.
PRECINCT_PARTITION_MONTHS_AHEAD = int(env("PRECINCT_PARTITION_MONTHS_AHEAD", "3"))
PRECINCT_PARTITION_ARCHIVE_DIR = Path(env("PRECINCT_PARTITION_ARCHIVE_DIR", str(BASE_DIR / "var" / "archive")))

# Crime reports (precinct.tips). Unit private keys live in this directory, never in the database:
# back it up separately from the database (docs/SECURITY.md). Argon2id at or above OWASP's minimum.
PRECINCT_TIPS_KEY_DIR = Path(env("PRECINCT_TIPS_KEY_DIR", str(BASE_DIR / "var" / "keys" / "tips")))
PRECINCT_TIPS_ARGON2 = {
    "memory_cost": int(env("PRECINCT_TIPS_ARGON2_MEMORY_KIB", "19456")),
    "time_cost": int(env("PRECINCT_TIPS_ARGON2_TIME_COST", "2")),
    "parallelism": 1,
}
PRECINCT_TIPS_POW_DIFFICULTY = int(env("PRECINCT_TIPS_POW_DIFFICULTY", "18"))
PRECINCT_TIPS_GLOBAL_PER_MINUTE = int(env("PRECINCT_TIPS_GLOBAL_PER_MINUTE", "3000"))
PRECINCT_TIPS_ALERT_PER_MINUTE = int(env("PRECINCT_TIPS_ALERT_PER_MINUTE", "300"))
PRECINCT_TIPS_RECEIPT_FAILURES = int(env("PRECINCT_TIPS_RECEIPT_FAILURES", "200"))
PRECINCT_TIPS_WRONG_RECEIPT_DELAY = float(env("PRECINCT_TIPS_WRONG_RECEIPT_DELAY", "1.0"))
PRECINCT_TIPS_RETENTION_DAYS = int(env("PRECINCT_TIPS_RETENTION_DAYS", "730"))
ADMINS = env_list("ADMINS")  # e-mail addresses told about bursts on the reporting portal (and errors)

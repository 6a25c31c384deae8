"""rolescope settings: one module, configured entirely from environment variables.

Every variable is documented in `.env.example`.
"""

import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from lib.env import env_bool, env_int, env_list, env_secret, env_str
from lib.redis_cache import redis_cache

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    # Development only: a fresh key per process, so nothing secret is ever written to the repo.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address people use, `https://rolescope.example.org` (scheme and host, no path): canonical and share links,
# emails and the API's page links are built from it, never from the Host a client sent (lib/site.py). Empty: from
# the request's host, normalised (lower case, no trailing dot, no default port); `check --deploy` warns.
SITE_URL = env_str("SITE_URL").strip().rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL must be a scheme and host, like https://rolescope.example.org: {SITE_URL!r}")
SITE_URL = SITE_URL.lower()
# Former SECRET_KEYs, comma-separated, newest first: what they signed (sessions, password-reset and sign-up links)
# is still accepted while everything new is signed with SECRET_KEY, so a key is rotated without signing everyone
# out. Drop a former key once sessions it signed have expired (SESSION_COOKIE_AGE, two weeks).
# SECRET_KEY_FALLBACKS_FILE may name a file holding them, like SECRET_KEY_FILE.
SECRET_KEY_FALLBACKS = [key.strip() for key in env_secret("SECRET_KEY_FALLBACKS").split(",") if key.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sources",
    "occupations",
    "wages",
    "geo",
    "market",
    "roles",
    "accounts",
    "jobs",
    "ops",
    "ninja",
    "django_q",
]

MIDDLEWARE = [
    "lib.request_id.RequestIdMiddleware",  # first: everything after it (logs, problems, errors) knows the request
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # every request's count and latency (django_http_*)
    "ops.metrics.RequestMetricsMiddleware",  # the access log, queries by route, 429s; /metrics, like the probes below
    "ops.probes.ProbeMiddleware",  # /healthz and /readyz, before the Host check and the HTTPS redirect
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "lib.outage.DatabaseUnavailableMiddleware",  # a database outage on a page: 503 with Retry-After, not 500
    "lib.http.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "lib.api_http.ApiHttpMiddleware",
    "ops.metrics.PrometheusAfterMiddleware",  # last: django-prometheus's counts by view, method and status
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site_urls",
                "config.context_processors.version",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL (e.g. postgres://user@host:5432/name) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_secret("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while an import writes; the import itself is one transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A worker keeps its connection between requests (DATABASE_CONN_MAX_AGE, as on PostgreSQL): opening one and
    # setting it up costs a request about a millisecond. Each transaction still reads the newest commit, and a
    # restore copies into the same file (ops/backup.py), so a kept connection never reads stale data.
# django-prometheus's backends are Django's own, counting queries and connections for /metrics (django_db_*).
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends.", 1
)
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
# The database password apart from the URL, so it can be a file (DATABASE_PASSWORD_FILE: compose's db_password secret).
if env_secret("DATABASE_PASSWORD"):
    DATABASES["default"]["PASSWORD"] = env_secret("DATABASE_PASSWORD")
# Connections the database server accepts (PostgreSQL's max_connections) and the app servers sharing it: gunicorn
# sizes its workers from them (ops/capacity.py, docs/operations.md, Database connections) and warns at start when
# the total could exceed it.
DATABASE_MAX_CONNECTIONS = env_int("DATABASE_MAX_CONNECTIONS", 100)
APP_REPLICAS = env_int("APP_REPLICAS", 1)

REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    # django-redis, failing open when Redis is away (lib/redis_cache.py): a Redis outage is never an outage.
    CACHES = {"default": redis_cache(REDIS_URL, key_prefix=env_str("CACHE_KEY_PREFIX", "rolescope"))}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# English only: nothing is translated, so Django's translation machinery (asked for the language by every number
# a template formats) stays off.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the app servers. In production `collectstatic` (run when the image is built,
# or by the entrypoint) writes each file once under a content-hashed name, gzip- and Brotli-compressed, so it can be
# cached for a year; a file missing from the manifest falls back to its plain name instead of failing the page.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MANIFEST_STRICT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security. HTTPS is the one TLS switch (docs/operations.md, TLS): on, the site is served over TLS only (a redirect
# from plain HTTP, `Secure` session and CSRF cookies, HSTS) all together; off, all three are off, so sign-in works on
# plain HTTP (compose's default, http://localhost:8080). Unset: on unless DEBUG. SECURE_SSL_REDIRECT and
# SECURE_HSTS_SECONDS can still override their part.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only this site's own scripts, styles, fonts and images; no inline script anywhere, so an injected one cannot run
# (django-csp sends it on every answer).
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
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No camera, microphone, location... (django-permissions-policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# REST API limits (requests a minute), per address for anonymous calls and per key otherwise.
API_ANON_RATE_PER_MINUTE = env_int("API_ANON_RATE_PER_MINUTE", 60)
API_KEY_RATE_PER_MINUTE = env_int("API_KEY_RATE_PER_MINUTE", 1200)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the socket address).
API_TRUSTED_PROXIES = env_int("API_TRUSTED_PROXIES", 0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies older hashes, upgraded on next sign-in
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
]
# Job listings: a posting's default lifetime, and how many active postings AND open-to-work candidates a role
# needs in an area before its market figures use rolescope's own counts instead of the public estimates.
POSTING_LIFETIME_DAYS = env_int("POSTING_LIFETIME_DAYS", 30)
PLATFORM_MARKET_MINIMUM = env_int("PLATFORM_MARKET_MINIMUM", 20)
# Employers' job boards (jobs.boards): how long to wait for one, and the USAJOBS Search API's key and the user agent
# (the email address registered with the key) it requires.
BOARD_TIMEOUT_SECONDS = env_int("BOARD_TIMEOUT_SECONDS", 30)
BOARD_RETRIES = env_int("BOARD_RETRIES", 3)
USAJOBS_API_KEY = env_secret("USAJOBS_API_KEY")
USAJOBS_USER_AGENT = env_str("USAJOBS_USER_AGENT")
# manage.py fetch_data (ops.fetch): the User-Agent sent to the publishers (BLS refuses clients without a name and a
# contact email), seconds to wait for an answer, retries (with backoff) after a failed request, where downloads and
# their provenance are kept, and a mirror to read them from instead (BASE/host/path; the tests' server).
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT")
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 60)
FETCH_RETRIES = env_int("FETCH_RETRIES", 4)
FETCH_DIR = Path(env_str("FETCH_DIR") or BASE_DIR / "var" / "fetch")
FETCH_BASE_URL = env_str("FETCH_BASE_URL")
# Webhooks (jobs.webhooks): how long to wait for an organisation's endpoint, how many times a delivery is tried
# (waiting WEBHOOK_BACKOFF_SECONDS, then twice as long after each failure), and whether an endpoint may be a private,
# loopback or link-local address (never in production: it would let an organisation probe the servers' network).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# Sign-in, password reset and API key throttles (accounts.throttle): failed sign-ins per account and per address
# in 15 minutes, reset requests per address and per email in 15 minutes, wrong API keys per address a minute.
SIGNIN_ATTEMPTS_PER_15_MINUTES = env_int("SIGNIN_ATTEMPTS_PER_15_MINUTES", 10)
SIGNIN_ADDRESS_ATTEMPTS_PER_15_MINUTES = env_int("SIGNIN_ADDRESS_ATTEMPTS_PER_15_MINUTES", 100)
RESETS_PER_15_MINUTES = env_int("RESETS_PER_15_MINUTES", 5)
# Sign-up attempts per address in 15 minutes (each hashes a password, so each costs about 0.2 s of a worker).
SIGNUPS_PER_15_MINUTES = env_int("SIGNUPS_PER_15_MINUTES", 10)
INVALID_KEYS_PER_MINUTE = env_int("INVALID_KEYS_PER_MINUTE", 20)
# Public pages that do work on each request (figure downloads, autocomplete): requests per address a minute.
PAGE_WORK_RATE_PER_MINUTE = env_int("PAGE_WORK_RATE_PER_MINUTE", 240)
# Seconds nginx in front keeps an anonymous page (lib.http.cached_page sends it as X-Accel-Expires): a new data
# release or platform version shows through nginx within this.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 5)
# Password-reset mail: printed to the console unless EMAIL_HOST is set (then SMTP).
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rolescope <noreply@localhost>")

# An organisation's public page is the job board's (accounts knows no app above it).
ABSOLUTE_URL_OVERRIDES = {
    "accounts.organisation": lambda organisation: reverse("jobs:employer", kwargs={"slug": organisation.slug})
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "roles:home"

# Seconds an import waits for another one to finish before stopping with a message (sources.locks).
IMPORT_LOCK_WAIT_SECONDS = env_int("IMPORT_LOCK_WAIT_SECONDS", 900)

# Where `import_all` and the snapshot builder find the full public data sets by default.
ROLESCOPE_DATA_DIR = Path(env_str("ROLESCOPE_DATA_DIR") or BASE_DIR.parent / "shared" / "data")  # empty: the default
ROLESCOPE_SNAPSHOT_DIR = BASE_DIR / "data" / "snapshot"
# Where the whole-release downloads (wages.downloads: one gzipped CSV per OEWS release and data version) are written
# and served from; every app server must see the same directory (or write its own copy on first request).
ROLESCOPE_DOWNLOAD_DIR = Path(env_str("ROLESCOPE_DOWNLOAD_DIR") or BASE_DIR / "var" / "downloads")

# --- Observability: logs, request ids, metrics, error reports (lib/request_id.py, ops/metrics.py) ---
# Logs go to stderr: one JSON object a line in production, readable lines in development; both carry the request id
# (X-Request-ID, also in every problem document). `rolescope.request` writes one line a request.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a level; use DEBUG, INFO, WARNING, ERROR or CRITICAL.")
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not a log format; use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lib.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's loggers write through the handler above only (not also through Django's default one); their
        # DEBUG lines (every SQL statement, every template lookup) stay off even at LOG_LEVEL=DEBUG.
        "django": {"handlers": [], "level": "INFO" if LOG_LEVEL == "DEBUG" else LOG_LEVEL},
        # runserver's own line for every request repeats rolescope.request's; its warnings and errors remain.
        "django.server": {"handlers": [], "level": "WARNING"},
    },
}
# /metrics (Prometheus) answers to these networks (CIDRs; the address is the one lib.http.client_ip trusts), or to
# `Authorization: Bearer <METRICS_TOKEN>` (empty: no token). PROMETHEUS_MULTIPROC_DIR (read by prometheus-client
# itself) sums the counts of a server's worker processes: docs/operations.md.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env_secret("METRICS_TOKEN")
# Error reports to Sentry when SENTRY_DSN is set; without it nothing is initialised and nothing is sent. No personal
# data (no addresses, cookies, users or request bodies); performance traces only when SENTRY_TRACES_SAMPLE_RATE > 0.
SENTRY_DSN = env_secret("SENTRY_DSN")
try:
    SENTRY_TRACES_SAMPLE_RATE = float(env_str("SENTRY_TRACES_SAMPLE_RATE").strip() or 0)
except ValueError:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE is not a number; use 0 (off) to 1 (every request).") from None
if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be from 0 (off) to 1 (every request).")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from lib.request_id import tag_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",  # bodies carry candidates' profiles and employers' postings
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        release=env_str("ROLESCOPE_RELEASE") or None,
        environment=env_str("SENTRY_ENVIRONMENT") or None,
        before_send=tag_event,
        before_send_transaction=tag_event,
    )
# The git commit an image was built from (Dockerfile's ROLESCOPE_COMMIT build argument): backup manifests record it
# when the code runs without a .git folder.
ROLESCOPE_COMMIT = env_str("ROLESCOPE_COMMIT")
# --- end observability ---

# --- Background and scheduled work (django-q2; jobs/tasks.py, ops/schedules.py, docs/operations.md) ---
# A worker is `manage.py qcluster` (it also runs the schedules `manage.py setup_schedules` writes). Tasks wait in a
# database table (the ORM broker: no other service, and a task is committed with the write that queued it), or in
# a durable Redis when TASK_BROKER_URL is set. Every task is safe to run twice: a task whose worker died is run again.
TASK_WORKERS = env_int("TASK_WORKERS", 2)  # processes per worker; each runs one task at a time
# A task still running after this long is stopped (a 2,000-row feed takes about 10 s). A task that failed, or whose
# worker died, is run again TASK_RETRY_SECONDS after it was taken (more than the timeout, or a slow task would run
# twice at once), at most TASK_MAX_ATTEMPTS times in all.
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 600)
TASK_RETRY_SECONDS = TASK_TIMEOUT_SECONDS + 60
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)
# Feeds sent to POST /api/v1/jobs/import (jobs.services.feed_imports): imports an organisation may have waiting
# (queued or running) at once, and the bytes of feeds they may hold together; past either the answer is 429.
FEED_IMPORTS_WAITING_PER_ORGANISATION = env_int("FEED_IMPORTS_WAITING_PER_ORGANISATION", 5)
FEED_IMPORT_BYTES_PER_ORGANISATION = env_int("FEED_IMPORT_BYTES_PER_ORGANISATION", 20_000_000)
if TASK_WORKERS < 1 or TASK_TIMEOUT_SECONDS < 1 or TASK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("TASK_WORKERS, TASK_TIMEOUT_SECONDS and TASK_MAX_ATTEMPTS must be at least 1.")
TASK_BROKER_URL = env_secret("TASK_BROKER_URL")
# The queue's name, per deployment (several sites sharing one database or broker never take each other's tasks).
TASK_QUEUE_NAME = env_str("TASK_QUEUE_NAME") or env_str("CACHE_KEY_PREFIX", "rolescope")
Q_CLUSTER = {
    "name": TASK_QUEUE_NAME,
    "workers": TASK_WORKERS,
    "timeout": TASK_TIMEOUT_SECONDS,
    "retry": TASK_RETRY_SECONDS,
    "max_attempts": TASK_MAX_ATTEMPTS,
    # A failed task stays queued and is retried (after `retry` seconds, up to max_attempts): failures here are
    # passing ones (a lost connection, a locked database), and every task is idempotent.
    "ack_failures": False,
    # A daily job missed while no worker ran runs once when one starts, not once per missed day.
    "catch_up": False,
    "save_limit": 1000,  # successful results kept for the admin (failures are always kept)
    "recycle": 200,  # tasks a worker process runs before it is replaced (returns memory a large feed took)
    "poll": 0.5,  # seconds between looks at an empty database queue
    "label": "Background tasks",
    # The broker: the database (a task is committed with the write that queued it, and stays until it is done)
    # unless TASK_BROKER_URL names a durable Redis (appendonly, maxmemory-policy noeviction). Never the cache's Redis:
    # it evicts keys and keeps nothing on restart, and django-q2 takes a task from Redis without acknowledgement.
    **({"redis": TASK_BROKER_URL} if TASK_BROKER_URL else {"orm": "default"}),
}
# The worker's heartbeat (ops.tasks.worker_heartbeat, every minute): the worker container's healthcheck
# (`deploy/entrypoint worker-alive`) fails when the file is older than WORKER_HEARTBEAT_MAX_AGE seconds (entrypoint).
WORKER_HEARTBEAT_FILE = env_str("WORKER_HEARTBEAT_FILE", "/tmp/rolescope-worker-heartbeat")  # noqa: S108
# The nightly backup (ops.tasks.backup_nightly at 02:30 UTC) writes here and keeps the newest BACKUP_KEEP; unset: none.
BACKUP_DIR = env_str("BACKUP_DIR")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
# --- end background work ---

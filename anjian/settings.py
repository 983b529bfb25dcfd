"""Settings for anjian. Everything comes from environment variables with safe defaults.

The defaults run the demo on SQLite in ./var/; production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL (see docs/deployment.md).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ANJIAN_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key only serves local demo runs; `check --deploy` flags it, so production must set one.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-anjian-demo-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves its Swagger UI files locally (no CDN on government intranets)
    "django_tasks",
    "django_tasks_db",
    "anjian.core",
    "anjian.jobs",
    "anjian.workdays",
    "anjian.org",
    "anjian.notifications",
    "anjian.registry",
    "anjian.hazards",
    "anjian.checklists",
    "anjian.inspections",
    "anjian.plans",
    "anjian.risks",
    "anjian.accidents",
    "anjian.ranking",
    "anjian.demo",
    "anjian.web",
    "anjian.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anjian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "anjian.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "anjian.urls"
WSGI_APPLICATION = "anjian.wsgi.application"

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
                "anjian.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'anjian.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a long import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
# Lock a username only from the address that failed: a lockout by username alone lets anyone lock an
# official out of the system, and one by address alone locks out a whole office behind one NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: photos of hazards and their rectification.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and "SECRET_KEY" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None


def client_ip_behind_proxy(request):
    """The address the trusted proxy saw: the last entry it appended to X-Forwarded-For.

    Earlier entries come from the client and can be forged, so only the right-most one counts.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else request.META.get("REMOTE_ADDR")


# Without this, behind a proxy every failed login would count against the proxy's own address.
AXES_CLIENT_IP_CALLABLE = client_ip_behind_proxy if BEHIND_TLS_PROXY else None
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Base map tiles of the risk map (a Leaflet URL template). Government intranets point this at their
# own tile server; empty means no tiles: the map draws territories and subjects on a blank base, as it
# also does whenever the tiles cannot be reached.
ANJIAN_MAP_TILES = os.environ.get("ANJIAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
ANJIAN_MAP_ATTRIBUTION = os.environ.get("ANJIAN_MAP_ATTRIBUTION", "© OpenStreetMap contributors")

# The function that re-grades subjects (anjian.registry.grades calls it; see that module for why it is
# named here rather than imported).
ANJIAN_SUBJECT_GRADER = "anjian.risks.grading.regrade_subjects"


# Background work: Django's Tasks API (the django-tasks backport). The default keeps the queue in the
# database (`anjian worker` runs it); ANJIAN_TASKS_BACKEND=rq puts it on Redis at REDIS_URL instead
# (install the [redis] extra). docs/adr/0006-background-work.md.
ANJIAN_TASKS_BACKEND = os.environ.get("ANJIAN_TASKS_BACKEND", "db").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if ANJIAN_TASKS_BACKEND == "rq":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db"), "django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
elif ANJIAN_TASKS_BACKEND == "immediate":
    # Runs each task at once, in the caller's process: for a single-process demo without a worker.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker that has not beaten its heart for this long is taken for dead; its running tasks are
# retried once, then marked failed (anjian.jobs.recovery).
ANJIAN_WORKER_STALE_SECONDS = int(os.environ.get("ANJIAN_WORKER_STALE_SECONDS", "120"))
# Exports and imports of more rows than this run as background jobs (anjian.jobs.exports).
ANJIAN_EXPORT_INLINE_ROWS = int(os.environ.get("ANJIAN_EXPORT_INLINE_ROWS", "2000"))
# Documents (a ranking's bulletin, a plan's completion report and ledger) of more rows than this —
# towns, task units — are built by a background job (anjian.jobs.exports.document_job_if_large).
ANJIAN_DOCUMENT_INLINE_ROWS = int(os.environ.get("ANJIAN_DOCUMENT_INLINE_ROWS", "500"))

# E-mail: Django's SMTP backend when EMAIL_HOST is set; otherwise every message is written to files
# under var/mail/, so the demo shows what would have been sent without a mail server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anjian@localhost")

# The address links in messages start with (e-mail, robots and work notices leave the site).
ANJIAN_SITE_URL = os.environ.get("ANJIAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# SMS per number per day, over every kind (a channel's own `per_address_per_day` wins where set).
ANJIAN_SMS_DAILY_CAP = int(os.environ.get("ANJIAN_SMS_DAILY_CAP", "10"))

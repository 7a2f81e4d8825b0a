"""Settings for Shinchoku, driven by environment variables.

With nothing set, settings are production-safe: DEBUG off, a strong secret key required (see secret_key.py),
data in a SQLite file under ``./data``. ``scripts/run`` turns DEBUG on for the laptop demo.
``SHINCHOKU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shinchoku`` switches to PostgreSQL.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from shinchoku.secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(env_str("SHINCHOKU_DATA_DIR", str(REPO_DIR / "data")))

# Off unless asked for: a server started without any variable must never show Django's technical pages.
# scripts/run turns it on for the laptop demo.
DEBUG = env_bool("SHINCHOKU_DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG, data_dir=DATA_DIR)
ALLOWED_HOSTS = env_list("SHINCHOKU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SHINCHOKU_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SHINCHOKU_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "shinchoku.tenancy",
    "shinchoku.plans",
    "shinchoku.interchange",
    "shinchoku.cycle",
    "shinchoku.documents",
    "shinchoku.web",
    "shinchoku.backup",
    "shinchoku.public",
]

MIDDLEWARE = [
    # First: a CORS preflight to the read API is answered before anything else looks at it.
    "shinchoku.public.cors.ApiCorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shinchoku.web.middleware.SessionIdleRenewalMiddleware",
    "shinchoku.tenancy.middleware.ScopeMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shinchoku.urls"
WSGI_APPLICATION = "shinchoku.wsgi.application"

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
                "shinchoku.web.context_processors.notifications",
            ],
        },
    },
]

_database_url = env_str("SHINCHOKU_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("SHINCHOKU_DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "shinchoku.sqlite3"),
            # IMMEDIATE avoids "database is locked" upgrades when two writers race on a laptop install.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = env_str("SHINCHOKU_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("SHINCHOKU_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Login throttling (django-axes) on every way of signing in, the app's login and /admin/ alike: after
# SHINCHOKU_LOGIN_FAILURE_LIMIT wrong passwords for one user from one address, that pair is locked out.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("SHINCHOKU_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SHINCHOKU_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("SHINCHOKU_PROXY_COUNT", 0) or None
AXES_VERBOSE = False
# Every failed sign-in is kept (user, address, time): the audit trail of the lockouts.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

LOGIN_URL = "login"
# A workbook's confirm step posts the uploaded file back in a form field (base64, a third larger): a 5 MB
# upload (web/views/workbook.py UPLOAD_MAX) must fit, which Django's 2.5 MB default would refuse.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env_str("SHINCHOKU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("SHINCHOKU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SHINCHOKU_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("SHINCHOKU_FROM_EMAIL", "shinchoku@localhost")

# Background tasks (django-tasks, with the database backend of django-tasks-db): drafts of the report are drawn,
# and e-mail is sent, by the worker `shinchoku db_worker`, never inside a web request. The queue is a table of
# this database, so it works the same on SQLite and PostgreSQL with nothing else to run. "immediate" runs each
# task in the caller instead (no worker; a quick trial), "dummy" only records them.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_tasks_backend = env_str("SHINCHOKU_TASKS_BACKEND", "database")
if _tasks_backend not in _TASKS_BACKENDS:
    raise RuntimeError(f"SHINCHOKU_TASKS_BACKEND must be one of {', '.join(_TASKS_BACKENDS)}, not {_tasks_backend!r}")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_tasks_backend], "QUEUES": ["default"]}}

SESSION_COOKIE_SECURE = env_bool("SHINCHOKU_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Japanese, and says what to do instead (Django's own page is English).
CSRF_FAILURE_VIEW = "shinchoku.web.views.errors.csrf_failure"
# A session ends after this long without a request (renewed by activity, see web/middleware.py); 8 hours.
SESSION_COOKIE_AGE = env_int("SHINCHOKU_SESSION_IDLE_MINUTES", 8 * 60) * 60
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto, redirect to HTTPS, send HSTS.
if env_bool("SHINCHOKU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SHINCHOKU_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SHINCHOKU_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHINCHOKU_HSTS_INCLUDE_SUBDOMAINS", False)
# The HSTS preload list takes registrable domains only; a city's app lives on a host under the city's domain
# (shinchoku.city.example.lg.jp) and can never be submitted, so Django's reminder about it is noise.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only the app's own origin, and no inline script or style: an injected <script> or on*="" runs nowhere, and
# nothing is fetched from another host (LGWAN). Templates therefore carry no style="" and no <script> body;
# the HTML report, a standalone document, gets its own stricter policy (documents/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHINCHOKU_LOG_LEVEL", "WARNING")},
}

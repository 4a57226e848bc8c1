"""Django settings built from the workspace's pulse.toml and the environment.

The CLI sets PULSE_WORKSPACE to the resolved workspace before Django starts. Without one (tests,
`pulse eval` outside a workspace) the defaults of a fresh workspace apply and the database is
DATABASE_URL or a throwaway SQLite file.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

from policypulse.workspace import ENV_WORKSPACE, default_config, load_workspace

_root = os.environ.get(ENV_WORKSPACE)
WORKSPACE = load_workspace(Path(_root)) if _root else None
PULSE = WORKSPACE.config if WORKSPACE else default_config()

BASE_DIR = Path(__file__).resolve().parent
DEBUG = os.environ.get("PULSE_DEBUG") == "1"
SECRET_KEY = (
    WORKSPACE.secret_key()
    if WORKSPACE
    else os.environ.get("PULSE_SECRET_KEY", "policypulse-without-a-workspace-not-secret")
)
ALLOWED_HOSTS = [h for h in os.environ.get("PULSE_ALLOWED_HOSTS", "").split(",") if h] or [
    "127.0.0.1",
    "localhost",
    "testserver",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "policypulse.sources",
    "policypulse.harvest",
    "policypulse.catalogue",
    "policypulse.triage",
    "policypulse.summaries",
    "policypulse.editions",
    "policypulse.audit",
    "policypulse.mailing",
    "policypulse.web",
    "policypulse.service",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "policypulse.web.urls"

# Every log-in, whatever the form, goes through the one throttle (kept in the database).
AUTHENTICATION_BACKENDS = ["policypulse.web.accounts.ThrottledModelBackend"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database() -> dict:
    if url := os.environ.get("DATABASE_URL"):
        return dj_database_url.parse(url, conn_max_age=60)
    path = (
        WORKSPACE.database_path
        if WORKSPACE
        else Path(tempfile.gettempdir()) / f"policypulse-{os.getuid()}.sqlite3"
    )
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # WAL, a busy timeout and immediate write transactions: the web app, the worker and
        # the CLI share one file without "database is locked" errors.
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The task queue: the database on one server; RQ on Redis (PULSE_REDIS_URL, or
# PULSE_TASK_BACKEND=rq with redis://127.0.0.1:6379/0) for workers on several machines.
REDIS_URL = os.environ.get("PULSE_REDIS_URL", "")
_backend = os.environ.get("PULSE_TASK_BACKEND", "")
if _backend in ("rq", "django_tasks_rq.RQBackend") or (REDIS_URL and not _backend):
    _backend = "django_tasks_rq.RQBackend"
    REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
TASKS = {"default": {"BACKEND": _backend or "django_tasks_db.DatabaseBackend"}}
# django-crontask: with Redis, one scheduler at a time holds this lock.
CRONTASK = {"REDIS_URL": REDIS_URL or None}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = PULSE.schedule.time_zone
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = (WORKSPACE.root / "static") if WORKSPACE else None
# WhiteNoise serves static files from STATIC_ROOT (`pulse serve` collects them there) and,
# failing that, from the apps themselves, so a fresh checkout works too.
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "/editor/login/"

# Secure cookies, HSTS and the forwarded protocol when [site] base_url is https; a
# Content-Security-Policy always (see policypulse/service/security.py and docs/deploying.md).
from policypulse.service.security import security_settings  # noqa: E402

globals().update(security_settings(PULSE.site.base_url))

LOGIN_REDIRECT_URL = "/editor/"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "policypulse": {
            "handlers": ["console"],
            "level": os.environ.get("PULSE_LOG_LEVEL", "WARNING"),
        },
        "trafilatura": {"level": "ERROR"},
        "htmldate": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Mail: Django 6.1's MAILERS, built from [mail] (PULSE_SMTP_URL overrides smtp_url).
from policypulse.mailing.mailers import mailers_setting  # noqa: E402

MAILERS = mailers_setting(PULSE, WORKSPACE.root if WORKSPACE else None)
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("PULSE_ANYMAIL_WEBHOOK_SECRET", "")}

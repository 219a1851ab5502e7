"""Settings of the CEPEX Missions Portal, read from the environment (django-environ).

One file, in sections. Every value a deployment may change comes from an environment
variable (or a ``.env`` file beside ``manage.py``); the defaults give a working portal on a
laptop: SQLite, no broker (Celery tasks run in process), e-mails on the console in debug.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# True under the test suite, whose settings module (cepex_portal.settings_test) sets it: tests
# get a throwaway secret key and run Celery tasks in process unless a test starts a worker.
TESTING = env.bool("DJANGO_TESTING", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the portal, used in links sent by e-mail (no request at hand then).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "import_export",
    "csp",
    "axes",
    "simple_history",
    "cepex_portal",
    "partners",
    "missions",
    "matchmaking",
    "reports",
    "privacy",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that every answer carries them, also the ones a middleware
    # below gives without reaching a view (413, 400).
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body: an oversized request is refused unread.
    "cepex_portal.middleware.RequestSizeLimitMiddleware",
    "cepex_portal.middleware.RejectInvalidUTF8Middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An id too large for the database in a filter's address: 400, not 500.
    "cepex_portal.middleware.NumberOutOfRangeMiddleware",
    # Who made a change: the audit trail (django-simple-history) records the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the login view's answer and turns a lockout into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cepex_portal.urls"
WSGI_APPLICATION = "cepex_portal.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (the mission page went from 33 to 45 requests a
# second on gunicorn), checked before reuse so that a restarted database costs no error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# The rate limit of the public forms counts in the cache: Redis when configured, so that every
# web process shares one count; local memory otherwise.

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Authentication -------------------------------------------------------------------------

AUTH_USER_MODEL = "cepex_portal.User"
LOGIN_URL = "space:login"
# Staff to the admin, representatives to their company space (also when an off-site
# ?next= was refused).
LOGIN_REDIRECT_URL = "after_login"
# Staff log in with a password (the admin); django-axes counts failed attempts first and
# refuses a locked-out username and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One-time login links sent to company representatives.
LOGIN_LINK_MAX_AGE_MINUTES = env.int("LOGIN_LINK_MAX_AGE_MINUTES", default=30)
# E-mail verification links sent with the confirmation of an application.
EMAIL_VERIFICATION_MAX_AGE_DAYS = env.int("EMAIL_VERIFICATION_MAX_AGE_DAYS", default=7)
# Links that let a company's representative approve or decline someone claiming to be a
# colleague.
CLAIM_DECISION_MAX_AGE_DAYS = env.int("CLAIM_DECISION_MAX_AGE_DAYS", default=14)
# Links that let a partner answer the meeting requests of a mission (staff can revoke them).
PARTNER_LINK_MAX_AGE_DAYS = env.int("PARTNER_LINK_MAX_AGE_DAYS", default=60)
# The one-time link of a lead reminder e-mail, in days from sending.
LEAD_REMINDER_LINK_MAX_AGE_DAYS = env.int("LEAD_REMINDER_LINK_MAX_AGE_DAYS", default=30)

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Africa/Tunis"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files (brochures, generated PDFs) hold personal and commercial data: they live
# outside the static tree, are never served by URL, and reach users only through views that
# check who asks. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
BROCHURE_MAX_BYTES = 5 * 1024 * 1024
# Spreadsheets staff import in the admin (CSV or Excel), and what an Excel file may unpack
# to: a small workbook can hold gigabytes of compressed XML (a "zip bomb").
IMPORT_FILE_MAX_BYTES = env.int("IMPORT_FILE_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_FILE_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
IMPORT_FILE_MAX_ROWS = 20_000
# Form fields other than files: Django refuses a larger body with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A whole request, files included: refused with 413 before it is read (Django only bounds
# the fields, and would stream any upload to a temporary file first). The largest legitimate
# upload (a brochure or an import file) fits with room for the form around it.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=12 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------

_EMAIL = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_EMAIL.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_EMAIL.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _EMAIL.get("EMAIL_FILE_PATH") or ""
# A mail server that does not answer must not hold a worker (or a request) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CEPEX Missions <missions@cepex.nat.tn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# Long jobs (scheduling, PDF dossiers) never run inside a web request, not even on a laptop:
# in debug, without CELERY_BROKER_URL, the broker is a folder of the checkout (kombu's
# filesystem transport, no server needed) and `make run` starts a worker and beat on it. In
# production CELERY_BROKER_URL points at Redis, and `check --deploy` refuses to pass without
# it. Tests run tasks in process, except those that start a real worker on Redis.
# Job state lives in our own rows (a run or report row with its state and progress), never
# in a result backend: pages read it from the database.

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://" if DEBUG else "")
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var" / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # With acks_late, Redis hands a message that was taken but not acknowledged to another
    # worker after this many seconds: a worker killed mid-task loses nothing. It must be longer
    # than any task runs (CELERY_TASK_TIME_LIMIT) and than any retry's countdown (an e-mail
    # waits up to an hour between tries), or a task would run twice (deploy check
    # cepex_portal.W007). The report watchdog takes back a report long before that
    # (reports.watchdog, every five minutes).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = TESTING or not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ACKS_LATE = True
# A report "running" longer than the time limit plus this margin lost its worker: the next
# delivery of its job, or the watchdog, makes it again.
REPORT_STALE_MARGIN_SECONDS = env.int("REPORT_STALE_MARGIN_SECONDS", default=60)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues a job while Redis is down waits this long, not Celery's
# defaults: the job is in the outbox and goes once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Erase the contacts past the retention period (docs/privacy.md).
    "privacy-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=2, minute=41),
    },
    # Background jobs that could not reach the broker when they were made (it was down).
    "relay-outbox": {"task": "cepex_portal.relay_outbox", "schedule": 60.0},
    # Forget login links that can no longer be used (expired or used), every night.
    "purge-login-links": {
        "task": "cepex_portal.purge_login_links",
        "schedule": crontab(hour=3, minute=17),
    },
    # Sessions past their expiry date (Django never deletes them by itself).
    "clear-expired-sessions": {
        "task": "cepex_portal.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=23),
    },
    # Ask companies for news of their open leads 30, 90 and 180 days after a mission.
    "lead-reminders": {"task": "reports.lead_reminders", "schedule": crontab(hour=8, minute=5)},
    # Each owner at the agency gets the list of their overdue follow-up actions.
    "overdue-digests": {
        "task": "reports.overdue_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Reports that lost their worker (killed mid-render) or their message are queued again.
    "reports-watchdog": {"task": "reports.watchdog", "schedule": 300.0},
    # The follow-up report of every mission that ended, made again on the first of the month.
    "regenerate-followup-reports": {
        "task": "reports.regenerate_followups",
        "schedule": crontab(day_of_month=1, hour=4, minute=7),
    },
}

# --- Privacy (GDPR) -------------------------------------------------------------------------
# Contacts whose every application ended rejected or withdrawn this many months ago (and who
# met no one) are erased by beat every night: docs/privacy.md.
RETENTION_REJECTED_CONTACTS_MONTHS = env.int("RETENTION_REJECTED_CONTACTS_MONTHS", default=24)
# Claims to represent a company whose sender never proved their address, after this many days.
RETENTION_UNVERIFIED_CLAIMS_DAYS = env.int("RETENTION_UNVERIFIED_CLAIMS_DAYS", default=30)
# Applications the public form held for a known company that no representative submitted or
# discarded, after this many days.
RETENTION_UNREVIEWED_APPLICATIONS_DAYS = env.int(
    "RETENTION_UNREVIEWED_APPLICATIONS_DAYS", default=30
)

# --- Audit trail ---------------------------------------------------------------------------
# Applications, wishes, meeting requests, meetings, outcomes and leads keep every version
# with who and when (django-simple-history), shown under "History" in the admin. Old
# versions are read only: a revert would skip the services' rules (capacity, double
# booking), so changes go through the forms.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie (forms carry the token in a hidden field).
CSRF_COOKIE_HTTPONLY = True
# The language cookie travels like the session cookie: HTTPS only when it does, never sent
# by other sites' requests, unreadable by scripts.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy, Django sees plain HTTP: the proxy says "https" in
# X-Forwarded-Proto. Trust that header only then, and only if the proxy overwrites it (a
# client could send it too): nginx `proxy_set_header X-Forwarded-Proto $scheme;`.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers and the compose healthcheck probe over plain HTTP: never redirect them.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Reverse proxies of our own in front of the portal (each appends to X-Forwarded-For);
# the rate limits take the client's address from there. 0: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# A strict Content Security Policy: no inline script or style anywhere, nothing from a CDN.
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
    },
}
# Django's page for a form refused by the CSRF check has inline styles: ours has none.
CSRF_FAILURE_VIEW = "cepex_portal.views.csrf_failure"

# Rate limits (cepex_portal.ratelimit), counted in the cache per window. Every form sent by
# POST outside the admin has one (a test walks the URL conf).
# The interest form: submissions one IP address may make, per window.
PUBLIC_FORM_RATE_LIMIT = env.int("PUBLIC_FORM_RATE_LIMIT", default=10)
PUBLIC_FORM_RATE_WINDOW_SECONDS = env.int("PUBLIC_FORM_RATE_WINDOW_SECONDS", default=3600)
# The login-link form, per IP address and per e-mail address typed, per window (the same).
LOGIN_RATE_LIMIT_PER_IP = env.int("LOGIN_RATE_LIMIT_PER_IP", default=20)
LOGIN_RATE_LIMIT_PER_ADDRESS = env.int("LOGIN_RATE_LIMIT_PER_ADDRESS", default=5)
# Forms behind a link (partners' answers, availability and outcomes, a reminder's page,
# e-mail verification, a claim decision, the login button): per IP address. A partner
# answering forty requests one by one stays well within it.
LINK_FORM_RATE_LIMIT = env.int("LINK_FORM_RATE_LIMIT", default=200)
# Forms of the company space and the managers' reports page: per logged-in account.
ACCOUNT_FORM_RATE_LIMIT = env.int("ACCOUNT_FORM_RATE_LIMIT", default=200)
# Addresses with a token that is not one of ours (a guess, or a tampered link), per IP
# address: beyond it every link page answers 429 to that address until the window ends.
BAD_TOKEN_RATE_LIMIT = env.int("BAD_TOKEN_RATE_LIMIT", default=20)

# django-axes: failed logins on the password form (the admin's). An account is locked for
# one address only (username and IP together), so that a colleague's typos, or an attacker,
# never lock the whole office out behind its shared address; the address comes from the same
# trusted-proxy rule as the rate limits. Unlock early with `manage.py axes_reset` (all),
# `axes_reset_username NAME` or `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cepex_portal.ratelimit.client_ip_address"
AXES_RESET_ON_SUCCESS = True
# The page of a locked-out login, in the visitor's language, with the time left (429).
AXES_LOCKOUT_CALLABLE = "cepex_portal.views.login_locked_out"
# A failure during the lockout does not start the cool-off again: the wait is known.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are not kept by axes: Django's last_login says enough.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password"]
# Its log lines name the username and address of a failure or a lockout (WARNING); no
# start-up line on every management command, no line for each successful login.
AXES_VERBOSE = False

# Version of the privacy notice that applicants consent to; stored with every consent.
CONSENT_TEXT_VERSION = "2026-11-v1"

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"harfbuzz_subset": {"()": "cepex_portal.log_filters.HarfBuzzSubsetNotice"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["harfbuzz_subset"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failures and lockouts are warnings; every successful login would be an info line.
        "axes": {"level": "WARNING"},
        # fontTools subsets the PDFs' fonts (when HarfBuzz-Subset is missing) and says so at
        # INFO for every table of every font.
        "fontTools": {"level": "WARNING"},
    },
}

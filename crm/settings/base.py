"""Settings shared by every environment; local/test/production override only what differs.

Everything that differs between deployments is read from the environment (see .env.example).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and one date-time format per language, and the date forms accept: crm/formats/<language>/formats.py
FORMAT_MODULE_PATH = ["crm.formats"]

# DATABASES
# DATABASE_URL: sqlite:////abs/path.sqlite3 (default: var/crm.sqlite3) or mysql://user:pass@host:3306/crm
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'crm.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # https://docs.djangoproject.com/en/5.2/ref/databases/#mysql-sql-mode
    DATABASES["default"]["OPTIONS"] = {
        "charset": "utf8mb4",
        "init_command": "SET sql_mode='STRICT_TRANS_TABLES', innodb_strict_mode=1",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
INSTALLED_APPS = [
    "security.apps.TwoFactorAdminConfig",  # django.contrib.admin, requiring two-factor verified sessions
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "simple_history",
    "security.apps.AxesConfig",  # django-axes, with a translated name
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 served from our own static files, no CDN
    "crm.kit",  # the page kit's template tags (crm/kit); no models
    "accounts",
    "records",
    "customers",
    "sales",
    "analytics",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions that sat idle, outlived SESSION_COOKIE_AGE, or began before their user was deactivated.
    "security.middleware.SessionExpiryMiddleware",
    # The signed-in user's time zone and chosen language (accounts.models.Profile) for the rest of the request.
    "accounts.middleware.UserPreferencesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Administrators reach nothing but two-factor enrolment until a second factor verified their sign-in.
    "security.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "security.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The site's 404 and 403 pages for what views refuse, also with DEBUG on (no technical page listing URLs).
    "crm.middleware.SiteErrorPagesMiddleware",
    # https://django-axes.readthedocs.io/en/latest/2_installation.html: AxesMiddleware goes last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "crm.context_processors.main_navigation",
            ],
            # The `when` filter writes every date and time of every page; it needs no {% load %}.
            "builtins": ["crm.kit.templatetags.kit_dates"],
        },
    },
]

# AUTHENTICATION
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out username/address pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend refuses inactive users, also in get_user(): deactivating a user ends their sessions.
    "crm.backends.OneQueryPermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Offline checks (no network needed): common passwords after normalising (Password123! is "password"),
    # one repeated character or a keyboard/alphabet run, and passwords made of the user's own names.
    {"NAME": "security.validators.NormalisedCommonPasswordValidator"},
    {"NAME": "security.validators.TrivialPasswordValidator"},
    {"NAME": "security.validators.PersonalNamePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures: https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Keyed on the username *and* the address together, so an attacker guessing one account cannot lock
# everybody else out, and one office behind a shared address is not locked out by one user's typos.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_LOCKOUT_CALLABLE = "security.lockout.lockout_response"
# Failures from one address are also added up across usernames (someone trying a few passwords on each of
# many users): at this many within AXES_COOLOFF_MINUTES the address is locked for every user. Set it above what
# an office sharing one address produces by typos.
AXES_HANDLER = "security.lockout.AddressLimitHandler"
CRM_ADDRESS_FAILURE_LIMIT = env.int("CRM_ADDRESS_FAILURE_LIMIT", default=20)
# How many proxies (the TLS proxy, a load balancer) stand in front of the app: the client's address is then
# the one the outermost of them put in X-Forwarded-For. 0 ignores X-Forwarded-For, which clients can forge.
# Read by security.addresses.client_address (axes's ipware integration counts proxies differently; see there).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "security.addresses.client_address"
AXES_VERBOSE = False
# Password reset requests are limited like sign-in, within AXES_COOLOFF_MINUTES: this many for one email (known or
# not, so the limit tells nothing about who has an account), and this many from one address.
CRM_PASSWORD_RESET_EMAIL_LIMIT = env.int("CRM_PASSWORD_RESET_EMAIL_LIMIT", default=3)
CRM_PASSWORD_RESET_ADDRESS_LIMIT = env.int("CRM_PASSWORD_RESET_ADDRESS_LIMIT", default=CRM_ADDRESS_FAILURE_LIMIT)

# SESSIONS
# A session ends 12 hours after sign-in (SESSION_COOKIE_AGE, counted from sign-in, not from the last request),
# or after CRM_SESSION_IDLE_MINUTES without a request, whichever comes first.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)
CRM_SESSION_IDLE_MINUTES = env.int("CRM_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# CACHE
# https://docs.djangoproject.com/en/5.2/topics/cache/ : CRM_CACHE_URL, e.g. redis://redis:6379/2. What it holds
# must be shared by every web process: the web-to-lead form's limit per address is counted here (production.py
# falls back to the broker's Redis). The default, local memory, counts per process: fine for development.
CACHES = {"default": env.cache_url("CRM_CACHE_URL", default="locmemcache://")}

# TWO-FACTOR AUTHENTICATION
# https://django-otp-official.readthedocs.io/en/stable/overview.html : authenticator apps (TOTP) and recovery
# codes. Required for administrators (security.policy.is_administrator), offered to everyone.
OTP_TOTP_ISSUER = env("CRM_OTP_ISSUER", default="CRM")
# How long the second sign-in step waits for a code after the password was accepted.
CRM_TWO_FACTOR_STEP_SECONDS = 5 * 60
CRM_RECOVERY_CODE_COUNT = 10

# SECURITY HEADERS
# https://django-csp.readthedocs.io/en/latest/configuration.html : only the site's own scripts and styles, no
# inline script or style; images may also be data: URIs (the two-factor QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# STATIC
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# FORMS
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# EMAIL
# EMAIL_URL: smtp://user:password@host:587?tls=True ; default prints mail to the console
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The address users reach the CRM at, for links in emails sent outside a request (notifications, reminders).
CRM_SITE_URL = env("CRM_SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="CRM <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without a broker, tasks run eagerly in the calling process, so a fresh checkout needs no Redis (production.py
# refuses to start without one).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "cache+memory://"
)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Late acknowledgement is declared per task, on idempotent tasks only (`acks_late=True`): their message is
# acknowledged when they finish, so a task whose worker process dies is delivered again. Other tasks are
# acknowledged on receipt and never run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A late-acknowledged task that keeps killing its worker (out of memory, a crash in a C library) runs at most this
# many times for one message, then is marked failed instead of being delivered again (crm.celery.Task).
CELERY_TASK_MAX_DELIVERIES = env.int("CELERY_TASK_MAX_DELIVERIES", default=3)
# A worker process is replaced after a task leaves its resident memory above this many KiB, so memory that pandas
# keeps after a large analytics run goes back to the system. A process with the analytics libraries loaded holds
# about 215 MB and the largest benchmarked runs add up to 205 MB (README: bench-analytics).
# https://docs.celeryq.dev/en/stable/userguide/workers.html#max-memory-per-child-setting
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512 * 1024)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {
    # Every night at 03:15 (CELERY_TIMEZONE): purge recycle-bin entries older than 30 days.
    "recycle-bin-purge": {"task": "records.recycle_bin_purge", "schedule": crontab(hour=3, minute=15)},
    # Every minute: remind owners of the tasks that fell due since (each task once, however often it runs).
    "sales-task-reminders": {"task": "sales.send_task_reminders", "schedule": crontab()},
}

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# CRM
CUSTOMER_LIST_PAGE_SIZE = 25
# A list never counts past this many rows: an exact COUNT(*) over a million rows costs more than the page,
# and counting 10,000 filtered rows measured up to 0.3 s at a million customers (bench/customer_list.py).
CUSTOMER_LIST_COUNT_CAP = env.int("CRM_LIST_COUNT_CAP", default=1_000)
# A search through the full-text index counts at most this many matches: counting a thousand matches of a common
# word for one rep means reading the matches of every rep.
CUSTOMER_SEARCH_COUNT_CAP = env.int("CRM_SEARCH_COUNT_CAP", default=200)
# A page of a search is first looked for by walking the list's sort index and checking each row, examining at most
# this many index entries and rows (MariaDB's LIMIT … ROWS EXAMINED, about two per customer); when that does not
# fill the page, through the full-text index. 10,000 finds a page of a word on one customer in 200 (about 40 ms at
# a million customers when it does not).
CRM_LIST_SCAN_ROWS = env.int("CRM_LIST_SCAN_ROWS", default=10_000)
# The currency of new products, opportunities and orders.
CRM_DEFAULT_CURRENCY = env("CRM_DEFAULT_CURRENCY", default="USD")
# New quotes: the tax rate they start with (percent, e.g. "20" or "7.5") and how many days they stay valid.
CRM_DEFAULT_TAX_RATE = env("CRM_DEFAULT_TAX_RATE", default="0")
CRM_QUOTE_VALID_DAYS = env.int("CRM_QUOTE_VALID_DAYS", default=30)
# The seller's block on printed quotes: the company's name, then its address and other lines ("|" between lines).
# Left empty, a printed quote names only the salesperson who prepared it.
CRM_SELLER_NAME = env("CRM_SELLER_NAME", default="")
CRM_SELLER_DETAILS = env("CRM_SELLER_DETAILS", default="")
# A bulk change from the list (reassign, tag, stage) runs in one transaction over at most this many customers.
CRM_BULK_LIMIT = env.int("CRM_BULK_LIMIT", default=5_000)

# WEB-TO-LEAD FORMS (docs/leads.md)
# At most this many submissions from one client address (one /64 network for IPv6) within the window; more are
# answered 429 and nothing is stored. Counted in the cache (CACHES), behind AXES_IPWARE_PROXY_COUNT proxies.
CRM_LEAD_FORM_LIMIT = env.int("CRM_LEAD_FORM_LIMIT", default=5)
CRM_LEAD_FORM_LIMIT_WINDOW = timedelta(minutes=env.int("CRM_LEAD_FORM_LIMIT_MINUTES", default=10))
# How long a rendered form may be sent back: an older one is shown again, filled in, to be sent once more.
CRM_LEAD_FORM_TOKEN_MAX_AGE = timedelta(hours=env.int("CRM_LEAD_FORM_TOKEN_HOURS", default=4))

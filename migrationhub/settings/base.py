"""Settings shared by every environment; everything a deployment changes comes from the environment.

Environment variables (all documented in README "Configuration"):
MIGRATIONHUB_SECRET_KEY, MIGRATIONHUB_DEBUG, MIGRATIONHUB_ALLOWED_HOSTS, DATABASE_URL,
MIGRATIONHUB_DATA_DIR, REDIS_URL, MIGRATIONHUB_EMAIL_URL/DEFAULT_FROM_EMAIL, MIGRATIONHUB_CSRF_TRUSTED_ORIGINS,
MIGRATIONHUB_PAGE_CACHE, MIGRATIONHUB_PAGE_CACHE_SECONDS, MIGRATIONHUB_ANN_MIN,
MIGRATIONHUB_VECTOR_DIR.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("MIGRATIONHUB_DATA_DIR", REPO_DIR / "var"))
# The data the product ships (vocabularies, demo content, remittance data): inside the package, so
# an installed wheel runs outside a checkout; another copy can be named by the environment.
SHIPPED_DATA_DIR = Path(os.environ.get("MIGRATIONHUB_SHIPPED_DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("MIGRATIONHUB_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("MIGRATIONHUB_DEBUG", False)
ALLOWED_HOSTS = env_list("MIGRATIONHUB_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("MIGRATIONHUB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # MigrationHub's apps come before the third-party ones so that their templates
    # (e.g. allauth's layout) override the defaults.
    "migrationhub.core",
    "migrationhub.taxonomy",
    "migrationhub.accounts",
    "migrationhub.search",
    "migrationhub.organisations",
    "migrationhub.knowledge",
    "migrationhub.remittances",
    "migrationhub.partnerships",
    "migrationhub.hub",
    "migrationhub.fund",
    "migrationhub.review",
    "migrationhub.api",
    "migrationhub.web",
    "django_htmx",
    "allauth",
    "allauth.account",
    "axes",
    "simple_history",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

# Background work: a queue in the database, executed by `migrationhub worker` processes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    # First: everything after it sees the client's real address (MIGRATIONHUB_TRUSTED_PROXIES).
    "migrationhub.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "migrationhub.core.middleware.RejectNulBytesMiddleware",
    "migrationhub.core.middleware.DatabaseBusyMiddleware",
    "migrationhub.api.parameters.UnknownQueryParametersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: axes must see the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "migrationhub.urls"
WSGI_APPLICATION = "migrationhub.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "migrationhub.web.context_processors.site",
            ],
        },
    }
]

# --- Database: embedded SQLite (WAL) unless DATABASE_URL names another engine.
SQLITE_PATH = DATA_DIR / "migrationhub.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open across requests, as PostgreSQL's: opening one (the PRAGMAs below) costs about
    # 2.5 ms, more than serving a cached page (bench/pages_bench.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE avoids lock upgrades mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every worker and app server (rate limits, lockouts, cached pages): Redis when
# REDIS_URL is set, else a table in the database. Never per process: limits would multiply.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "migrationhub_cache",
            # Django's default (300 entries, a third culled when full) would cull cached pages,
            # rate-limit counters and page-cache generations before they are read twice.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Pages anonymous visitors see, kept in the shared cache until their data changes
# (core.page_cache, ADR 0005). Off: every page is rendered (e.g. to measure renders).
MIGRATIONHUB_PAGE_CACHE = env_bool("MIGRATIONHUB_PAGE_CACHE", True)
# How long a stored page lives at most: writes retire pages at once; this bounds what nothing
# announces (the date turning, a changed setting) and the memory of pages nobody asks for again.
MIGRATIONHUB_PAGE_CACHE_SECONDS = int(os.environ.get("MIGRATIONHUB_PAGE_CACHE_SECONDS", "3600"))

# --- Semantic search's vector index (search.vectors, ADR 0012): from how many vectors the
# approximate index serves, and where this machine keeps its copy of it (a cache).
MIGRATIONHUB_ANN_MIN = int(os.environ.get("MIGRATIONHUB_ANN_MIN", "20000"))
MIGRATIONHUB_VECTOR_DIR = Path(os.environ.get("MIGRATIONHUB_VECTOR_DIR", DATA_DIR / "vectors"))

# --- Reverse proxies in front of the app servers whose X-Forwarded-* headers are believed
# (core.middleware.ClientAddressMiddleware). 0: none; the headers are ignored.
MIGRATIONHUB_TRUSTED_PROXIES = int(os.environ.get("MIGRATIONHUB_TRUSTED_PROXIES", "0"))
NINJA_NUM_PROXIES = 0  # the middleware has already put the client's address in REMOTE_ADDR
if MIGRATIONHUB_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # dev.py and prod.py read MIGRATIONHUB_EMAIL_VERIFICATION
# axes locks an account after 5 failures; allauth's own limits back it up per address.
# Counted in the shared cache, so they hold for the whole deployment; a 429 is web.views.rate_limited.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,10/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/h/ip",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
# Failed sign-ins: lock the (account, address) pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "migrationhub.accounts.lockout.attempted_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "migrationhub.accounts.lockout.locked_out"
# Quiet start-up: the CLI writes exports to standard output.
AXES_VERBOSE = False

# --- E-mail: console in development; SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "MIGRATIONHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("MIGRATIONHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MIGRATIONHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MIGRATIONHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MIGRATIONHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MIGRATIONHUB_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MigrationHub <noreply@localhost>")

# --- Internationalisation: the six UN languages; Arabic is right to left.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "migrationhub_language"

# --- Static files: served by the app itself (WhiteNoise), nothing from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# --- Who runs this installation: named on the privacy notice, terms and contact pages.
MIGRATIONHUB_OPERATOR = os.environ.get("MIGRATIONHUB_OPERATOR", "the operator of this MigrationHub")
MIGRATIONHUB_CONTACT_EMAIL = os.environ.get("MIGRATIONHUB_CONTACT_EMAIL", "contact@localhost")

# --- Domain settings
MIGRATIONHUB_STALE_AFTER_MONTHS = int(os.environ.get("MIGRATIONHUB_STALE_AFTER_MONTHS", "24"))
# The IATI organisation identifier this installation publishes partnerships under (reporting-org
# and the prefix of activity identifiers); "XX-" marks an unregistered publisher (ADR 0006).
MIGRATIONHUB_IATI_PUBLISHER_REF = os.environ.get(
    "MIGRATIONHUB_IATI_PUBLISHER_REF", "XX-MIGRATIONHUB"
)
MIGRATIONHUB_PAGE_SIZE = 20
MIGRATIONHUB_API_MAX_PAGE_SIZE = 200
MIGRATIONHUB_API_ANON_RATE = os.environ.get("MIGRATIONHUB_API_ANON_RATE", "300/m")
MIGRATIONHUB_API_USER_RATE = os.environ.get("MIGRATIONHUB_API_USER_RATE", "1200/m")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MIGRATIONHUB_LOG_LEVEL", "INFO")},
}

"""JuWe settings – everything comes from the environment (12-factor, django-environ).

DEBUG is off unless switched on (DEBUG=True, `./dev demo --debug`): the app then serves as in
production – German error pages, no technical page listing the URL patterns. With DEBUG off the
settings refuse to load without a real SECRET_KEY, and, served over HTTPS (JUWE_HTTPS, on by
default), turn on every transport-security header, so that `manage.py check --deploy` passes
without warnings. The local demo runs DEBUG off on plain HTTP at 127.0.0.1 (JUWE_HTTPS=False,
a secret kept under var/ by ./dev).
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production-juwe-0000000000000000"

env = environ.Env()

# Off by default: the technical error pages (English, every URL pattern, settings) are for a
# developer's own machine only. `DEBUG=True` or `./dev demo --debug` is the development switch.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY fehlt oder ist der Entwicklungsschlüssel: im Produktivbetrieb (DEBUG=False) "
        "muss SECRET_KEY auf einen zufälligen Wert mit mindestens 50 Zeichen gesetzt sein."
    )

# Served over HTTPS (production, behind the proxy): secure cookies, HTTPS redirect, HSTS. Only
# the local demo at http://127.0.0.1:8000 turns it off.
JUWE_HTTPS = env.bool("JUWE_HTTPS", default=not DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or not JUWE_HTTPS else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "juwe.admin_site.JuweAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "axes",
    "csp",
    "juwe",
    "networks",
    "cases",
    "microprojects",
    "budgets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files stay cacheable, every other response is no-store.
    "juwe.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "juwe.middleware.LanguageMiddleware",
    # NUL characters in path, query or form fields answer 400 before any view or query sees them.
    "juwe.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # AxesMiddleware must be last: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "juwe.urls"
WSGI_APPLICATION = "juwe.wsgi.application"

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
                "juwe.context_processors.navigation_menu",
            ],
        },
    },
]

# --- Database: PostgreSQL only ----------------------------------------------------------
# DATABASE_URL is the application's role (juwe_app: no owner, only INSERT/SELECT on the audit
# trail). `migrate` runs in its own process with the owner's URL as DATABASE_URL, so the running
# application never holds the owner's credentials (README, "Database roles and the audit trail").
DATABASE_URL = env.str("DATABASE_URL", default="")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL ist nicht gesetzt. Starten Sie JuWe über ./dev (das einen lokalen "
        "PostgreSQL-Cluster anlegt) oder setzen Sie DATABASE_URL=postgres://benutzer@host:port/datenbank."
    )
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("JuWe läuft nur mit PostgreSQL: DATABASE_URL muss mit postgres:// beginnen.")
# Persistent connections: reconnecting dominates short requests (see SETUP-NOTES).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "juwe.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "juwe.backends.PasswordBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Passwords: at least 12 characters, not in Django's list of common passwords nor a common German or
# office word with digits added (juwe/data/common-passwords-de.txt), not the password used last.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "juwe.password_validation.CommonWordPasswordValidator",
        "OPTIONS": {"password_list_path": BASE_DIR / "juwe" / "data" / "common-passwords-de.txt"},
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "juwe.password_validation.PreviousPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after 5 failed logins per user name AND client address (django-axes): guessing from one
# place locks only that place, the same person logs in from their own desk.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being counted: otherwise one request per cool-off
# keeps the lock for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# The client address behind NUM_PROXIES reverse proxies – the same function the audit trail uses.
AXES_CLIENT_IP_CALLABLE = "juwe.lib.client_ip.client_address"

# Idle timeout: the session cookie lives SESSION_IDLE_MINUTES and is renewed on every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security headers -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if JUWE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (django-csp): everything from our own origin, nothing inline.
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

# django-filter: "all" instead of dashes for an empty choice.
FILTERS_EMPTY_CHOICE_LABEL = _("all")
FILTERS_NULL_CHOICE_LABEL = _("none")

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- JuWe ----------------------------------------------------------------------------------------
JUWE_OFFICE_NAME = env.str("JUWE_OFFICE_NAME", default="Amt für Soziale Dienste – Jugendamt")
JUWE_OFFICE_ADDRESS = env.str("JUWE_OFFICE_ADDRESS", default="Musterstraße 1, 28195 Bremen")
# Largest single grant from a district's action budget (Dresden's Aktionsbudget), EUR.
JUWE_ACTION_GRANT_LIMIT = Decimal(env.str("JUWE_ACTION_GRANT_LIMIT", default="1500.00"))
# Number of reverse proxies in front of the app; the client address of the lockout and the audit
# trail is the X-Forwarded-For entry this far from the right (juwe.lib.client_ip). 0: the header is ignored.
JUWE_NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if JUWE_NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES muss 0 oder größer sein (Anzahl der Reverse-Proxys vor JuWe).")

# Controlling: the expected growth of youth-help costs per year (per cent), against which the
# dashboard reads the actual growth ("+2,6 % statt +4,0 %"); Bremen planned +4.0 %.
JUWE_EXPECTED_COST_TREND = Decimal(env.str("JUWE_EXPECTED_COST_TREND", default="4.0"))
# Controlling: how long a computed section may be shown from the summary table (seconds; 0: always
# compute). Changes of the records empty it anyway; the page shows the age of its figures.
JUWE_CONTROLLING_MAX_AGE = env.int("JUWE_CONTROLLING_MAX_AGE", default=900)

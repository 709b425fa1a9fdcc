"""Settings for the Intergenerational Self-Help Clubs product.

Everything that differs between a laptop and production comes from the environment
(see `.env.example`). A bad value stops the start with ImproperlyConfigured instead of
running with a guess.
"""

import datetime
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from a local `.env` (made by `make run`); the real environment wins."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        if not separator or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE, not {line!r}.")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


load_env_file(Path(os.environ.get("ENV_FILE", BASE_DIR / ".env")))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which cannot be read: {exc}") from None
    return env_str(name)


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example).")
    # Local development only: a fixed key is harmless because DEBUG never runs in production.
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"CSRF_TRUSTED_ORIGINS entries need a scheme (https://…), not {origin!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    # The product's apps, lowest layer first (README: code layout); web/ holds the pages.
    "core",
    "audit",
    "areas",
    "clubs",
    "members",
    "accounts",
    "boards",
    "funds",
    "loans",
    "activities",
    "reports",
    "targets",
    "spreadsheets",
    "demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.middleware.PreferredLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session ended for idleness leaves its note for the login page.
    "web.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.PermissionsPolicyMiddleware",
    # Last, as axes asks: it turns a lockout found during the login into the login page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
                "web.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# PostgreSQL in production (DATABASE_URL); a SQLite file in the project folder otherwise.
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {exc}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The report queries (sums over loans and instalments in correlated subqueries) run in a
        # few hundred milliseconds, but their estimated cost makes PostgreSQL compile them to
        # machine code first, which takes seconds each time (2,5 s of the portfolio page's 2,9 s, measured).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "db.sqlite3"),
            # The import worker (below) writes in one long transaction: with write-ahead logging
            # the pages go on reading meanwhile, and a page that must write waits for it up to
            # `timeout` seconds instead of failing at once. SQLite has one writer at a time all
            # the same: PostgreSQL is for production.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
        }
    }

# Background jobs (Django's Tasks API, README "Background jobs"): confirming an Excel import queues
# it, and `manage.py db_worker` runs it outside the web request. The database backend needs no
# other service; TASKS_BACKEND names another (an RQ backend) for a larger deployment.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# "progress": how far a running import or export job is (spreadsheets/progress.py). The import writes inside one
# transaction that no other connection sees until it ends, so its progress is kept out of the
# database, in files any process on this machine reads: the web server's workers and the job
# worker. Workers on several machines share a Redis or Memcached cache here instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("PROGRESS_DIR") or str(BASE_DIR / "var" / "progress"),
    },
}

# An export whose file would hold more rows than this (spreadsheets.exporting.Exporter.rows_estimate)
# is written by a background job rather than in the web request, and downloaded from its progress page.
EXPORT_IN_REQUEST_MAX_ROWS = env_int("EXPORT_IN_REQUEST_MAX_ROWS", 5000, minimum=100, maximum=1_000_000)
# Where those jobs write their files until they expire (a day): private, never served as static or
# media files. Only the requester downloads a file, through web/exports.py, which checks who asks.
EXPORTS_DIR = Path(env_str("EXPORTS_DIR") or BASE_DIR / "var" / "exports")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out username or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and formats: Vietnamese first, English second; dates dd/mm/yyyy in both.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = "config.formats"
# Off: with it on, every integer in a template is grouped, ids in links included (?club=2.147).
# Money goes through the `vnd` filter, which groups the Vietnamese way on purpose.
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}.") from None
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT: Path | None = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Messages stay on the server: a one-time password shown after creating an account must not
# travel in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The province this installation serves. The administrative-unit loader attaches the
# districts of a file to this province; club codes start with CLUB_CODE_PREFIX.
PROVINCE_CODE = env_str("PROVINCE_CODE", "51")
PROVINCE_NAME = env_str("PROVINCE_NAME", "Tỉnh Quảng Ngãi")
CLUB_CODE_PREFIX = env_str("CLUB_CODE_PREFIX", "QNG")
if not CLUB_CODE_PREFIX.isalnum():
    raise ImproperlyConfigured(f"CLUB_CODE_PREFIX must be letters and digits only, not {CLUB_CODE_PREFIX!r}.")

CLUBS_PER_PAGE = env_int("CLUBS_PER_PAGE", 25, minimum=5, maximum=500)
MEMBERS_PER_PAGE = env_int("MEMBERS_PER_PAGE", 30, minimum=5, maximum=500)
# The club rows of a report over many clubs (scorecard, portfolio, capital, completeness): the
# totals and the areas count every club; the table shows this many a page.
REPORT_CLUBS_PER_PAGE = env_int("REPORT_CLUBS_PER_PAGE", 100, minimum=10, maximum=5000)
# Age from which a member counts as an older person (Law on Older Persons 2009: 60; some
# localities use 55). Age groups are computed with it, never stored.
OLDER_PERSON_AGE = env_int("OLDER_PERSON_AGE", 60, minimum=50, maximum=80)
# The largest single amount of money a club may record (a cash-book entry, a loan, a repayment):
# anything above is a typing slip (an extra zero), refused with a message. 1 billion đồng by default.
FUNDS_MAX_AMOUNT = env_int("FUNDS_MAX_AMOUNT", 1_000_000_000, minimum=1_000_000, maximum=10**15)
# Monthly activity reports are due by this day of the following month (on time up to and
# including it, Vietnam time).
REPORT_DEADLINE_DAY = env_int("REPORT_DEADLINE_DAY", 10, minimum=1, maximum=28)
# A club "carried out all 8 activities" in a year when each area had activity in at least this many
# months of its accepted reports.
ACTIVITY_MONTHS_FOR_ALL_EIGHT = env_int("ACTIVITY_MONTHS_FOR_ALL_EIGHT", 1, minimum=1, maximum=12)
# Cash-book entries and loans per page.
ENTRIES_PER_PAGE = env_int("ENTRIES_PER_PAGE", 50, minimum=10, maximum=500)

# Production hardening; `manage.py check --deploy` is clean with DEBUG off and HTTPS in front.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0, maximum=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is asked of the browsers' lists by the site's owner and hard to undo: off unless set.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# `check --deploy` warns when preloading is off; here that is a choice, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles and everything else only from this site, and never written inline in the HTML
# (a test keeps style attributes, inline scripts and on… handlers out of the templates).
# Chart.js sizes its canvases through the DOM, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page uses, switched off (web.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "accelerometer", "gyroscope")
)

# Login throttling (django-axes), on the site's login and the admin's alike: after
# LOGIN_FAILURE_LIMIT wrong passwords for one username, or from one address whatever the
# usernames, that username or address is refused for LOGIN_LOCKOUT_MINUTES (counted again from
# each further try), unless province staff unlock it (accounts:lockouts) or an admin does in the admin.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=3, maximum=100)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1, maximum=7 * 24 * 60)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful login does not forget the failures (AXES_RESET_ON_SUCCESS stays off): it would
# forget the address's too, and one valid account would then let its holder guess others' passwords
# from that address without end, four at a time.
# The login page itself says why (web.accounts.lockout_response), in the user's language.
AXES_LOCKOUT_CALLABLE = "web.accounts.lockout_response"
# The client's address: X-Forwarded-For is trusted only behind the proxy (BEHIND_HTTPS_PROXY),
# which writes it; anyone else could send one to escape the limit or lock out someone else.
AXES_CLIENT_IP_CALLABLE = "web.accounts.client_ip"
# Passwords tried are never kept in the attempts' records.
AXES_SENSITIVE_PARAMETERS = ["password"]

# Sessions end after SESSION_IDLE_SECONDS without a request (a working day by default), sliding
# with activity (web.middleware.IdleSessionMiddleware), and with the browser when
# SESSION_EXPIRE_AT_BROWSER_CLOSE is on (shared computers). The cookie outlives the idle time by
# a week so that a user coming back finds the login page telling why they were signed out.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 8 * 60 * 60, minimum=5 * 60, maximum=30 * 24 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + 7 * 24 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

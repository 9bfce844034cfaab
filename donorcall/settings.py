"""Settings, read from the environment (every variable is listed in the README).

Defaults suit one machine: a SQLite file under var/, plain HTTP on 127.0.0.1. Production sets
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and DONORCALL_HTTPS=true.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("DONORCALL_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_or_create_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR.

    Several app servers must share one key: set SECRET_KEY for them (README, "Scaling out").
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_from_url(url: str) -> dict:
    """A Django DATABASES entry from a sqlite:/// or postgres:// URL.

    PostgreSQL goes through psycopg 3's pool, capped per process (DATABASE_POOL_SIZE) so that
    200 agents mean a few database sessions, not 200: requests wait for a free connection.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)) if parts.path else None)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    pool_size = int(os.environ.get("DATABASE_POOL_SIZE", "4"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "donorcall",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 0,  # the pool keeps connections; Django must not keep its own
        "OPTIONS": {
            **query,
            "pool": {"min_size": 1, "max_size": pool_size, "timeout": 30},
        },
        "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
    }


def sqlite_database(path: Path | None) -> dict:
    """SQLite tuned so the server and the worker can write side by side.

    WAL lets readers run during a write; IMMEDIATE takes the write lock when a transaction
    starts, so two writers queue on the busy timeout instead of failing with "database is
    locked" half-way through. A 64 MiB page cache per connection (SQLite's default is 2 MB,
    filled only as pages are read): a queue of millions of rows has more index and table
    interior pages than 2 MB holds, so each claim read some of them again from the operating
    system (T7, docs/benchmarks.md). bench/dialler_bench.py runs B7 with this same
    ``init_command``.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path or DATA_DIR / "donorcall.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA cache_size=-65536;"
            ),
        },
    }


DEBUG = env_bool("DEBUG")
HTTPS = env_bool("DONORCALL_HTTPS")
SECRET_KEY = read_or_create_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "donorcall.staff",
    "donorcall.donors",
    "donorcall.giving",
    "donorcall.campaigns",
    "donorcall.callcenter",
    "donorcall.appointments",
    "donorcall.outbox",
    "donorcall.supervision",
    "donorcall.telephony",
    "donorcall.runtime",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "donorcall.staff.middleware.SessionLimitsMiddleware",
    "donorcall.staff.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "donorcall.urls"
WSGI_APPLICATION = "donorcall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "donorcall.navigation.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(None)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.User"
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in limits (issue 2): lockout after 10 failures for 30 minutes; a session lasts at most
# 12 hours (a long shift plus extension) and ends after 30 minutes without a request.
LOGIN_MAX_FAILURES = 10
LOGIN_LOCKOUT_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DONORCALL_TIME_ZONE", "Europe/London")
USE_I18N = False
USE_TZ = True

# Numbers typed without a country code are read as numbers of this country.
DONORCALL_DEFAULT_REGION = os.environ.get("DONORCALL_DEFAULT_REGION", "GB").upper()
DONORCALL_ORGANISATION_NAME = os.environ.get("DONORCALL_ORGANISATION_NAME", "donorcall")
# Where donors reach the site from an email (the unsubscribe link): scheme, host, no path.
DONORCALL_PUBLIC_URL = (
    os.environ.get("DONORCALL_PUBLIC_URL", "http://127.0.0.1:8000").strip().rstrip("/")
)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "donorcall <donorcall@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Pay by link (docs/payments.md): unset URL = pay by link unavailable, offline gifts only.
# The key authenticates donorcall to the gateway; the secret verifies the gateway's callbacks.
DONORCALL_PAYMENT_LINK_URL = os.environ.get("DONORCALL_PAYMENT_LINK_URL", "").strip()
DONORCALL_PAYMENT_LINK_KEY = os.environ.get("DONORCALL_PAYMENT_LINK_KEY", "")
DONORCALL_PAYMENT_LINK_SECRET = os.environ.get("DONORCALL_PAYMENT_LINK_SECRET", "")
# DONORCALL_PUBLIC_URL (above) is also where the gateway sends its callbacks.

# The phone system's shared secret for /api/v1/telephony/inbound (docs/telephony.md); unset:
# the webhook refuses everything (inbound calls can still be taken by hand).
DONORCALL_TELEPHONY_SECRET = os.environ.get("DONORCALL_TELEPHONY_SECRET", "")

# Appointments (docs/appointments.md): an owner not signed in this long after the time hands
# the appointment to the team; one nobody called this long after it is flagged missed.
DONORCALL_APPOINTMENT_HAND_OVER_MINUTES = int(
    os.environ.get("DONORCALL_APPOINTMENT_HAND_OVER_MINUTES", "15")
)
DONORCALL_APPOINTMENT_MISSED_MINUTES = int(
    os.environ.get("DONORCALL_APPOINTMENT_MISSED_MINUTES", "120")
)

# Logs name objects by id, never a donor's name, number or email (COMPLIANCE.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

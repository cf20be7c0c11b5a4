"""Settings for the VRAEM conflict map, read from the environment.

Every value that differs between machines comes from an environment variable; nothing
secret is committed. `make run` / `make test` export what a local machine needs.
"""
from datetime import timedelta
from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. `make run` and `make test` create a local one in "
        ".secret_key; in production set it in the environment."
    )

if not DEBUG and "DJANGO_ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. With DJANGO_DEBUG off (production) list the host "
        "names this site answers to, comma-separated."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# HTTPS hardening, on by default in production; DJANGO_HTTPS=0 for a plain-HTTP local run.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only /embed/ (the explorer's map alone) may be framed, by these origins (CSP frame-ancestors
# syntax, space-separated; "*" any site). Every other page: X-Frame-Options DENY.
EMBED_FRAME_ANCESTORS = os.environ.get("EMBED_FRAME_ANCESTORS", "*").strip() or "'none'"
if any(c in EMBED_FRAME_ANCESTORS for c in ";,\r\n"):
    raise ImproperlyConfigured(
        f"EMBED_FRAME_ANCESTORS lists origins separated by spaces, got {EMBED_FRAME_ANCESTORS!r}"
    )
SESSION_COOKIE_HTTPONLY = True
# Messages ("Published: 3 incident(s).") live only in their signed cookie (at most 2 KB,
# compressed): never in the session, whose rows a stranger could otherwise create by replaying
# a full messages cookie (Django's default FallbackStorage writes the overflow to the session).
# Messages that do not fit are dropped, oldest first; the admin keeps each one short.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    # The project's apps, lowest layer first: each may import only from those listed before it.
    "security",
    "core",
    "regions",
    "incidents",
    "ogcapi",
    "web",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "security.middleware.LoginLockoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "core.unsaved_changes.UnsavedChangesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]
if not DEBUG:  # production serves collected static files itself (`make serve`)
    MIDDLEWARE.insert(3, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "incidents.context_processors.dataset_credits",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Without DATABASE_URL: database "vraem" on the local server reached through libpq's
# defaults (PGHOST/PGPORT/PGUSER), which is what `make` prepares.
# DATABASE_CONN_MAX_AGE (seconds) keeps connections open between requests; 0 closes them.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default="postgis:///vraem",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# PostgreSQL's JIT compiler spends 0.1-2 s compiling the plans of spatial queries whose cost
# estimate is high (tiles, set-based assignment) and wins nothing back on them
# (docs/performance.md); DATABASE_JIT=1 turns it back on.
if not env_bool("DATABASE_JIT", False):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL with PostGIS (scheme postgis://), "
        f"got engine {DATABASES['default']['ENGINE']!r}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (security/lockout.py): LOGIN_LOCKOUT_FAILURES failed logins for one username
# from one address within LOGIN_LOCKOUT_WINDOW_MINUTES lock that pair for
# LOGIN_LOCKOUT_MINUTES after the last one (admin login and API token login).
AUTHENTICATION_BACKENDS = ["security.lockout.LockoutModelBackend"]
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_WINDOW = timedelta(minutes=float(os.environ.get("LOGIN_LOCKOUT_WINDOW_MINUTES", "15")))
LOGIN_LOCKOUT_DURATION = timedelta(minutes=float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))

# --- Unsaved changes (config/unsaved_changes.py; issue #12, findings 2 and 3) ---------------
# An admin form posted after the session expired is kept only for the user whose signed login
# marker the browser holds (never for anonymous requests): at most UNSAVED_CHANGES_MAX_BYTES of
# form data (default 32 KB), for UNSAVED_CHANGES_MAX_AGE seconds (default 1 hour), one per user.
# Expired ones are rows of django_session: `manage.py clearsessions` (`make clearsessions`)
# removes them with the expired sessions.
UNSAVED_CHANGES_MAX_BYTES = env_int("UNSAVED_CHANGES_MAX_BYTES", 32 * 1024, minimum=1)
UNSAVED_CHANGES_MAX_AGE = env_int("UNSAVED_CHANGES_MAX_AGE", 60 * 60, minimum=1)
# --- end of unsaved changes ------------------------------------------------------------------

# Spanish first (#14); LocaleMiddleware picks English from Accept-Language. Each app keeps
# its own catalogue in <app>/locale; LOCALE_PATHS holds the project-wide one.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: the project's own in static/, and front-end libraries installed from the
# npm registry into node_modules/ (by `make`), served under /static/vendor/.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production (`make serve`): whitenoise serves collected files compressed, with hashed names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/jquery", NODE_MODULES / "jquery" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/leaflet.heat", NODE_MODULES / "leaflet.heat" / "dist"),
    ("vendor/leaflet.vectorgrid", NODE_MODULES / "leaflet.vectorgrid" / "dist"),
]

# Reference data read at set-up (never copied into the repository).
PERU_DATA_SOURCE = os.environ.get(
    "PERU_DATA_SOURCE", str(BASE_DIR.parent / "shared" / "data" / "peru")
)
ALERTS_DIR = Path(os.environ.get("ALERTS_DIR", BASE_DIR.parent / "shared" / "data" / "alerts"))

# Upper limits of what an operator may feed in: an import file (import_incidents) and a
# bulletin (ingest_alert, the admin's "Ingest bulletin" page). Larger input is refused, named.
IMPORT_MAX_BYTES = int(float(os.environ.get("IMPORT_MAX_MB", "100")) * 1024 * 1024)
# What reading an import file may cost (second security review, finding 6). CSV rows are
# streamed (one row in memory at a time), so IMPORT_MAX_BYTES bounds only disk and time; the
# row count bounds the work of one import (a row is a few database writes). GeoJSON is parsed
# whole (a `crs` member may follow the features), at up to ~22 bytes of memory per byte of file
# (`[[],[],…]` in a property): its own lower size limit keeps one import near 250 MB of Python
# objects (~800 MB resident, measured for a hostile 10 MB file).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_GEOJSON_MAX_BYTES = int(float(os.environ.get("IMPORT_GEOJSON_MAX_MB", "10")) * 1024 * 1024)
BULLETIN_MAX_CHARS = env_int("BULLETIN_MAX_CHARS", 100000, minimum=1)

# Basemap tiles are decoration: the map works when they cannot load. Empty disables them.
MAP_TILES_URL = os.environ.get(
    "MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
DATA_ATTRIBUTION = (
    "Boundaries: INEI, via mapsPERU (GPL-3). "
    "Populated places: INEI, via ubigeo-peru-aumentado (MIT)."
)

# --- Dataset licences and UCDP history (issue #13, parts 5 and 7) ----------------------------
# RESTRICTED_DATASETS_PUBLIC: rows of a dataset whose licence forbids redistribution (ACLED)
# go to anonymous readers too (API, downloads, tiles, pages, `export_incidents --public`).
# Off by default: they are kept for editors; tiles only count them in clusters.
RESTRICTED_DATASETS_PUBLIC = env_bool("RESTRICTED_DATASETS_PUBLIC", False)
# `manage.py load_ucdp`: where a GED release is downloaded from ({release}: "24.1",
# {compact}: "241"), how long to wait, and the largest download accepted.
UCDP_GED_URL = os.environ.get(
    "UCDP_GED_URL", "https://ucdp.uu.se/downloads/ged/ged{compact}-csv.zip"
)
UCDP_GED_RELEASE = os.environ.get("UCDP_GED_RELEASE", "24.1")
UCDP_TIMEOUT_SECONDS = env_int("UCDP_TIMEOUT_SECONDS", 60, minimum=1)
UCDP_MAX_BYTES = env_int("UCDP_MAX_MB", 300, minimum=1) * 1024 * 1024
# --- end of dataset licences ------------------------------------------------------------------

LEAFLET_CONFIG = {
    # django-leaflet ships Leaflet in its own static files; (lat, lng) order here.
    "DEFAULT_CENTER": (-12.3, -74.0),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 18,
    "TILES": [("Basemap", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})]
    if MAP_TILES_URL
    else [],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
}

# The explorer draws the incidents in view as GeoJSON markers up to this many, as vector tiles above.
EXPLORER_TILE_THRESHOLD = env_int("EXPLORER_TILE_THRESHOLD", 5000)

# REST API. Anonymous clients may only read published data, within the documented rates.
API_MAX_PAGE_SIZE = 5000

# --- OGC API - Features (issue #17; ogcapi/) ---
# Features per /ogc/…/items page when the client gives no `limit`, and the most it may ask for
# (a larger `limit` is reduced to it, as OGC permits; GDAL and QGIS ask for large pages).
OGC_ITEMS_DEFAULT_LIMIT = env_int("OGC_ITEMS_DEFAULT_LIMIT", 100, minimum=1)
OGC_ITEMS_MAX_LIMIT = env_int("OGC_ITEMS_MAX_LIMIT", API_MAX_PAGE_SIZE, minimum=1)
# --- end of OGC API block ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
        # A map view asks for a dozen tiles at once, and again on every pan or zoom.
        "tiles": os.environ.get("API_TILE_RATE", "3000/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.api.GeoJSONRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # `format` is an ordinary, validated query parameter of the list endpoints.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VRAEM conflict map API",
    "DESCRIPTION": (
        "Geocoded security incidents in Peru, administrative areas and travel-advisory zones. "
        "Geometries are GeoJSON (RFC 7946): longitude, latitude in WGS 84. Anonymous clients "
        "read published incidents only, at most API_ANON_RATE requests (default 120/minute). "
        "GIS desktops (QGIS, ArcGIS, GDAL): the OGC API - Features service at [/ogc/](/ogc/) and "
        "a QGIS project, [/ogc/vraem.qgs](/ogc/vraem.qgs), with incidents, districts and advisory "
        "zones in the map's colours."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Bounds on what anonymous requests cost (issue #12, finding 6) -------------------------
# API_PAGE_RATE: requests per client to the HTML pages (explorer, incident, region, advisories,
# region search; web/throttle.py). MAP_PAGE_CACHE_SECONDS: how long a rendered page map
# is kept for anonymous visitors (it is also dropped as soon as published data change;
# web/map_cache.py). TILE_QUERY_TIMEOUT_MS: a vector tile query running longer is
# cancelled and answered 503 with Retry-After (incidents/api/tiles.py).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["pages"] = os.environ.get("API_PAGE_RATE", "60/minute")
MAP_PAGE_CACHE_SECONDS = env_int("MAP_PAGE_CACHE_SECONDS", 3600, minimum=1)
TILE_QUERY_TIMEOUT_MS = env_int("TILE_QUERY_TIMEOUT_MS", 2000, minimum=1)

# --- Client address, shared throttle counters, login lockout rules (issue #12, finding 4) ---
# security/client.py takes the client's address in one place for the throttles, the login
# lockout and the access log. TRUSTED_PROXY_COUNT: how many reverse proxies of ours stand in
# front of the app, each appending to X-Forwarded-For; 0 (default) = the socket address only,
# N = the Nth X-Forwarded-For entry from the right. Never more than the proxies really there.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# DRF's own get_ident follows NUM_PROXIES; the app's throttles (security/throttling.py) use
# security/client.py instead, but a DRF throttle left somewhere then still agrees with them.
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "security.throttling.AnonRateThrottle",
    "security.throttling.UserRateThrottle",
]
# POST /api/v1/token/ per client (security/api.py): each try costs a password hash.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"] = os.environ.get("API_TOKEN_RATE", "10/minute")
# Throttle counters live in one table every gunicorn worker shares (`make` runs
# `createcachetable`); the default cache (built tiles) stays per process.
THROTTLE_CACHE = "throttle"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    THROTTLE_CACHE: {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "vraem_throttle_cache",
        # Above this many rows expired ones are deleted, then a third of the rest; high enough
        # that a client with many addresses cannot push other clients' counters out.
        "OPTIONS": {"MAX_ENTRIES": env_int("THROTTLE_CACHE_MAX_ENTRIES", 100_000, minimum=1000)},
    },
}
# Login lockout rules beyond the pair (security/lockout.py): LOGIN_ADDRESS_FAILURES failures
# from one address (any usernames) lock that address; LOGIN_ACCOUNT_FAILURES failures for one
# username from all addresses lock it except from addresses it logged in from within
# LOGIN_KNOWN_ADDRESS_DAYS. Failure rows older than LOGIN_FAILURE_RETENTION_DAYS are deleted.
LOGIN_ADDRESS_FAILURES = env_int("LOGIN_ADDRESS_FAILURES", 20, minimum=1)
LOGIN_ACCOUNT_FAILURES = env_int("LOGIN_ACCOUNT_FAILURES", 10, minimum=1)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 30, minimum=1)
LOGIN_FAILURE_RETENTION_DAYS = env_int("LOGIN_FAILURE_RETENTION_DAYS", 7, minimum=1)
# --- end of issue #12 finding 4 block ---

# --- Work bounded apart from the request rates (second review of issue #12, findings 4, 5) --
# API_TILE_BUILD_RATE: vector tiles a client may have *built* (not in the cache: a new filter,
# tile or data version; incidents/api/tiles.py), besides API_TILE_RATE for all tile requests.
# API_EXPORT_RATE: full downloads (`/api/v1/incidents/?format=csv|geojson`) per client.
# EXPORT_MAX_ROWS_ANON: the most incidents one anonymous download may hold; a download matching
# more is refused (400 naming the limit) — narrow the filters, or use an API token.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["tile_builds"] = os.environ.get("API_TILE_BUILD_RATE", "120/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["exports"] = os.environ.get("API_EXPORT_RATE", "10/minute")
# API_OGC_BUILD_RATE: /ogc/…/items pages a client may have *built* (not cached: a bbox or datetime
# page, a new filter or data version; ogcapi/views.py `_page`), besides the request rates.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["ogc_builds"] = os.environ.get("API_OGC_BUILD_RATE", "120/minute")
EXPORT_MAX_ROWS_ANON = env_int("EXPORT_MAX_ROWS_ANON", 100_000, minimum=1)

# Two incidents of the same event type this close in space and time are flagged as possible
# duplicates in the review queue, on save and on ingest.
INCIDENT_DUPLICATE_RADIUS_KM = float(os.environ.get("INCIDENT_DUPLICATE_RADIUS_KM", "10"))
INCIDENT_DUPLICATE_DAYS = env_int("INCIDENT_DUPLICATE_DAYS", 2)

# Logs: one JSON object per line (DJANGO_LOG_FORMAT=json, the default when DEBUG is off) or
# plain text; every record of a request carries its id (config/logs.py), and every request
# writes one access line (logger vraem.access).
LOGGING = logging_config(
    log_format=os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
)

# GeoDjango warns that GDAL < 3.9 cannot block file/network access from spatial references
# (Debian 12 ships 3.6). Spatial files here come from operators, not anonymous users.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

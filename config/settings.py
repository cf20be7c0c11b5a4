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
    "alerts",
    "ogcapi",
    "web",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # language from the URL prefix, cookie, Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replicas.ReplicaReadsMiddleware",  # anonymous reads to a standby (DATABASE_REPLICA_URL)
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
        conn_health_checks=True,  # a kept connection is checked before a request uses it
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

# --- Read replicas (issue #18 target 7; core/replicas.py, `make replica`) ------------------
# DATABASE_REPLICA_URL: one or more hot standbys of DATABASE_URL (comma-separated URLs; aliases
# "replica", "replica2", ...). Anonymous GET/HEAD requests read one of them (picked per request;
# a standby that does not answer is skipped, then the primary is used); every write, every read
# of a logged-in user or an API token, every read inside a transaction and the bookkeeping
# tables (sessions, throttle counters, login records) use the primary. REPLICA_PIN_SECONDS: after
# a POST/PUT/PATCH/DELETE a cookie keeps that browser on the primary this long (its own change
# is never read stale, even logged out). Migrations run only on the primary. In tests each
# standby reads the test database (TEST MIRROR: same name, the standby's host and port).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URL", ""), start=1):
    _alias = "replica" if _number == 1 else f"replica{_number}"
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                     conn_health_checks=True)
    _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    DATABASES[_alias] = {**_replica, "TEST": {"MIRROR": "default"}}
    if DATABASES[_alias]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL must use the scheme postgis://, got {_url!r}")
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 30, minimum=1)
# --- end of read replicas ------------------------------------------------------------------

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

# --- Languages (#14) ---------------------------------------------------------------------
# Spanish first (the default: an unprefixed public URL redirects by Accept-Language, Spanish
# when the browser prefers neither), English second. Public pages live under /es/ and /en/
# (config/urls.py, i18n_patterns); the admin, /api/, /ogc/ and tiles stay unprefixed and take
# the language from the django_language cookie or Accept-Language. Catalogues: locale/
# (templates, config), each app's <app>/locale/; `.mo` files are built by `make` (compilemessages).
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # "1.234" in Spanish, "24 June 2018" in English
# --- end of languages --------------------------------------------------------------------
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
    ("vendor/html-to-image", NODE_MODULES / "html-to-image" / "dist"),  # the explorer's PNG
    ("vendor/axe-core", NODE_MODULES / "axe-core"),  # the browser tests' accessibility check
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
DATA_ATTRIBUTION = _(
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
# Throttle counters live in one UNLOGGED table every gunicorn worker shares
# (security_rate_counter, one upsert per check; security/throttling.py); the default cache
# (built tiles, and the counters while the primary is down) stays per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# --- Whole public pages from a cache (issue #18, target 1; web/page_cache.py) ---
# Anonymous GETs of the map pages are kept whole, keyed by published data version, language,
# path and the parameters a page reads, in a cache every gunicorn worker of the machine shares.
# PAGE_CACHE_BACKEND: "file" (default; files in PAGE_CACHE_DIR, a hit never touches
# PostgreSQL) or "database" (table vraem_page_cache, made by createcachetable).
# PAGE_CACHE_MAX_ENTRIES: pages kept before the backend culls a third of them;
# PAGE_CACHE_SECONDS: the longest a page lives (a write to published data retires it at once).
PAGE_CACHE = "pages"
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)  # 0: every page rendered (make loadtest's baseline)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600, minimum=1)
PAGE_CACHE_BACKENDS = {
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
             "LOCATION": os.environ.get("PAGE_CACHE_DIR") or str(BASE_DIR / "var" / "page-cache")},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vraem_page_cache"},
}
if os.environ.get("PAGE_CACHE_BACKEND", "file") not in PAGE_CACHE_BACKENDS:
    raise ImproperlyConfigured(f"PAGE_CACHE_BACKEND must be one of {sorted(PAGE_CACHE_BACKENDS)}, "
                               f"not {os.environ['PAGE_CACHE_BACKEND']!r}")
CACHES[PAGE_CACHE] = {
    **PAGE_CACHE_BACKENDS[os.environ.get("PAGE_CACHE_BACKEND", "file")],
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 5000, minimum=10), "CULL_FREQUENCY": 3},
}
# Anonymous API answers (incident pages as GeoJSON, stats; core/answer_cache.py) are
# kept the same way, in a store of their own beside the pages' (a flood of distinct queries
# culls API answers, never pages); API_CACHE_MAX_KB: larger answers (big page_size) are not kept.
API_CACHE = "api_answers"
API_CACHE_MAX_KB = env_int("API_CACHE_MAX_KB", 1024, minimum=1)
CACHES[API_CACHE] = {
    **PAGE_CACHE_BACKENDS[os.environ.get("PAGE_CACHE_BACKEND", "file")],
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 5000, minimum=10), "CULL_FREQUENCY": 3},
}
CACHES[API_CACHE]["LOCATION"] = (str(Path(CACHES[API_CACHE]["LOCATION"]) / "api")  # a folder of its own
                                 if CACHES[API_CACHE]["BACKEND"].endswith("FileBasedCache") else "vraem_api_cache")
# Built vector tiles (incidents/api/tiles.py) in a third store of the same kind: every worker
# reads a tile another built (in the per-process default cache each of make serve's workers
# built it again; make bench figure d, docs/performance.md).
TILE_CACHE = "tiles"
CACHES[TILE_CACHE] = {**CACHES[API_CACHE], "OPTIONS": {**CACHES[API_CACHE]["OPTIONS"]}}
CACHES[TILE_CACHE]["LOCATION"] = (str(Path(CACHES[PAGE_CACHE]["LOCATION"]) / "tiles")
                                  if CACHES[TILE_CACHE]["BACKEND"].endswith("FileBasedCache") else "vraem_tile_cache")
# --- end of issue #18 target 1 block ---
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
# API_EXPORT_RATE: full downloads (`/api/v1/incidents/?format=csv|geojson|gpkg|kml`) per client.
# EXPORT_MAX_ROWS_ANON: the most incidents one anonymous download may hold; a download matching
# more is refused (400 naming the limit) — narrow the filters, or use an API token.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["tile_builds"] = os.environ.get("API_TILE_BUILD_RATE", "120/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["exports"] = os.environ.get("API_EXPORT_RATE", "10/minute")
# API_OGC_BUILD_RATE: /ogc/…/items pages a client may have *built* (not cached: a bbox or datetime
# page, a new filter or data version; ogcapi/views.py `_page`), besides the request rates.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["ogc_builds"] = os.environ.get("API_OGC_BUILD_RATE", "120/minute")
EXPORT_MAX_ROWS_ANON = env_int("EXPORT_MAX_ROWS_ANON", 100_000, minimum=1)

# --- Route check (issue #15 part 3; incidents/services/routes.py, /route/, /api/v1/route-check/) --
# API_ROUTE_CHECK_RATE: route checks per client (page and API together; each is three corridor
# queries). ROUTE_MAX_POINTS: vertices of a drawn or uploaded line; ROUTE_MAX_STOPS: places in a
# route; ROUTE_UPLOAD_MAX_KB: a GPX/KML/GeoJSON upload; ROUTE_MAX_KM / ROUTE_MAX_DAYS: the widest
# corridor (km either side) and the longest look-back (days) one may ask for;
# ROUTE_MAX_INCIDENTS: incidents listed (the count says how many matched).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["route_checks"] = os.environ.get("API_ROUTE_CHECK_RATE", "30/minute")
ROUTE_MAX_POINTS = env_int("ROUTE_MAX_POINTS", 5000, minimum=2)
ROUTE_MAX_STOPS = env_int("ROUTE_MAX_STOPS", 20, minimum=2)
ROUTE_UPLOAD_MAX_BYTES = env_int("ROUTE_UPLOAD_MAX_KB", 2048, minimum=1) * 1024
ROUTE_MAX_KM = env_int("ROUTE_MAX_KM", 50, minimum=1)
ROUTE_MAX_DAYS = env_int("ROUTE_MAX_DAYS", 3650, minimum=1)
ROUTE_MAX_INCIDENTS = env_int("ROUTE_MAX_INCIDENTS", 500, minimum=1)
# --- end of route check block ---

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

# --- E-mail alerts (alerts/, issue #15 part 2) ---
# Mail goes out through Django's SMTP backend: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL, EMAIL_TIMEOUT (seconds), from
# DEFAULT_FROM_EMAIL. Without EMAIL_HOST a development server (DJANGO_DEBUG=1) prints the
# messages on the console instead; EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG and not EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "VRAEM conflict map <alerts@localhost>")
# Links in messages start with ALERTS_SITE_URL (the address people reach the site at).
# Caps on what a user may save: ALERTS_MAX_PER_USER alerts per account; a drawn polygon of at
# most ALERTS_MAX_VERTICES vertices and ALERTS_MAX_AREA_KM2 km² (geodesic); a radius of
# ALERTS_MIN_RADIUS_KM..ALERTS_MAX_RADIUS_KM. Only incidents that occurred within
# ALERTS_MAX_AGE_DAYS are sent. `send_alerts --loop` runs every ALERTS_SEND_INTERVAL_SECONDS;
# a message the SMTP server refuses is retried on each run up to ALERTS_MAX_ATTEMPTS times.
ALERTS_SITE_URL = os.environ.get("ALERTS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALERTS_MAX_PER_USER = env_int("ALERTS_MAX_PER_USER", 20, minimum=1)
ALERTS_MAX_VERTICES = env_int("ALERTS_MAX_VERTICES", 1000, minimum=4)
ALERTS_MAX_AREA_KM2 = env_int("ALERTS_MAX_AREA_KM2", 200_000, minimum=1)
ALERTS_MIN_RADIUS_KM = 0.1
ALERTS_MAX_RADIUS_KM = env_int("ALERTS_MAX_RADIUS_KM", 200, minimum=1)
ALERTS_MAX_AGE_DAYS = env_int("ALERTS_MAX_AGE_DAYS", 30, minimum=1)
ALERTS_SEND_INTERVAL_SECONDS = env_int("ALERTS_SEND_INTERVAL_SECONDS", 60, minimum=1)
ALERTS_MAX_ATTEMPTS = env_int("ALERTS_MAX_ATTEMPTS", 5, minimum=1)

# Sharing a view, feeds and downloads (#15 parts 1, 4, 5).
# FILTER_MAX_VALUES: the most values one repeatable filter takes (`event_type=A&event_type=B`,
# also actor, region, sub_event_type, dataset); more is a 400 naming the limit.
# FEED_MAX_ITEMS: the newest incidents an Atom feed of a view holds.
FILTER_MAX_VALUES = env_int("FILTER_MAX_VALUES", 20, minimum=1)
FEED_MAX_ITEMS = env_int("FEED_MAX_ITEMS", 50, minimum=1)

"""The site's routes: each app owns its own; here they are put together.

Pages (web), the admin, the REST API under /api/v1/ (one "api" namespace made of the
incidents', regions' and security apps' routes), OGC API - Features under /ogc/ (ogcapi), vector tiles (incidents), health check and
API documentation (core).

Languages (#14): the public pages and their JavaScript catalogue are under /es/ and /en/
(i18n_patterns; LocaleMiddleware redirects an unprefixed page, query string kept, by the
cookie or Accept-Language, Spanish otherwise). The admin, the APIs, tiles and the health check
are not prefixed: machines and bookmarks keep their URLs, and their language comes from the
cookie or Accept-Language.
"""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from incidents.api.urls import urlpatterns as incident_api
from ogcapi.views import LandingAliasView
from regions.api.urls import urlpatterns as region_api
from security.urls import api_urlpatterns as security_api

api_v1 = [*incident_api, *region_api, *security_api]

urlpatterns = [
    *i18n_patterns(
        path("", include("web.urls")),
        path("jsi18n/", JavaScriptCatalog.as_view(packages=["web"]), name="javascript-catalog"),
        prefix_default_language=True,
    ),
    path("", include("web.unprefixed_urls")),
    path("i18n/setlang/", set_language, name="set_language"),  # the admin's language switcher
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("ogc/", include("ogcapi.urls")),
    path("ogc", LandingAliasView.as_view()),  # QGIS does not follow the slash redirect
    path("", include("incidents.urls")),
    path("", include("core.urls")),
]

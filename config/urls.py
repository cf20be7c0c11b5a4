"""The site's routes: each app owns its own; here they are put together.

Pages (web), the admin, the REST API under /api/v1/ (one "api" namespace made of the
incidents', regions' and security apps' routes), OGC API - Features under /ogc/ (ogcapi), vector tiles (incidents), health check and
API documentation (core).
"""
from django.contrib import admin
from django.urls import include, path

from incidents.api.urls import urlpatterns as incident_api
from ogcapi.views import LandingAliasView
from regions.api.urls import urlpatterns as region_api
from security.urls import api_urlpatterns as security_api

api_v1 = [*incident_api, *region_api, *security_api]

urlpatterns = [
    path("", include("web.urls")),
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("ogc/", include("ogcapi.urls")),
    path("ogc", LandingAliasView.as_view()),  # QGIS does not follow the slash redirect
    path("", include("incidents.urls")),
    path("", include("core.urls")),
]

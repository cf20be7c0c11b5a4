from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from config.health import healthz
from incidents import views as incident_views
from incidents.api.tiles import DistrictTileView, IncidentTileView
from incidents.api.views import IncidentViewSet, StatsView
from regions import views as region_views
from regions.api.views import AdvisoryListView, RegionDetailView, RegionListView
from security.api import obtain_auth_token

def favicon(request):
    # static() at request time: in production the hashed name comes from the manifest.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")

api_v1 = [
    *router.urls,
    path("regions/", RegionListView.as_view(), name="region-list"),
    path("regions/<str:ubigeo>/", RegionDetailView.as_view(), name="region-detail"),
    path("advisories/", AdvisoryListView.as_view(), name="advisory-list"),
    path("stats/", StatsView.as_view(), name="stats"),
    path("token/", obtain_auth_token, name="token"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", incident_views.explorer, name="map"),
    path("embed/", incident_views.explorer_embed, name="embed"),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident"),
    path("regions/", region_views.region_search, name="region-search"),
    path("regions/<str:ubigeo>/", region_views.region_detail, name="region"),
    path("advisories/", region_views.advisories, name="advisories"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("tiles/incidents/<int:z>/<int:x>/<int:y>.pbf", IncidentTileView.as_view(), name="incident-tile"),
    path("tiles/districts/<int:z>/<int:x>/<int:y>.pbf", DistrictTileView.as_view(), name="district-tile"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file (?script): no inline script, so
    # the page runs under the CSP without a nonce.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"), name="api-redoc"),
    path("favicon.ico", favicon),
]

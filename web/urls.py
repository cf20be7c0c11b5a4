"""The public pages."""
from django.urls import path

from . import feeds
from .qgis import QgisProjectView
from .views import incidents, regions, routes

urlpatterns = [
    path("", incidents.explorer, name="map"),
    path("embed/", incidents.explorer_embed, name="embed"),
    path("feeds/incidents.atom", feeds.incident_feed, name="incident-feed"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("regions/", regions.region_search, name="region-search"),
    path("regions/<str:ubigeo>/", regions.region_detail, name="region"),
    path("advisories/", regions.advisories, name="advisories"),
    path("route/", routes.route_check_page, name="route-check"),
    path("ogc/vraem.qgs", QgisProjectView.as_view(), name="qgis-project"),
]

"""The public pages, under the language prefix /es/, /en/ (config/urls.py); the QGIS project,
the same in every language, is in unprefixed_urls.py."""
from django.urls import path

from . import feeds
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
]


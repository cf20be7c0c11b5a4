"""The public pages, under the language prefix /es/, /en/ (config/urls.py); the QGIS project,
the same in every language, is in unprefixed_urls.py."""
from django.urls import path

from .views import incidents, regions

urlpatterns = [
    path("", incidents.explorer, name="map"),
    path("embed/", incidents.explorer_embed, name="embed"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("regions/", regions.region_search, name="region-search"),
    path("regions/<str:ubigeo>/", regions.region_detail, name="region"),
    path("advisories/", regions.advisories, name="advisories"),
]


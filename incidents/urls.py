"""Vector tiles of incidents and of incidents per district."""
from django.urls import path

from .api.tiles import DistrictTileView, IncidentTileView

urlpatterns = [
    path("tiles/incidents/<int:z>/<int:x>/<int:y>.pbf", IncidentTileView.as_view(), name="incident-tile"),
    path("tiles/districts/<int:z>/<int:x>/<int:y>.pbf", DistrictTileView.as_view(), name="district-tile"),
]

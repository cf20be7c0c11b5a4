"""Routes of the web app outside the language prefix: the QGIS project beside the OGC API."""
from django.urls import path

from .qgis import QgisProjectView

urlpatterns = [
    path("ogc/vraem.qgs", QgisProjectView.as_view(), name="qgis-project"),
]

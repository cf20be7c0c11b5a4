"""Incidents, their statistics and an area's incident counts (under /api/v1/, "api" namespace)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .regions import RegionDetailView
from .routes import RouteCheckView
from .views import IncidentViewSet, StatsView

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    *router.urls,
    path("regions/<str:ubigeo>/", RegionDetailView.as_view(), name="region-detail"),
    path("stats/", StatsView.as_view(), name="stats"),
    path("route-check/", RouteCheckView.as_view(), name="route-check"),
]

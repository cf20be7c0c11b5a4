"""Areas and advisory zones (under /api/v1/, in the "api" namespace)."""
from django.urls import path

from .views import AdvisoryListView, RegionListView

urlpatterns = [
    path("regions/", RegionListView.as_view(), name="region-list"),
    path("advisories/", AdvisoryListView.as_view(), name="advisory-list"),
]

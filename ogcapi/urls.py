"""OGC API - Features under /ogc/ ("ogcapi" namespace)."""
from django.urls import path

from . import views
from .collections import COLLECTIONS

app_name = "ogcapi"
COLLECTION = "collections/<str:collection_id>"

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("api", views.OpenApiView.as_view(), name="openapi"),
    path("conformance", views.ConformanceView.as_view(), name="conformance"),
    path("collections", views.CollectionsView.as_view(), name="collections"),
    path(COLLECTION, views.CollectionView.as_view(), name="collection"),
    path(f"{COLLECTION}/items", views.ItemsView.as_view(), name="items"),
    path(f"{COLLECTION}/items/<str:feature_id>", views.ItemView.as_view(), name="item"),
    path(f"{COLLECTION}/queryables", views.QueryablesView.as_view(), name="queryables"),
    # Each collection's own paths first: the OpenAPI document then lists its parameters.
]
for _id, _collection in COLLECTIONS.items():
    _items, _item = views.collection_views(_collection)
    urlpatterns[3:3] = [
        path(f"collections/{_id}/items", _items.as_view(), {"collection_id": _id}),
        path(f"collections/{_id}/items/<str:feature_id>", _item.as_view(), {"collection_id": _id}),
    ]

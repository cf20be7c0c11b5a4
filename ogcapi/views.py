"""OGC API - Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 3 queryables and
queryables as query parameters) on the database-built GeoJSON of the rest of the API.

Every view is a DRF APIView: the same authentication, visibility (visible_incidents) and
throttles (settings DEFAULT_THROTTLE_CLASSES, security.throttling) as /api/v1/.
"""
import hashlib
import json
import re
from datetime import datetime, timezone
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.core.cache import cache
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import StaticHTMLRenderer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.openapi import feature_collection_schema, feature_schema
from incidents.models import Incident
from incidents.selectors import hides_restricted, sees_unpublished
from incidents.tiles import data_version
from regions import geojson
from regions.selectors import regions_version
from security.throttling import check_work_rate

from . import params
from .collections import COLLECTIONS

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]
TAGS = ["OGC API - Features"]
LINK = {"type": "object", "required": ["href", "rel"], "properties": {
    "href": {"type": "string", "format": "uri"}, "rel": {"type": "string"},
    "type": {"type": "string"}, "title": {"type": "string"}}}
LINKS = {"type": "array", "items": LINK}
COLLECTION = {"type": "object", "required": ["id", "links"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
    "links": LINKS, "extent": {"type": "object"}, "itemType": {"type": "string"},
    "crs": {"type": "array", "items": {"type": "string"}}}}
F_PARAM = OpenApiParameter("f", str, enum=list(params.FORMATS), description="json (default) or html.")
COLLECTION_ID = OpenApiParameter("collectionId", str, OpenApiParameter.PATH,
                                 enum=list(COLLECTIONS), description="The collection.")


class OgcView(APIView):
    """Read-only: anonymous clients allowed (DjangoModelPermissionsOrAnonReadOnly needs a
    queryset; what each client sees is decided by the collection's `rows`)."""

    queryset = Incident.objects.none()
    # Browsers ask for text/html: the views answer it themselves (params.output_format).
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, StaticHTMLRenderer]


def _url(request, name: str, query: dict | list | None = None, **kwargs) -> str:
    """`query`: a dict, or (name, value) pairs where a name may repeat."""
    url = request.build_absolute_uri(reverse(f"ogcapi:{name}", kwargs=kwargs))
    return f"{url}?{urlencode(query)}" if query else url


def _self_and_alternate(request, name: str, json_type: str = JSON, **kwargs) -> list[dict]:
    fmt = params.output_format(request)
    return [
        {"href": _url(request, name, {"f": "json"}, **kwargs), "type": json_type,
         "rel": "self" if fmt == "json" else "alternate", "title": "This document as JSON"},
        {"href": _url(request, name, {"f": "html"}, **kwargs), "type": HTML,
         "rel": "self" if fmt == "html" else "alternate", "title": "This document as HTML"},
    ]


def _respond(request, document: dict, template: str, content_type: str = JSON, **context):
    if params.output_format(request) == "html":
        return HttpResponse(render_to_string(f"ogcapi/{template}", {"doc": document, **context},
                                             request=request), content_type="text/html; charset=utf-8")
    return HttpResponse(json.dumps(document, default=str), content_type=content_type)


def _collection(collection_id: str):
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise Http404(_("No collection %(collection_id)r.") % {"collection_id": collection_id}) from None


CACHE_SECONDS = 24 * 3600


def data_key(collection, user) -> str:
    """What decides the rows this user sees in this collection, and their version: areas and
    zones are the same for everyone and follow regions_version; incidents follow the
    published-only data version for anyone who does not see drafts (so drafts leave no trace
    in what anonymous users get), the full one for those who do, like the vector tiles."""
    if collection.model is not Incident:
        return f"regions:{regions_version()}"
    staff = sees_unpublished(user)
    return f"incidents:{data_version(published_only=not staff)}:{staff}:{hides_restricted(user)}"


def _cache_key(kind: str, *parts) -> str:
    return f"ogc:{kind}:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _extent(collection, rows, user) -> dict:
    """Cached per collection and data version: a bbox and first/last day over every visible
    row is an aggregate over the whole table, asked by every /collections request."""
    key = _cache_key("extent", collection.id, data_key(collection, user))
    extent = cache.get(key)
    if extent is None:
        extent = _build_extent(collection, rows)
        cache.set(key, extent, CACHE_SECONDS)
    return extent


def _build_extent(collection, rows) -> dict:
    box = rows.aggregate(box=Extent(collection.geom_field))["box"]
    extent = {"spatial": {"bbox": [list(box)] if box else [[-81.33, -18.35, -68.65, -0.04]],
                          "crs": params.CRS84}}
    if collection.temporal:
        first, last = collection.temporal
        span = rows.aggregate(start=Min(first), end=Max(last or first))
        extent["temporal"] = {"interval": [[span["start"] and f"{span['start']}T00:00:00Z",
                                            span["end"] and f"{span['end']}T23:59:59Z"]],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return extent


def collection_document(request, collection) -> dict:
    rows = collection.rows(request.user)
    items = lambda fmt: _url(request, "items", {"f": fmt}, collection_id=collection.id)  # noqa: E731
    return {
        "id": collection.id, "title": collection.title, "description": collection.description,
        "itemType": "feature", "crs": [params.CRS84],
        "extent": _extent(collection, rows, request.user),
        "links": [
            {"href": _url(request, "collection", {"f": "json"}, collection_id=collection.id),
             "rel": "self", "type": JSON, "title": collection.title},
            {"href": items("json"), "rel": "items", "type": GEOJSON, "title": "Features as GeoJSON"},
            {"href": items("html"), "rel": "items", "type": HTML, "title": "Features as HTML"},
            {"href": _url(request, "queryables", collection_id=collection.id),
             "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": SCHEMA_JSON,
             "title": "Queryables"},
        ],
    }


class OpenApiView(SpectacularAPIView):
    """The OGC API's OpenAPI 3.0 document (drf-spectacular): its /ogc/ operations, with paths
    relative to the landing page and the landing page as the server, under the media type OGC
    names (GDAL refuses the service description under another).

    Relative paths are what OGC clients look up: GDAL's OAPIF driver reads the query parameters
    of `paths["/collections/{id}/items"]` (ogroapifdriver.cpp, OGROAPIFLayer::
    GetQueryableAttributes, m_osPath) and sends `-where "event_type = 'Battles'"` to the server
    as `event_type=Battles` only for a parameter it finds there; under "/ogc/collections/…" it
    found none and filtered every page itself. The whole API's document is /api/schema/."""

    renderer_classes = [OpenApiJsonRenderer]
    PREFIX = "/ogc"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        document = response.data
        landing = request.build_absolute_uri(reverse("ogcapi:landing")).rstrip("/")
        document["servers"] = [{"url": landing, "description": "This OGC API - Features service"}]
        document["paths"] = {path[len(self.PREFIX):] or "/": operations
                             for path, operations in document["paths"].items()
                             if path == self.PREFIX or path.startswith(self.PREFIX + "/")}
        response.content_type = OPENAPI
        return response


class LandingView(OgcView):
    """The landing page: links to the API definition, conformance and collections."""

    @extend_schema(tags=TAGS, operation_id="ogc_landing", parameters=[F_PARAM], responses={
        200: OpenApiResponse({"type": "object", "required": ["links"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"}, "links": LINKS}})})
    def get(self, request):
        document = {
            "title": "VRAEM conflict map — OGC API - Features",
            "description": "Security incidents in Peru's VRAEM, Peru's administrative areas and "
            "travel-advisory zones, for QGIS, ArcGIS, GDAL and any OGC API - Features client.",
            "links": [
                *_self_and_alternate(request, "landing"),
                {"href": _url(request, "openapi", {"f": "json"}),
                 "rel": "service-desc", "type": OPENAPI, "title": "The API definition (OpenAPI 3.0)"},
                {"href": request.build_absolute_uri(reverse("api-docs")), "rel": "service-doc",
                 "type": HTML, "title": "The API documentation"},
                {"href": _url(request, "conformance"), "rel": "conformance", "type": JSON,
                 "title": "Conformance classes implemented"},
                {"href": _url(request, "collections"), "rel": "data", "type": JSON,
                 "title": "The feature collections"},
                {"href": request.build_absolute_uri(reverse("qgis-project")), "rel": "related",
                 "type": "application/x-qgis-project", "title": "QGIS project with these layers"},
            ],
        }
        return _respond(request, document, "landing.html")


class LandingAliasView(LandingView):
    """The landing page at /ogc as well as /ogc/, answered rather than redirected: QGIS 3.22's
    OAPIF provider does not follow the redirect, and /ogc is the URL people type (and the one
    /ogc/vraem.qgs names)."""

    @extend_schema(exclude=True)
    def get(self, request):
        return super().get(request)


class ConformanceView(OgcView):
    @extend_schema(tags=TAGS, operation_id="ogc_conformance", parameters=[F_PARAM], responses={
        200: OpenApiResponse({"type": "object", "required": ["conformsTo"], "properties": {
            "conformsTo": {"type": "array", "items": {"type": "string"}}}})})
    def get(self, request):
        return _respond(request, {"conformsTo": CONFORMANCE}, "conformance.html")


class CollectionsView(OgcView):
    @extend_schema(tags=TAGS, operation_id="ogc_collections", parameters=[F_PARAM], responses={
        200: OpenApiResponse({"type": "object", "required": ["links", "collections"], "properties": {
            "links": LINKS, "collections": {"type": "array", "items": COLLECTION}}})})
    def get(self, request):
        params.output_format(request)
        document = {
            "links": _self_and_alternate(request, "collections"),
            "collections": [collection_document(request, c) for c in COLLECTIONS.values()],
        }
        return _respond(request, document, "collections.html")


class CollectionView(OgcView):
    @extend_schema(tags=TAGS, operation_id="ogc_collection", parameters=[COLLECTION_ID, F_PARAM],
                   responses={200: OpenApiResponse(COLLECTION)})
    def get(self, request, collection_id):
        collection = _collection(collection_id)
        return _respond(request, collection_document(request, collection), "collection.html")


class QueryablesView(OgcView):
    """Part 3: the properties a client may filter on, as a JSON Schema; each is also a query
    parameter of the collection's items."""

    @extend_schema(tags=TAGS, operation_id="ogc_queryables", parameters=[COLLECTION_ID, F_PARAM],
                   responses={200: OpenApiResponse({"type": "object"})})
    def get(self, request, collection_id):
        collection = _collection(collection_id)
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": _url(request, "queryables", collection_id=collection.id),
            "type": "object", "title": collection.title,
            "properties": collection.queryables,
            "additionalProperties": False,
        }
        return _respond(request, document, "queryables.html", SCHEMA_JSON, collection=collection)


def item_parameters(collection) -> list:
    return [
        OpenApiParameter("limit", int, description="Features per page (default 100); larger "
                         "values are reduced to OGC_ITEMS_MAX_LIMIT (5000)."),
        OpenApiParameter("offset", int, description="Features to skip; `next` links carry it."),
        OpenApiParameter("bbox", str, description="minlon,minlat,maxlon,maxlat (CRS84): features "
                         "intersecting the box.", explode=False),
        OpenApiParameter("bbox-crs", str, enum=[params.CRS84, params.EPSG_4326],
                         description="CRS of bbox; EPSG:4326 takes latitude first."),
        OpenApiParameter("datetime", str, description="An RFC 3339 date or interval (start/end, "
                         "'..' open): incidents of those days; zones in force some time then."),
        *[OpenApiParameter(name, int if schema["type"] == "integer" else str,
                           enum=schema.get("enum"), description=schema["title"])
          for name, schema in collection.queryables.items()],
        F_PARAM,
    ]


class ItemsView(OgcView):
    """A page of the collection's features: `next` links page through all of them."""

    @extend_schema(exclude=True)
    def get(self, request, collection_id):
        collection = _collection(collection_id)
        query = request.query_params
        fmt = params.output_format(request)
        params.unknown(query, collection.queryables)
        limit, offset = params.limit(query.get("limit")), params.offset(query.get("offset"))
        box = params.bbox(query.get("bbox"), query.get("bbox-crs"))
        period = params.interval(query.get("datetime"))
        # Every value of each queryable (QueryDict): a repeated incident filter matches any of
        # its values, another repeated queryable is a 400 (core.params.validated), never the
        # last value silently.
        values = QueryDict(mutable=True)
        for name in collection.queryables:
            if name in query:
                values.setlist(name, query.getlist(name))
        rows = collection.filter(collection.rows(request.user), values)
        if box is not None:
            rows = rows.filter(**{f"{collection.geom_field}__intersects": box})
        if period is not None:
            rows = collection.during(rows, *period)
        matched, returned, features = _page(request, self, collection, rows, values, limit, offset,
                                            cacheable=box is None and period is None)

        def page(new_offset: int, fmt_: str = "json") -> str:
            kept = [(k, v) for k, vs in query.lists() if k not in ("offset", "f") for v in vs]
            return _url(request, "items", [*kept, ("offset", new_offset), ("f", fmt_)],
                        collection_id=collection.id)

        links = [
            {"href": page(offset), "rel": "self" if fmt == "json" else "alternate", "type": GEOJSON,
             "title": "This page as GeoJSON"},
            {"href": page(offset, "html"), "rel": "self" if fmt == "html" else "alternate",
             "type": HTML, "title": "This page as HTML"},
            {"href": _url(request, "collection", collection_id=collection.id), "rel": "collection",
             "type": JSON, "title": collection.title},
        ]
        if offset + limit < matched:
            links.append({"href": page(offset + limit, fmt), "rel": "next",
                          "type": GEOJSON if fmt == "json" else HTML, "title": "Next page"})
        if offset > 0:
            links.append({"href": page(max(0, offset - limit), fmt), "rel": "prev",
                          "type": GEOJSON if fmt == "json" else HTML, "title": "Previous page"})
        members = {"numberMatched": matched, "numberReturned": returned,
                   "timeStamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "links": links}
        if fmt == "html":
            return _respond(request, {**members, "features": json.loads(features)}, "items.html",
                            collection=collection, offset=offset)
        return HttpResponse(geojson.feature_collection(features, **members), content_type=GEOJSON)


def _page(request, view, collection, rows, values, limit: int, offset: int, cacheable: bool):
    """(numberMatched, numberReturned, features as JSON text) of one page.

    Threat line: any stranger asks for pages; a full-detail page of districts is 4.7 MB of
    outlines and each page counts every match. Pages are cached per collection, data version
    (data_key) and validated filters when they are pages a client reaches by following `next`
    links from the start at the default or the largest limit (no bbox or datetime, offset a
    multiple of limit): a handful per collection and filter, at most about twice a collection's
    size in all, so the cache cannot be filled by varying numbers. Every page built (a cache
    miss, or a bbox/datetime page) counts against the client's `ogc_builds` work rate
    (API_OGC_BUILD_RATE) and is refused 429 past it; cached pages do not count."""
    cacheable = (cacheable and offset % limit == 0
                 and limit in (settings.OGC_ITEMS_DEFAULT_LIMIT, settings.OGC_ITEMS_MAX_LIMIT))
    key = None
    if cacheable:
        key = _cache_key("items", collection.id, data_key(collection, request.user),
                         sorted(values.lists()), limit, offset)
        page = cache.get(key)
        if page is not None:
            return page
    check_work_rate(request, view, "ogc_builds")
    matched = rows.count()
    returned = max(0, min(limit, matched - offset))
    features = geojson.features_json(rows[offset: offset + limit], collection.feature()) if returned else "[]"
    page = (matched, returned, features)
    if key is not None:
        cache.set(key, page, CACHE_SECONDS)
    return page


class ItemView(OgcView):
    @extend_schema(exclude=True)
    def get(self, request, collection_id, feature_id):
        collection = _collection(collection_id)
        fmt = params.output_format(request)
        if not re.fullmatch(collection.id_pattern, feature_id):
            raise Http404
        rows = collection.rows(request.user).filter(**{collection.id_field: feature_id})
        text = geojson.feature_json(rows, collection.feature())
        if text is None:
            raise Http404
        links = [
            {"href": _url(request, "item", {"f": "json"}, collection_id=collection.id, feature_id=feature_id),
             "rel": "self" if fmt == "json" else "alternate", "type": GEOJSON, "title": "This feature"},
            {"href": _url(request, "item", {"f": "html"}, collection_id=collection.id, feature_id=feature_id),
             "rel": "self" if fmt == "html" else "alternate", "type": HTML, "title": "This feature as HTML"},
            {"href": _url(request, "collection", collection_id=collection.id), "rel": "collection",
             "type": JSON, "title": collection.title},
        ]
        feature = json.loads(text)
        feature["links"] = links
        if fmt == "html":
            return _respond(request, feature, "item.html", collection=collection)
        return HttpResponse(json.dumps(feature), content_type=GEOJSON)


def collection_views(collection) -> tuple[type, type]:
    """Items and item views of one collection, with its own OpenAPI parameters and feature
    schema: clients (GDAL) read the collection's query parameters from its own path."""
    feature = feature_schema(collection.model, collection.feature(), collection.geometry_type,
                             "integer" if collection.id == "incidents" else "string")
    items_schema = feature_collection_schema(
        feature, numberMatched={"type": "integer"}, numberReturned={"type": "integer"},
        timeStamp={"type": "string", "format": "date-time"}, links=LINKS)
    name = "".join(part.capitalize() for part in collection.id.split("-"))
    items_get = extend_schema(
        tags=TAGS, operation_id=f"ogc_{collection.id.replace('-', '_')}_items",
        parameters=item_parameters(collection), summary=f"{collection.title}: features",
        responses={(200, GEOJSON): OpenApiResponse(items_schema, description="GeoJSON FeatureCollection")},
    )(lambda self, request, collection_id: ItemsView.get(self, request, collection_id))
    item_get = extend_schema(
        tags=TAGS, operation_id=f"ogc_{collection.id.replace('-', '_')}_item",
        parameters=[OpenApiParameter("featureId", str, OpenApiParameter.PATH), F_PARAM],
        summary=f"{collection.title}: one feature",
        responses={(200, GEOJSON): OpenApiResponse(feature, description="GeoJSON Feature"),
                   404: OpenApiResponse(description="No such feature (or not visible).")},
    )(lambda self, request, collection_id, feature_id: ItemView.get(self, request, collection_id, feature_id))
    return (type(f"{name}ItemsView", (ItemsView,), {"get": items_get}),
            type(f"{name}ItemView", (ItemView,), {"get": item_get}))

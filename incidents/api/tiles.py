"""Vector tiles (Mapbox Vector Tile 2.1) of the incidents the API's filters select.

`/tiles/incidents/{z}/{x}/{y}.pbf`: layer `incidents`, clusters with `count` up to z12, one
feature per incident from z13. `/tiles/districts/{z}/{x}/{y}.pbf`: layer `districts`, the
outline of every district with incidents and their count (`incidents`), for a choropleth.

The ETag names the data version (a counter the database bumps on every write to incidents),
the tile, the filters and whether drafts are visible: a matching If-None-Match is answered 304
before any tile query. Built tiles are kept under the same key in the tile cache (settings.TILE_CACHE), which
every worker of the machine shares.

Two rates: every tile request counts against `tiles` (API_TILE_RATE, sized for a map panning
over cached tiles); a tile that must be built (not in the cache) also counts against
`tile_builds` (API_TILE_BUILD_RATE), and past it is answered 429 with Retry-After.
"""
import hashlib
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connections, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.params import validated
from core.replicas import read_alias
from security.throttling import ScopedRateThrottle, check_work_rate

from .. import tiles
from ..models import Incident
from ..selectors import countable_incidents, filter_incidents, hides_restricted, sees_unpublished
from .params import IncidentFilterParams

MVT = "application/vnd.mapbox-vector-tile"
MAX_AGE = 60  # seconds a client may reuse a tile before revalidating (304 when unchanged)
CACHE_SECONDS = 600
RETRY_AFTER = 30  # seconds, when a tile query hit TILE_QUERY_TIMEOUT_MS


class TileParams(IncidentFilterParams):
    """The incident filters; z/x/y come from the path and are checked here too."""


def _check_tile(z: int, x: int, y: int) -> None:
    errors = {}
    if z > tiles.MAX_ZOOM:
        errors["z"] = [_("Expected a zoom from 0 to %(max)s, got %(z)s.") % {"max": tiles.MAX_ZOOM, "z": z}]
    else:
        for name, value in (("x", x), ("y", y)):
            if value >= 2 ** z:
                errors[name] = [_("Expected %(name)s from 0 to %(max)s at zoom %(z)s, got %(value)s.") % {
                    "name": name, "max": 2 ** z - 1, "z": z, "value": value}]
    if errors:
        raise serializers.ValidationError(errors)


@contextmanager
def statement_timeout(milliseconds: int):
    """Run the block's queries under a statement timeout (a transaction-local setting, put
    back after the block; a cancelled query rolls the block's savepoint back with it)."""
    alias = read_alias()  # the request's standby for anonymous reads (core.replicas), else the primary
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
        yield
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def _cancelled(error: OperationalError) -> bool:
    return isinstance(error.__cause__, psycopg.errors.QueryCanceled)


def _key(kind: str, request, params: dict, z: int, x: int, y: int) -> str:
    staff = sees_unpublished(request.user)
    def text(value):
        if isinstance(value, (list, tuple)):  # a repeatable filter: any of its values, in any order
            return sorted(text(item) for item in value)
        return getattr(value, "ubigeo", None) or getattr(value, "wkt", None) or str(value)

    filters = sorted((name, text(value)) for name, value in params.items())
    # Staff see drafts: their tiles follow every write. Everyone else's follow published data
    # only, so the ETag of a public tile does not reveal that drafts are being written.
    hidden = hides_restricted(request.user)
    text = (f"{kind}|{tiles.data_version(published_only=not staff)}|{z}/{x}/{y}|{staff}|{hidden}"
            f"|{filters}")
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _TileView(APIView):
    queryset = Incident.objects.none()  # read-only: anonymous allowed
    throttle_classes = [ScopedRateThrottle]  # its own rate: a map asks for many tiles at once
    throttle_scope = "tiles"
    kind = ""

    def build(self, queryset, params, z, x, y) -> bytes:
        raise NotImplementedError

    @extend_schema(
        parameters=[TileParams],
        responses={
            (200, MVT): OpenApiResponse(OpenApiTypes.BINARY, description="Mapbox Vector Tile"),
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)"),
        },
    )
    def get(self, request, z: int, x: int, y: int):
        _check_tile(z, x, y)
        params = validated(TileParams, request.query_params)
        etag = f'"{_key(self.kind, request, params, z, x, y)}"'
        public = not request.user.is_authenticated
        headers = {
            "ETag": etag,
            "Cache-Control": f"{'public' if public else 'private'}, max-age={MAX_AGE}",
        }
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return HttpResponse(status=304, headers=headers)
        cache_key = f"tile:{etag}"
        body = caches[settings.TILE_CACHE].get(cache_key)
        if body is None:
            # Threat line: a stranger's filters (dates, text, actor) can make a tile read much
            # of the table; TILE_QUERY_TIMEOUT_MS bounds it, answered 503 + Retry-After rather
            # than a worker held for seconds. Each new filter value is a cache miss: builds
            # have their own per-client rate (tile_builds), far below the "tiles" rate.
            check_work_rate(request, self, "tile_builds")
            # Restricted datasets (ACLED) are counted, never shown one by one, for a reader
            # from whom they are hidden: `build` passes hide_restricted.
            queryset = filter_incidents(countable_incidents(request.user), params)
            try:
                with statement_timeout(settings.TILE_QUERY_TIMEOUT_MS):
                    body = self.build(queryset, params, z, x, y)
            except OperationalError as error:
                if not _cancelled(error):
                    raise
                return HttpResponse(
                    "This tile took too long to build; try again later or with fewer filters.",
                    status=503, content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
                )
            caches[settings.TILE_CACHE].set(cache_key, body, CACHE_SECONDS)
        return HttpResponse(body, content_type=MVT, headers=headers)


class IncidentTileView(_TileView):
    """Incidents as a vector tile: clusters (`count`) up to z12, single incidents from z13."""

    kind = "incidents"

    def build(self, queryset, params, z, x, y) -> bytes:
        return tiles.incidents_tile(queryset, z, x, y, params=params,
                                    published_only=not sees_unpublished(self.request.user),
                                    hide_restricted=hides_restricted(self.request.user))


class DistrictTileView(_TileView):
    """Districts with incidents and their count (`incidents`), for a choropleth."""

    kind = "districts"

    def build(self, queryset, params, z, x, y) -> bytes:
        # The counts cover the whole filtered set, not one tile: computed once per data version
        # and filters, then shared by every tile of the layer.
        key = "district-counts:" + _key("counts", self.request, params, 0, 0, 0)
        counts = caches[settings.TILE_CACHE].get(key)
        if counts is None:
            counts = tiles.district_counts(queryset)
            caches[settings.TILE_CACHE].set(key, counts, CACHE_SECONDS)
        return tiles.districts_tile(counts, z, x, y)

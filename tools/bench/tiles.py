"""(b) 200 fixed vector tiles, zooms 5 to 14: ours through Django's request stack (filters
validated, data version read, ETag computed; the tile cache emptied before each request) against
the raw ST_AsMVT SQL of the same tile run straight on the database cursor."""
import math
import random

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client

from incidents import tiles
from . import Row, ms, p50, p95

VRAEM_BOX = (-74.9, -13.4, -73.3, -11.3)
PERU_BOX = (-81.0, -18.0, -69.0, -0.5)
ZOOMS = range(5, 15)
PER_ZOOM = 20

RAW_FILTER = (
    "SELECT id, event_type, sub_event_type, geo_precision, occurred_on, fatalities, location, false AS hidden "
    "FROM incidents_incident WHERE status = 'published' AND is_synthetic "
    "AND location && ST_MakeEnvelope({}, {}, {}, {}, 4326)"
)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2 ** z
    phi = math.radians(lat)
    return z, int((lon + 180) / 360 * n), int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n)


def fixed_tiles() -> list[tuple[int, int, int]]:
    """20 tiles per zoom around seeded points: 60% in the VRAEM, 40% anywhere in Peru."""
    rng = random.Random(20260626)
    chosen = []
    for z in ZOOMS:
        for i in range(PER_ZOOM):
            box = VRAEM_BOX if i % 5 < 3 else PERU_BOX
            chosen.append(tile_of(rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3]), z))
    return chosen


def raw_tile(z: int, x: int, y: int) -> bytes:
    filtered = RAW_FILTER.format(*tiles.tile_bounds_lonlat(z, x, y))
    params = {"z": z, "x": x, "y": y}
    if z <= tiles.CLUSTER_MAX_ZOOM:
        xmin, ymin, xmax, _ = tiles.tile_bounds_mercator(z, x, y)
        params.update(xmin=xmin, ymin=ymin, cell=(xmax - xmin) / tiles.CELLS)
        sql = tiles.CLUSTER_SQL
    else:
        sql = tiles.POINTS_SQL
    text = (sql % {k: repr(v) for k, v in params.items()}).replace("{filtered}", filtered)
    with connection.cursor() as cursor:
        cursor.execute(text)
        return bytes(cursor.fetchone()[0] or b"")


def _summary(body: bytes) -> list:
    """The tile's features as sorted (count, id) pairs: rows may come in another order."""
    import mapbox_vector_tile

    layer = mapbox_vector_tile.decode(body).get("incidents", {"features": []})
    return sorted((f["properties"]["count"], f["properties"].get("id") or 0) for f in layer["features"])


def _total(body: bytes) -> int:
    return sum(count for count, _ in _summary(body))


def run() -> tuple[list[Row], dict]:
    client = Client(HTTP_HOST="localhost")
    chosen = fixed_tiles()
    ours_t, raw_t, sizes, by_zoom, revalidate = [], [], [], {}, []
    import time

    for z, x, y in chosen:  # warm the caches of PostgreSQL and the OS once, unmeasured
        raw_tile(z, x, y)
    for z, x, y in chosen:
        caches[settings.TILE_CACHE].clear()
        url = f"/tiles/incidents/{z}/{x}/{y}.pbf?synthetic=only"
        start = time.perf_counter()
        response = client.get(url)
        ours_t.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
        sizes.append(len(response.content))
        start = time.perf_counter()
        body = raw_tile(z, x, y)
        raw_t.append(time.perf_counter() - start)
        ours_n, raw_n = _total(response.content), _total(body)
        # A point exactly on a tile edge is in both tiles for `&&`, in one pre-counted cell.
        assert abs(ours_n - raw_n) <= max(2, raw_n // 1000), f"tile {z}/{x}/{y}: {ours_n} vs raw {raw_n}"
        by_zoom.setdefault(z, []).append(ours_t[-1])
        start = time.perf_counter()
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        revalidate.append(time.perf_counter() - start)
        assert again.status_code == 304
    rows = [
        Row("b", f"{len(chosen)} tiles z5-14 (cold: tile cache emptied before each)",
            f"p50 {ms(p50(ours_t))}, p95 {ms(p95(ours_t))}",
            f"raw ST_AsMVT SQL: p50 {ms(p50(raw_t))}, p95 {ms(p95(raw_t))}",
            f"{p50(raw_t) / p50(ours_t):.2f}x",
            "p95 <= 40 ms; p50 <= raw + 5 ms",
            p95(ours_t) <= 0.040 and p50(ours_t) <= p50(raw_t) + 0.005),
        Row("b", "same tiles revalidated (If-None-Match → 304)",
            f"p50 {ms(p50(revalidate))}, p95 {ms(p95(revalidate))}"),
    ]
    rows[0].notes.append(
        "ours p95 by zoom: " + ", ".join(f"z{z} {ms(p95(t))}" for z, t in sorted(by_zoom.items()))
        + f"; tile sizes p50 {sorted(sizes)[len(sizes) // 2] / 1e3:.1f} kB, max {max(sizes) / 1e3:.1f} kB")
    rows += dated_tiles(client, chosen)
    z, x, y = chosen[0]
    with connection.cursor() as cursor:
        filtered = RAW_FILTER.format(*tiles.tile_bounds_lonlat(z, x, y))
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM ({filtered}) f")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return rows, {"b_plan": f"tile {z}/{x}/{y}:\n{plan}"}


# One year of incidents: on month boundaries (the cells alone) and from mid-month to mid-month
# (the cells for the eleven whole months, the two partial months counted live).
YEARS = [("2015-01-01", "2015-12-31"), ("2015-03-15", "2016-03-14")]


def dated_tiles(client, chosen) -> list[Row]:
    """The z5-z8 tiles of `chosen` with a one-year date filter: ours (cells + live edge months)
    against the live clustering query of the same filtered incidents (how such a tile was
    built before the cells had months), totals compared tile by tile."""
    import time
    from datetime import date

    from incidents.models import Incident
    from incidents.selectors import filter_incidents

    ours_t, live_t, by_range = [], [], {}
    low = [tile for tile in chosen if 5 <= tile[0] <= 8]
    for i, (z, x, y) in enumerate(low):
        date_from, date_to = YEARS[i % 2]
        caches[settings.TILE_CACHE].clear()
        start = time.perf_counter()
        response = client.get(f"/tiles/incidents/{z}/{x}/{y}.pbf?synthetic=only&date_from={date_from}&date_to={date_to}")
        ours_t.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
        queryset = filter_incidents(Incident.objects.filter(status="published"), {
            "synthetic": "only", "date_from": date.fromisoformat(date_from), "date_to": date.fromisoformat(date_to)})
        start = time.perf_counter()
        body = tiles.incidents_tile(queryset, z, x, y)  # no params: the live query
        live_t.append(time.perf_counter() - start)
        assert _total(response.content) == _total(body), f"tile {z}/{x}/{y} {date_from}..{date_to}"
        by_range.setdefault(date_from, []).append(ours_t[-1])
    row = Row("b", f"{len(low)} tiles z5-8 with a one-year date filter (cold)",
              f"p50 {ms(p50(ours_t))}, p95 {ms(p95(ours_t))}",
              f"live clustering query: p50 {ms(p50(live_t))}, p95 {ms(p95(live_t))}",
              f"{p95(live_t) / p95(ours_t):.2f}x (p95)", "p95 <= 50 ms", p95(ours_t) <= 0.050)
    row.notes.append(
        "one-year tiles, ours p95 by range: " + ", ".join(
            f"{start}..{end} {ms(p95(by_range[start]))}" for start, end in YEARS)
        + "; totals equal to the live query's on every tile")
    # z9-z11 with a date range: no monthly cells there (tile_cell.sql), counted live.
    high_t = []
    for i, (z, x, y) in enumerate(tile for tile in chosen if 9 <= tile[0] <= 11):
        date_from, date_to = YEARS[i % 2]
        caches[settings.TILE_CACHE].clear()
        start = time.perf_counter()
        response = client.get(f"/tiles/incidents/{z}/{x}/{y}.pbf?synthetic=only&date_from={date_from}&date_to={date_to}")
        high_t.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
    high = Row("b", f"{len(high_t)} tiles z9-11 with the same one-year filters (cold; counted live)",
               f"p50 {ms(p50(high_t))}, p95 {ms(p95(high_t))}")
    return [row, high]

"""(c) Writing 100,000 new incidents with their department, province and district: ours (one
INSERT ... SELECT that computes the areas as it writes, services.areas.insert_with_areas)
against the previous way in the same run (insert with the assignment deferred, then the
set-based UPDATE of reassign_areas: every row written twice) and against geopandas' sjoin of
the same points with the same polygons; ours is compared with geopandas row by row.

The 100,000 rows are copies of existing synthetic points in a shuffled order, chosen once before
any clock starts (a temporary table read by every way alike: an importer's rows come from its
file, not from shuffling the incidents, and choosing them costs ~2-4 s at 1M, printed apart).
Each way runs inside a transaction rolled back at the end (the tile-cell and month-count
triggers run in all but the floor). The foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's),
so a rolled-back transaction would never check them: every way ends its timed part with `SET
CONSTRAINTS ALL IMMEDIATE`, which runs the checks a commit would (~2 s for 100,000 rows x 4
keys: dataset, department, province, district). Also timed: ours with the counting triggers
skipped (the floor) and with migration 0012's tile-cell trigger."""
import time

import geopandas as gpd
import shapely
from django.db import connection, transaction

from incidents.services.areas import REASSIGN_SQL, deferred_area_assignment, insert_with_areas, reassign_areas
from . import Row, ms

COUNT = 100_000

COLUMNS = ["title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type",
           "location", "location_name", "geo_precision", "area_level", "status", "is_synthetic",
           "external_source", "external_id", "created_at", "updated_at"]
# The rows to write, chosen once before the clock starts (see the docstring): `k` keeps the order.
SOURCE = "bench_import_source"
CHOOSE_COPIES = f"""
CREATE TEMP TABLE {SOURCE} AS
SELECT row_number() OVER () AS k, s.* FROM (
SELECT 'bench copy'::varchar AS title, ''::text AS description, occurred_on, 1 AS date_precision, event_type,
       sub_event_type, location, ''::varchar AS location_name, 1 AS geo_precision, 'district'::varchar AS area_level,
       'draft'::varchar AS status, true AS is_synthetic, ''::varchar AS external_source, ''::varchar AS external_id,
       now() AS created_at, now() AS updated_at
  FROM incidents_incident WHERE is_synthetic ORDER BY md5(id::text) LIMIT %s) AS s
"""
SELECT_COPIES = f"SELECT {', '.join(COLUMNS)} FROM {SOURCE} ORDER BY k"
INSERT_COPIES = f"INSERT INTO incidents_incident ({', '.join(COLUMNS)}) {SELECT_COPIES}"
# Ends every way's timed part: the deferred foreign-key checks a commit would run.
CHECK_KEYS = "SET CONSTRAINTS ALL IMMEDIATE"

RESULT_SQL = """
SELECT i.id, ST_X(i.location), ST_Y(i.location), dep.ubigeo, prov.ubigeo, dist.ubigeo
  FROM incidents_incident i
  LEFT JOIN regions_adminarea dep ON dep.id = i.department_id
  LEFT JOIN regions_adminarea prov ON prov.id = i.province_id
  LEFT JOIN regions_adminarea dist ON dist.id = i.district_id
 WHERE i.id > %s ORDER BY i.id
"""


class Rollback(Exception):
    pass


def area_frame(level: str) -> gpd.GeoDataFrame:
    """The areas of one level as a GeoDataFrame (ubigeo, geometry) for the geopandas baseline."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ubigeo, ST_AsBinary(geom) FROM regions_adminarea WHERE level = %s", [level])
        rows = cursor.fetchall()
    return gpd.GeoDataFrame({"ubigeo": [r[0] for r in rows]},
                            geometry=shapely.from_wkb([bytes(r[1]) for r in rows]), crs=4326)


def geopandas_assign(xs, ys, areas: dict) -> list[tuple]:
    """sjoin per level, lowest ubigeo on shared borders, province/department fallback where
    no district covers the point: the rule the database applies."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs=4326)
    lowest = {}
    for level, polygons in areas.items():
        joined = gpd.sjoin(points, polygons, predicate="intersects", how="left")
        lowest[level] = joined.groupby(level=0)["ubigeo"].min()
    result = []
    for i in range(len(points)):
        dist = lowest["district"][i] if isinstance(lowest["district"][i], str) else None
        prov = dist[:4] if dist else (lowest["province"][i] if isinstance(lowest["province"][i], str) else None)
        dep = prov[:2] if prov else (lowest["department"][i] if isinstance(lowest["department"][i], str) else None)
        result.append((dep, prov, dist))
    return result


def _previous_way(figures: dict) -> None:
    """Insert with the assignment deferred, then reassign_areas' UPDATE (rolled back)."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT max(id) FROM incidents_incident")
                (before,) = cursor.fetchone()
            with deferred_area_assignment():
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(INSERT_COPIES)
                figures["previous_insert"] = time.perf_counter() - start
                reassign_areas(id_above=before)
                with connection.cursor() as cursor:
                    cursor.execute(CHECK_KEYS)
                figures["previous"] = time.perf_counter() - start
            with connection.cursor() as cursor:
                # The same statement's lookup alone (its SELECT part, no row written). Counting the
                # areas, not the rows: a bare count(*) lets the planner drop the LEFT JOIN to `hit`
                # (its key is unique), so nothing was looked up (the "118 ms" of earlier runs).
                lookup = (REASSIGN_SQL.split("UPDATE incidents_incident")[0]
                          + "SELECT count(department_id), count(province_id), count(district_id) FROM assigned")
                start = time.perf_counter()
                cursor.execute(lookup.replace("{where}", "AND j.id > %s"), [before, before])
                figures["lookup"] = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass


def _without_cells(figures: dict) -> None:
    """Ours with the tile-cell triggers skipped (rolled back): what the areas cost alone."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL incidents.defer_tile_cells = 'on'")
            start = time.perf_counter()
            insert_with_areas(SELECT_COPIES, [], columns=COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(CHECK_KEYS)
            figures["no_cells"] = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass


def _cells_0012(figures: dict) -> None:
    """Ours with the tile-cell trigger of migration 0012 (every zoom 0-11 counted, no month
    counts, no tile totals), as before 0017 (rolled back): the baseline of the cheaper triggers."""
    from importlib import import_module

    apply_0012 = import_module("incidents.migrations.0017_tile_cells_fewer_zooms").APPLY_0012
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(apply_0012)
                for event in ("insert", "update", "delete", "truncate"):
                    for counts in ("month_counts", "tile_totals"):
                        cursor.execute(f"DROP TRIGGER incidents_incident_{counts}_{event} ON incidents_incident")
            start = time.perf_counter()
            insert_with_areas(SELECT_COPIES, [], columns=COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(CHECK_KEYS)
            figures["cells_0012"] = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass


def run() -> tuple[list[Row], dict]:
    figures = {}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SOURCE}")
        cursor.execute(CHOOSE_COPIES, [COUNT])
        cursor.execute(f"ANALYZE {SOURCE}")
    figures["choose"] = time.perf_counter() - start
    _previous_way(figures)
    _without_cells(figures)
    _cells_0012(figures)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT max(id) FROM incidents_incident")
                (before,) = cursor.fetchone()
                cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'incidents_incident'")
                updates = cursor.fetchone()[0]
            start = time.perf_counter()
            inserted = insert_with_areas(SELECT_COPIES, [], columns=COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(CHECK_KEYS)
            figures["ours"] = time.perf_counter() - start
            with connection.cursor() as cursor:
                cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'incidents_incident'")
                figures["updated"] = cursor.fetchone()[0] - updates
                cursor.execute(RESULT_SQL, [before])
                rows = cursor.fetchall()
            raise Rollback
    except Rollback:
        pass
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SOURCE}")
    xs, ys = [r[1] for r in rows], [r[2] for r in rows]
    start = time.perf_counter()
    areas = {level: area_frame(level) for level in ("district", "province", "department")}
    figures["read_polygons"] = time.perf_counter() - start
    start = time.perf_counter()
    expected = geopandas_assign(xs, ys, areas)
    figures["geopandas"] = time.perf_counter() - start
    database = [(r[3], r[4], r[5]) for r in rows]
    differences = sum(1 for a, b in zip(database, expected) if a != b)
    assert len(rows) == COUNT == inserted, f"{len(rows)} rows copied, expected {COUNT}"
    row = Row(
        "c", f"import {COUNT:,} new incidents with their areas (one INSERT ... SELECT, rows written once)",
        ms(figures["ours"]),
        f"insert then UPDATE (before): {ms(figures['previous'])}; geopandas sjoin: {ms(figures['geopandas'])} "
        f"(+ {ms(figures['read_polygons'])} reading polygons; nothing written)",
        f"{figures['previous'] / figures['ours']:.2f}x", "<= 5 s", figures["ours"] <= 5.0,
    )
    row.notes.append(
        f"{inserted:,} rows inserted with their areas, {figures['updated']} rows updated after, every way's time "
        f"including its foreign-key checks (SET CONSTRAINTS ALL IMMEDIATE); results equal "
        f"to geopandas for {COUNT - differences:,} of {COUNT:,} ({differences} differ); the previous way: "
        f"insert {ms(figures['previous_insert'])} + UPDATE and key checks "
        f"{ms(figures['previous'] - figures['previous_insert'])}; "
        f"the assignment's lookup alone (no write) {ms(figures['lookup'])}; ours with the tile-cell and "
        f"month-count triggers skipped {ms(figures['no_cells'])} (the floor: the rest is counting the rows); "
        f"with 0012's tile-cell trigger (zooms 0-11, no month counts) {ms(figures['cells_0012'])}, of which "
        f"counting {ms(figures['cells_0012'] - figures['no_cells'])} against "
        f"{ms(figures['ours'] - figures['no_cells'])} now; choosing the {COUNT:,} source rows (before every clock) "
        f"{ms(figures['choose'])}")
    lookup_row = Row("c", "the same assignment, lookup only (SELECT, no write)", ms(figures["lookup"]),
                     f"geopandas sjoin: {ms(figures['geopandas'])}",
                     f"{figures['geopandas'] / figures['lookup']:.2f}x")
    if differences or figures["updated"]:
        row.met = False
    return [row, lookup_row], {}

"""Synthetic incidents for load tests: made by the database in one INSERT ... SELECT, flagged
`is_synthetic`, deterministic for a seed, removed in one DELETE.

How a row is drawn (all in SQL):
- the district: N is shared out over Peru's districts in proportion to a weight (the districts
  of the VRAEM advisory zone weigh `VRAEM_WEIGHT`, every other district 1), so a bit over half
  of the rows fall in the VRAEM and the rest all over Peru;
- the point: ST_GeneratePoints inside the district polygon with a seed per district; precision-3
  rows take the district's representative point instead, as real area-only records do;
- every other attribute from md5(seed, row number): no random() whose order could change.
Each row is written once, with its areas, by services.areas.insert_with_areas (the areas are
computed inside the INSERT ... SELECT) and counted into the tile cells by the same statement's
trigger (one upsert for all the rows).
"""
from dataclasses import dataclass
from time import perf_counter

from django.db import connection, transaction

from ..models import Incident
from ..taxonomy import EVENT_TYPES
from .areas import insert_with_areas
from .tile_cells import deferred_tile_cells

SOURCE = "synthetic"
VRAEM_WEIGHT = 60
MAX_SEED = 100_000  # ST_GeneratePoints takes an int seed: seed * 10,000 + district rank

# (event type, sub-event type) → relative frequency, roughly the mix of ACLED's Peru records.
PAIR_WEIGHTS = {
    ("Battles", "Armed clash"): 14,
    ("Battles", "Government regains territory"): 1,
    ("Battles", "Non-state actor overtakes territory"): 1,
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): 4,
    ("Explosions/Remote violence", "Grenade"): 2,
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): 1,
    ("Explosions/Remote violence", "Air/drone strike"): 1,
    ("Violence against civilians", "Attack"): 10,
    ("Violence against civilians", "Abduction/forced disappearance"): 5,
    ("Violence against civilians", "Sexual violence"): 1,
    ("Protests", "Peaceful protest"): 20,
    ("Protests", "Protest with intervention"): 6,
    ("Protests", "Excessive force against protesters"): 1,
    ("Riots", "Violent demonstration"): 5,
    ("Riots", "Mob violence"): 3,
    ("Strategic developments", "Arrests"): 8,
    ("Strategic developments", "Looting/property destruction"): 3,
    ("Strategic developments", "Disrupted weapons use"): 3,
    ("Strategic developments", "Headquarters or base established"): 1,
    ("Strategic developments", "Agreement"): 1,
    ("Strategic developments", "Other"): 1,
}
assert all(sub in EVENT_TYPES[event] for event, sub in PAIR_WEIGHTS)
PAIRS = [pair for pair, weight in PAIR_WEIGHTS.items() for _ in range(weight)]

# Uniform numbers in [0, 1) from the 32-bit words of md5(seed:row:salt).
_U = "(('x' || substr(h{h}, {start}, 8))::bit(32)::bigint / 4294967296.0)"


def _u(h: int, word: int) -> str:
    return _U.format(h=h, start=1 + 8 * word)


COLUMNS = [
    "title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type", "location",
    "location_name", "geo_precision", "location_uncertainty_km", "area_level", "fatalities", "injuries",
    "status", "external_source", "external_id", "is_synthetic", "created_at", "updated_at",
]
CONFLICT = "ON CONFLICT (external_source, external_id) WHERE external_id <> '' DO NOTHING"

SELECT_SQL = f"""
WITH weighted AS (
    SELECT d.id, d.ubigeo, d.name, d.geom, d.label_point,
           CASE WHEN EXISTS (
               SELECT 1 FROM regions_advisoryzone_areas za
                 JOIN regions_advisoryzone z ON z.id = za.advisoryzone_id
                WHERE z.slug = 'vraem' AND za.adminarea_id = d.id) THEN %(vraem_weight)s ELSE 1 END AS w
      FROM regions_adminarea d WHERE d.level = 'district'
), cumulative AS (
    SELECT *, row_number() OVER (ORDER BY ubigeo) AS rank,
           sum(w) OVER (ORDER BY ubigeo) AS cum, sum(w) OVER () AS total
      FROM weighted
), allotted AS (
    SELECT *, (floor(%(count)s::numeric * cum / total)
               - floor(%(count)s::numeric * (cum - w) / total))::int AS n
      FROM cumulative
), points AS (
    SELECT a.ubigeo, a.name, a.label_point, p.path[1] AS j, p.geom AS pt
      FROM allotted a
     CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(a.geom, a.n, %(seed)s * 10000 + a.rank::int)) AS p
     WHERE a.n > 0
), numbered AS (
    SELECT row_number() OVER (ORDER BY ubigeo, j) AS k, * FROM points
), hashed AS (
    SELECT *, md5(%(seed)s || ':' || k || ':a') AS h1, md5(%(seed)s || ':' || k || ':b') AS h2
      FROM numbered
), drawn AS (
    SELECT *,
           1 + floor({_u(1, 0)} * %(pairs)s)::int AS pair,
           CASE WHEN {_u(1, 1)} < 0.6 THEN 1 WHEN {_u(1, 1)} < 0.9 THEN 2 ELSE 3 END AS geo_precision,
           CASE WHEN {_u(1, 2)} < 0.35
                THEN DATE '1980-05-17' + floor({_u(1, 3)} * (DATE '1999-12-31' - DATE '1980-05-17'))::int
                ELSE DATE '2000-01-01' + floor({_u(1, 3)} * (DATE '2025-12-31' - DATE '2000-01-01'))::int
           END AS occurred_on,
           CASE WHEN {_u(2, 0)} < 0.7 THEN 1 WHEN {_u(2, 0)} < 0.9 THEN 2 ELSE 3 END AS date_precision,
           CASE WHEN {_u(2, 1)} < 0.2 THEN NULL ELSE floor(-ln(1 - {_u(2, 2)}) * 1.5)::int END AS fatalities,
           CASE WHEN {_u(2, 1)} > 0.5 THEN NULL ELSE floor(-ln(1 - {_u(2, 3)}))::int END AS injuries,
           2 + floor({_u(2, 3)} * 18) AS uncertainty
      FROM hashed
)
SELECT (%(subs)s::text[])[pair] || ' in ' || name || ' (synthetic)', '', occurred_on, date_precision,
       (%(types)s::text[])[pair], (%(subs)s::text[])[pair],
       CASE WHEN geo_precision = 3 THEN label_point ELSE pt END, name, geo_precision,
       CASE WHEN geo_precision = 2 THEN uncertainty END, 'district', fatalities, injuries,
       'published', '{SOURCE}', %(seed)s || '-' || k, true, now(), now()
  FROM drawn
"""


@dataclass
class GenerateResult:
    created: int
    assigned: int
    insert_seconds: float
    assign_seconds: float


def generate_synthetic(*, count: int, seed: int) -> GenerateResult:
    """Add `count` synthetic published incidents drawn from `seed` (the same seed twice adds
    nothing the second time: rows are keyed by seed and row number)."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if not 1 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be between 1 and {MAX_SEED}, got {seed}")
    # The insert's trigger counts the new rows into the tile cells (one upsert for the
    # statement; no rebuild of the cells of the rows already there).
    with transaction.atomic():
        started = perf_counter()
        created = insert_with_areas(SELECT_SQL, {
            "count": count, "seed": seed, "vraem_weight": VRAEM_WEIGHT, "pairs": len(PAIRS),
            "types": [t for t, _ in PAIRS], "subs": [s for _, s in PAIRS],
        }, columns=COLUMNS, conflict=CONFLICT)
        inserted = perf_counter()
    # The areas and the tile cells came with the insert (assign_seconds: the commit).
    return GenerateResult(created, created, inserted - started, perf_counter() - inserted)


def delete_synthetic() -> int:
    """Remove every synthetic incident and its actor/source links in one transaction (set-based
    DELETEs: the ORM's delete() would first load every row to collect its relations)."""
    synthetic = "SELECT id FROM incidents_incident WHERE is_synthetic"
    with transaction.atomic(), deferred_tile_cells(), connection.cursor() as cursor:
        for relation in (Incident.actors, Incident.sources):
            table = relation.through._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE incident_id IN ({synthetic})")
        cursor.execute("DELETE FROM incidents_incident WHERE is_synthetic")
        deleted = cursor.rowcount
    return deleted

"""Where the time of figure (c) goes: writing 100,000 incidents at 1M, piece by piece.

`DATABASE_URL=postgis:///vraem_bench DJANGO_LOG_LEVEL=WARNING python -m tools.bench.write_costs [--repeat 3]`

The rows of figure (c) (tools/bench/assign.py, chosen once before any clock) are staged as
insert_with_areas stages them (temporary table, GiST index, ANALYZE), their areas found by its
join, then inserted with those areas again and again, each time in a transaction rolled back
with one piece switched off (a trigger disabled or an index dropped, inside the transaction:
the drop is rolled back too). The difference to the full insert is what that piece costs. Every
insert is followed by `SET CONSTRAINTS ALL IMMEDIATE` (the deferred foreign-key checks), timed
apart. Besides the wall time, the CPU time of the database backend (from /proc, when the server
runs on this machine): on a shared 2-core machine the wall times of other work's neighbours
vary by 2x, the backend's CPU much less. Medians of `--repeat` rounds, the pieces interleaved.
Needs the owner's rights on incidents_incident (ALTER TABLE ... DISABLE TRIGGER, DROP INDEX);
refuses a database whose name has no 'bench', as `make bench` does."""
import argparse
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from incidents.services.areas import AREAS_SQL, STAGED  # noqa: E402
from tools.bench.assign import CHOOSE_COPIES, COLUMNS, COUNT, SOURCE  # noqa: E402

AREAS = "bench_import_areas"
WRITTEN = COLUMNS + ["department_id", "province_id", "district_id"]
INSERT = (f"INSERT INTO incidents_incident ({', '.join(WRITTEN)}) "
          f"SELECT {', '.join(WRITTEN)} FROM {AREAS} ORDER BY k")

TABLE = "incidents_incident"
COUNTING = [f"ALTER TABLE {TABLE} DISABLE TRIGGER incidents_incident_tile_cells_insert",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER incidents_incident_month_counts_insert",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER incidents_incident_tile_totals_insert"]
BTREES = ["incidents_incident_status_4ce5780f", "incidents_incident_dataset_id_f18748a2",
          "incidents_i_occurre_798a53_idx", "incidents_incident_alert_id_cfb77e8f",
          "incidents_incident_department_id_3d4d4f52", "incidents_incident_district_id_86043d7c",
          "incidents_incident_duplicate_of_id_d224bfe2", "incidents_incident_province_id_f21f2dc0",
          "incident_external_id_unique"]
LIKE = ["incidents_incident_status_4ce5780f_like", "incidents_incident_dataset_id_f18748a2_like"]


def _drop(*names):
    return [f"DROP INDEX IF EXISTS {name}" for name in names]


# Each variant: what it switches off (statements run before the clock, rolled back after).
VARIANTS = {
    "everything (as insert_with_areas writes)": [],
    "without the tile-cell trigger": COUNTING[:1],
    "without the month-count trigger": COUNTING[1:2],
    "without the tile-total trigger": COUNTING[2:],
    "without the three counting triggers": COUNTING,
    "  and without the per-row area trigger": COUNTING + [f"ALTER TABLE {TABLE} DISABLE TRIGGER incidents_incident_assign_areas"],
    "  and without the trigram GIN index": COUNTING + _drop("incidents_incident_search_trgm"),
    "  and without the GiST index": COUNTING + _drop("incidents_incident_location_45554ecf_id"),
    "  and without the _like indexes (if any)": COUNTING + _drop(*LIKE),
    "  and without the 9 other btree indexes": COUNTING + _drop(*BTREES),
    "  and without all but the primary key (bare heap)": COUNTING + [
        f"ALTER TABLE {TABLE} DISABLE TRIGGER incidents_incident_assign_areas"] + _drop(
        "incidents_incident_search_trgm", "incidents_incident_location_45554ecf_id", *LIKE, *BTREES),
}


class Clock:
    """Wall time and the database backend's CPU time (None when /proc does not show it)."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]

    def cpu(self):
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(self, *statements):
        cpu, start = self.cpu(), time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        after = self.cpu()
        return time.perf_counter() - start, (after - cpu if cpu is not None else None)


def _staging(clock, results):
    """insert_with_areas' pieces before its INSERT, in a transaction rolled back."""
    select = f"SELECT {', '.join(COLUMNS)} FROM {SOURCE} ORDER BY k"
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
    try:
        results.setdefault("staging: temporary table", []).append(clock.run(
            f"CREATE TEMP TABLE {STAGED} ON COMMIT DROP AS SELECT row_number() OVER () AS k, s.* "
            f"FROM ({select}) AS s({', '.join(COLUMNS)})"))
        results.setdefault("staging: its GiST index", []).append(clock.run(f"CREATE INDEX ON {STAGED} USING gist (location)"))
        results.setdefault("staging: ANALYZE", []).append(clock.run(f"ANALYZE {STAGED}"))
        results.setdefault("the join (areas of 100,000 points, no write)", []).append(clock.run(
            AREAS_SQL.replace("{source}", STAGED).replace("{key}", "k").replace("{where}", "")
            + "SELECT count(department_id), count(province_id), count(district_id) FROM assigned"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _insert(clock, results, name, switched_off):
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT set_config('incidents.defer_area_assignment', 'on', true)")
        for statement in switched_off:
            cursor.execute(statement)
    try:
        results.setdefault(name, []).append(clock.run(INSERT) + clock.run("SET CONSTRAINTS ALL IMMEDIATE"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _median(values):
    values = [v for v in values if v is not None]
    return f"{statistics.median(values):.2f} s" if values else "-"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.write_costs", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        print(f"{name} does not look like a benchmark database (no 'bench' in its name)", file=sys.stderr)
        return 2
    connection.ensure_connection()
    connection.connection.autocommit = True
    clock = Clock()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SOURCE}")
        cursor.execute(CHOOSE_COPIES, [COUNT])
        cursor.execute(f"DROP TABLE IF EXISTS {AREAS}")
        # The rows with their areas, found once by insert_with_areas' own join.
        select = f"SELECT {', '.join(COLUMNS)} FROM {SOURCE} ORDER BY k"
        cursor.execute(f"CREATE TEMP TABLE {STAGED} AS SELECT row_number() OVER () AS k, s.* "
                       f"FROM ({select}) AS s({', '.join(COLUMNS)})")
        cursor.execute(f"CREATE INDEX ON {STAGED} USING gist (location)")
        cursor.execute(f"ANALYZE {STAGED}")
        cursor.execute(AREAS_SQL.replace("{source}", STAGED).replace("{key}", "k").replace("{where}", "")
                       + f"SELECT s.*, a.department_id, a.province_id, a.district_id INTO TEMP {AREAS} "
                       f"FROM {STAGED} AS s JOIN assigned AS a ON a.key = s.k")
        cursor.execute(f"DROP TABLE {STAGED}")
        cursor.execute(f"ANALYZE {AREAS}")
    results = {}
    for _ in range(args.repeat):
        _staging(clock, results)
        for name, switched_off in VARIANTS.items():
            _insert(clock, results, name, switched_off)
    print(f"| piece ({COUNT:,} rows, medians of {args.repeat}) | wall | backend CPU | FK checks wall | FK checks CPU |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        columns = list(zip(*runs))
        cells = [_median(column) for column in columns] + ["", ""][: 4 - len(columns)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SOURCE}")
        cursor.execute(f"DROP TABLE {AREAS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

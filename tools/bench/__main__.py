"""`make bench`: `python -m tools.bench --count N [--only abcde] [--output FILE]`.

Fills a benchmark database with synthetic incidents once, then times (a) API page, (b) tiles,
(c) assignment, (d) explorer, (e) bulletins, (f) cached map pages, each against its baseline. Refuses a database
whose name has no 'bench' (it would get a million synthetic incidents) unless --any-database.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

FIGURES = "abcdef"


def machine() -> str:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), postgis_lib_version(), current_setting('shared_buffers'), "
                       "current_setting('work_mem'), current_setting('jit')")
        pg, postgis, buffers, work_mem, jit = cursor.fetchone()
    return (f"{os.cpu_count()} CPU ({cpu}), {memory_kb / 1024 ** 2:.0f} GB RAM, {platform.platform()}; "
            f"{pg.split(' on ')[0]}, PostGIS {postgis}, shared_buffers {buffers}, work_mem {work_mem}, jit {jit}")


def arguments(argv: list[str]) -> argparse.Namespace:
    from django.conf import settings

    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="Synthetic incidents to have.")
    parser.add_argument("--only", default=FIGURES, help="Figures to run, e.g. 'ab'.")
    parser.add_argument("--bulletins", dest="bulletin_dirs", nargs="*", type=Path,
                        default=[settings.ALERTS_DIR, settings.BASE_DIR / "tests" / "bulletins"])
    parser.add_argument("--output", type=Path, help="Also write the results (Markdown) here.")
    parser.add_argument("--any-database", action="store_true",
                        help="Run even if the database name does not contain 'bench'.")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The benchmark builds hundreds of cold tiles from one client in a minute: it measures what
    # a build costs (the throttle's check included), not API_TILE_BUILD_RATE's refusals.
    os.environ.setdefault("API_TILE_BUILD_RATE", "100000/minute")
    import django

    django.setup()
    from django.db import connection

    from incidents.models import Incident
    from regions.models import AdminArea

    from . import api_page, assign, bulletins, explorer, markdown_table, pages, tiles

    args = arguments(argv)
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not args.any_database:
        print(f"Database {name!r} does not look like a benchmark database (its name has no 'bench'); "
              f"it would get {args.count:,} synthetic incidents. Use make bench.", file=sys.stderr)
        return 2
    if not AdminArea.objects.exists():
        print("No boundaries: run manage.py load_boundaries on this database first.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    fill(args.count)
    rows, extras = [], {}
    runners = {"a": api_page.run, "b": tiles.run, "c": assign.run,
               "d": explorer.run, "e": lambda: bulletins.run(args.bulletin_dirs), "f": pages.run}
    for figure in args.only:
        if figure not in runners:
            print(f"Unknown figure {figure!r}: choose from {FIGURES}.", file=sys.stderr)
            return 2
        step = time.perf_counter()
        figure_rows, figure_extras = runners[figure]()
        rows += figure_rows
        extras.update(figure_extras)
        print(f"({figure}) done in {time.perf_counter() - step:.0f} s", flush=True)
    text = "\n".join([
        f"Machine: {machine()}",
        f"Database {name!r}: {Incident.objects.filter(is_synthetic=True).count():,} synthetic incidents.",
        "",
        markdown_table(rows),
        "",
        *[f"- ({row.figure}) {note}" for row in rows for note in row.notes],
        "",
        *[f"EXPLAIN {key}:\n```\n{plan}\n```" for key, plan in extras.items()],
        f"Suite ran in {time.perf_counter() - started:.0f} s.",
    ])
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


def fill(count: int) -> None:
    from django.db import connection

    from incidents.models import Incident
    from incidents.services.synthetic import generate_synthetic
    from incidents.services.tile_cells import refresh_tile_cells
    from incidents.tiles import tile_cells_fresh

    have = Incident.objects.filter(is_synthetic=True).count()
    if have >= count:
        print(f"{have:,} synthetic incidents already there: reused.")
        with connection.cursor() as cursor:
            # Every figure rolls its writes back (figure c alone leaves 500,000 dead rows in every
            # index); without a vacuum each run of make bench was slower than the last.
            cursor.execute("VACUUM ANALYZE incidents_incident")
            cursor.execute("ANALYZE")  # fresh statistics for every table (gazetteer included)
        if not tile_cells_fresh():
            print(f"Tile cells recounted: {refresh_tile_cells():,} rows.")
        return
    seed = 1 + have // max(1, count)
    while have < count:
        print(f"Generating {count - have:,} synthetic incidents (seed {seed}), once...", flush=True)
        result = generate_synthetic(count=count - have, seed=seed)
        print(f"  {result.created:,} added with their areas and tile cells in {result.insert_seconds:.0f} s",
              flush=True)
        have += result.created
        seed += 1
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE incidents_incident")
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

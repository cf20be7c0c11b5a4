import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from incidents.bench import api_page, assign, bulletins, explorer, markdown_table, tiles
from incidents.models import Incident
from incidents.services.synthetic import generate_synthetic
from incidents.services.tile_cells import refresh_tile_cells
from incidents.tiles import tile_cells_fresh
from regions.models import AdminArea

FIGURES = "abcde"


def machine() -> str:
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


class Command(BaseCommand):
    help = ("Benchmark suite (make bench): fills a benchmark database with synthetic incidents once, "
            "then times (a) API page, (b) tiles, (c) assignment, (d) explorer, (e) bulletins, each "
            "against its baseline.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000, help="Synthetic incidents to have.")
        parser.add_argument("--only", default=FIGURES, help="Figures to run, e.g. 'ab'.")
        parser.add_argument("--bulletins", dest="bulletin_dirs", nargs="*", type=Path,
                            default=[settings.ALERTS_DIR, settings.BASE_DIR / "tests" / "bulletins"])
        parser.add_argument("--output", type=Path, help="Also write the results (Markdown) here.")
        parser.add_argument("--any-database", action="store_true",
                            help="Run even if the database name does not contain 'bench'.")

    def handle(self, *args, count, only, bulletin_dirs, output, any_database, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not any_database:
            raise CommandError(f"Database {name!r} does not look like a benchmark database (its name has no "
                               f"'bench'); it would get {count:,} synthetic incidents. Use make bench.")
        if not AdminArea.objects.exists():
            raise CommandError("No boundaries: run manage.py load_boundaries on this database first.")
        started = time.perf_counter()
        self.fill(count)
        rows, extras = [], {}
        runners = {"a": api_page.run, "b": tiles.run, "c": assign.run,
                   "d": explorer.run, "e": lambda: bulletins.run(bulletin_dirs)}
        for figure in only:
            if figure not in runners:
                raise CommandError(f"Unknown figure {figure!r}: choose from {FIGURES}.")
            step = time.perf_counter()
            figure_rows, figure_extras = runners[figure]()
            rows += figure_rows
            extras.update(figure_extras)
            self.stdout.write(f"({figure}) done in {time.perf_counter() - step:.0f} s", self.style.NOTICE)
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
        self.stdout.write(text)
        if output:
            output.write_text(text + "\n", encoding="utf-8")

    def fill(self, count: int) -> None:
        have = Incident.objects.filter(is_synthetic=True).count()
        if have >= count:
            self.stdout.write(f"{have:,} synthetic incidents already there: reused.")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics for every table (gazetteer included)
            if not tile_cells_fresh():
                self.stdout.write(f"Tile cells recounted: {refresh_tile_cells():,} rows.")
            return
        seed = 1 + have // max(1, count)
        while have < count:
            self.stdout.write(f"Generating {count - have:,} synthetic incidents (seed {seed}), once...")
            result = generate_synthetic(count=count - have, seed=seed)
            self.stdout.write(f"  {result.created:,} added in {result.insert_seconds:.0f} s, "
                              f"areas assigned in {result.assign_seconds:.0f} s")
            have += result.created
            seed += 1
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE incidents_incident")
            cursor.execute("ANALYZE")

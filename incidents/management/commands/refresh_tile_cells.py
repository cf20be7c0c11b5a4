from time import perf_counter

from django.core.management.base import BaseCommand

from incidents.services.tile_cells import refresh_tile_cells


class Command(BaseCommand):
    help = ("Recount the pre-counted clusters of low-zoom vector tiles (run after large imports; "
            "until then those tiles are built from the incidents, correct but slower).")

    def handle(self, *args, **options):
        started = perf_counter()
        rows = refresh_tile_cells()
        self.stdout.write(f"{rows} tile cell(s) counted in {perf_counter() - started:.1f} s.")

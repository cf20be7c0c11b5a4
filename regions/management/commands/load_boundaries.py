from django.core.management.base import BaseCommand, CommandError

from regions.services import boundaries
from regions.services.reference_data import MissingReferenceData


class Command(BaseCommand):
    help = "Load (upsert) Peru's departments, provinces and districts from GeoJSON files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help="Directory or base URL holding departments.geojson, provinces.geojson and "
            "districts.geojson (default: PERU_DATA_SOURCE, ../shared/data/peru).",
        )
        parser.add_argument(
            "--preset", default=boundaries.DEFAULT_PRESET, choices=sorted(boundaries.PRESETS),
            help="The publisher's field names: mapsperu (default, the shipped files), "
            "ocha-cod-ab (OCHA COD-AB ADMn_PCODE/ADMn_ES), inei-2007 (IDDIST/NOMBDIST…).",
        )
        parser.add_argument(
            "--fields", action="append", default=[], metavar="LEVEL:CODE,NAME",
            help="Code and name field of one level (department, province, district) over the "
            "preset, e.g. --fields district:UBIGEO,NOMBRE; repeat per level.",
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when every level is already loaded.",
        )

    def handle(self, *args, source=None, if_empty=False, preset=boundaries.DEFAULT_PRESET,
               fields=(), **options):
        if if_empty and all(boundaries.boundary_counts().values()):
            self.stdout.write(f"Boundaries already loaded: {self._format(boundaries.boundary_counts())}")
            return
        try:
            mapping = boundaries.parse_fields(fields, base=preset) if fields else None
            counts = boundaries.load_boundaries(source=source, preset=preset, fields=mapping)
        except (MissingReferenceData, boundaries.BoundaryDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Boundaries loaded: {self._format(counts)}"))

    @staticmethod
    def _format(counts):
        return ", ".join(f"{n} {level}s" for level, n in counts.items())

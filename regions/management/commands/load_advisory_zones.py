from django.core.management.base import BaseCommand, CommandError

from regions.services import advisories, reference_data


class Command(BaseCommand):
    help = ("Build advisory and reference zones from their definitions in a JSON file "
            "(district lists are read from PERU_DATA_SOURCE or --source).")

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(advisories.ZONES_FILE))
        parser.add_argument("--source", default=None,
                            help="Directory or base URL of the reference data (default PERU_DATA_SOURCE).")

    def handle(self, *args, file, source, **options):
        try:
            zones = advisories.load_advisory_zones(path=file, source=source)
        except (OSError, ValueError, KeyError, advisories.AdvisoryDataError,
                reference_data.MissingReferenceData) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for zone in zones:
            self.stdout.write(f"{zone.slug}: {zone.wording} ({zone.get_construction_display().lower()})")

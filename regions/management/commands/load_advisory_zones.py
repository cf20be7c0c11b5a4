from django.core.management.base import BaseCommand, CommandError

from regions.services import advisories


class Command(BaseCommand):
    help = "Build advisory zones as the union of the districts listed in a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(advisories.ZONES_FILE))

    def handle(self, *args, file, **options):
        try:
            zones = advisories.load_advisory_zones(path=file)
        except (OSError, ValueError, KeyError, advisories.AdvisoryDataError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for zone in zones:
            self.stdout.write(f"Advisory zone {zone.slug}: level {zone.level}, {zone.areas.count()} districts")

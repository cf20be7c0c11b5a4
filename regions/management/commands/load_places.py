from django.core.management.base import BaseCommand, CommandError

from regions.services import reference_data
from regions.services.gazetteer import GazetteerDataError, load_places


class Command(BaseCommand):
    help = "Load the gazetteer: populated places, district capitals and area names."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Directory or base URL of the reference data.")
        parser.add_argument("--force", action="store_true", help="Reload even when loaded.")

    def handle(self, *args, source=None, force=False, **options):
        try:
            result = load_places(source=source, force=force)
        except (GazetteerDataError, reference_data.MissingReferenceData) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in result.counts.items())
        if result.already_loaded:
            self.stdout.write(f"Gazetteer already loaded ({counts}); --force reloads it.")
        else:
            self.stdout.write(f"Gazetteer loaded: {counts}; {result.skipped} row(s) skipped "
                              "(district not in the boundaries or no capital).")

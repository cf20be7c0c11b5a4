from django.core.management.base import BaseCommand, CommandError

from regions.models import DistrictIndicators
from regions.services import indicators
from regions.services.reference_data import MissingReferenceData


class Command(BaseCommand):
    help = "Load district indicators (poverty, altitude, density…) from district_indicators.csv."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Directory or URL with district_indicators.csv.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when already loaded.")

    def handle(self, *args, source=None, if_empty=False, **options):
        if if_empty and DistrictIndicators.objects.exists():
            self.stdout.write(f"District indicators already loaded: {DistrictIndicators.objects.count()}")
            return
        try:
            loaded, unknown = indicators.load_indicators(source=source)
        except (MissingReferenceData, indicators.IndicatorDataError) as exc:
            raise CommandError(str(exc)) from exc
        note = f"; {len(unknown)} not in the boundaries ({', '.join(unknown[:5])})" if unknown else ""
        self.stdout.write(f"District indicators loaded: {loaded}{note}")

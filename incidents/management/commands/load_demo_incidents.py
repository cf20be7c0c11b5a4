from django.core.management.base import BaseCommand, CommandError

from incidents.services import demo
from regions.services.reference_data import MissingReferenceData


class Command(BaseCommand):
    help = "Load the seed bulletin and its three incidents (published). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Directory or URL with populated_places.csv.")

    def handle(self, *args, source=None, **options):
        try:
            created, present = demo.load_demo_incidents(source=source)
        except (MissingReferenceData, demo.DemoDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo incidents: {created} created, {present} already present")

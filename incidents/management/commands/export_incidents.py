from django.core.management.base import BaseCommand

from incidents.models import Incident
from incidents.services.exporters import FORMATS, export_incidents


class Command(BaseCommand):
    help = "Export incidents with ACLED column names as CSV, GeoJSON or GeoPackage."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--status", choices=Incident.Status.values,
                            help="Only incidents with this status (default: all).")

    def handle(self, *args, format, output, status=None, **options):
        count = export_incidents(path=output, format=format, status=status)
        self.stdout.write(f"{count} incident(s) written to {output}.")

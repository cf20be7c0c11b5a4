from django.core.management.base import BaseCommand, CommandError

from incidents.models import Incident
from incidents.services.exporters import FORMATS, export_incidents
from security.untrusted import UnsafePath


class Command(BaseCommand):
    help = "Export incidents with ACLED column names as CSV, GeoJSON or GeoPackage."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--status", choices=Incident.Status.values,
                            help="Only incidents with this status (default: all).")
        parser.add_argument("--public", action="store_true",
                            help="Only what anonymous readers may have: published incidents, "
                            "without datasets whose licence forbids redistribution (ACLED) "
                            "unless RESTRICTED_DATASETS_PUBLIC is on.")

    def handle(self, *args, format, output, status=None, public=False, **options):
        try:
            count = export_incidents(path=output, format=format, status=status, public=public)
        except UnsafePath as error:
            raise CommandError(f"--output: {error}") from error
        self.stdout.write(f"{count} incident(s) written to {output}.")

import sys
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError

from incidents.models import Incident
from incidents.services.importers.common import ImportFailed
from incidents.services.importers.files import FORMATS, import_file
from incidents.services.workflow import acting_user


class Progress:
    """A one-line progress bar on a terminal; silent when output is redirected."""

    def __init__(self, stream=None, width=30):
        # sys.stderr when called, not when this module was imported (it may have been replaced).
        self.stream, self.width, self.last = stream or sys.stderr, width, -1

    def __call__(self, done: int, total: int) -> None:
        if not self.stream.isatty() or not total:
            return
        percent = done * 100 // total
        if percent == self.last and done != total:
            return
        self.last = percent
        filled = self.width * done // total
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} rows")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Import incidents from an ACLED CSV, a UCDP GED CSV or GeoJSON; re-importing updates "
            "in place by (source, id). A bad row aborts everything unless --skip-invalid.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import the good rows and report the bad ones.")
        parser.add_argument("--status", default=Incident.Status.DRAFT, choices=Incident.Status.values)
        parser.add_argument("--user", help="Act with this user's rights (an Editor's rows are "
                            "drafts and may only change drafts); default: the operator, all rights.")

    def handle(self, *args, file, format, skip_invalid=False, status="draft", user=None, **options):
        started = perf_counter()
        try:
            summary = import_file(user=acting_user(user), path=file, format=format,
                                  skip_invalid=skip_invalid, status=status, progress=Progress())
        except (ImportFailed, LookupError) as error:
            raise CommandError(str(error)) from error
        for reason in summary.skipped:
            self.stderr.write(f"skipped {reason}")
        self.stdout.write(
            f"{file}: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {len(summary.skipped)} skipped "
            f"in {perf_counter() - started:.1f} s."
        )

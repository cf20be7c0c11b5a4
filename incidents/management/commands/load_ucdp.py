from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.services.importers.ucdp_download import (
    DownloadFailed, ImportFailed, Offline, load_ucdp, release_loaded, release_url,
)
from incidents.services.workflow import acting_user


class Command(BaseCommand):
    help = ("Fetch the Peru rows of a UCDP GED release (CC BY 4.0) from UCDP's published "
            "download and import them, published. Offline: says so in one line and exits 0.")

    def add_arguments(self, parser):
        parser.add_argument("--release", default=settings.UCDP_GED_RELEASE,
                            help="GED release, e.g. 24.1 (default: UCDP_GED_RELEASE).")
        parser.add_argument("--url", help="Where to fetch it (http or https; {release} and "
                            "{compact} are filled in). Default: UCDP_GED_URL, the release's CSV zip.")
        parser.add_argument("--force", action="store_true",
                            help="Fetch even when this release was loaded already.")
        parser.add_argument("--user", help="Act with this user's rights; default: the operator.")

    def handle(self, *args, release, url=None, force=False, user=None, **options):
        if not (url or force) and release_loaded(release):
            self.stdout.write(f"UCDP GED {release}: already loaded (--force fetches it again).")
            return
        started = perf_counter()
        try:
            result = load_ucdp(user=acting_user(user), release=release, url=url)
        except Offline as error:
            self.stdout.write(f"UCDP GED {release}: offline, nothing loaded: {error}.")
            return
        except (DownloadFailed, ImportFailed, LookupError) as error:
            raise CommandError(f"UCDP GED {release} ({release_url(release, url)}): {error}") from error
        summary = result.summary
        self.stdout.write(
            f"UCDP GED {release}: {result.peru_rows} Peru row(s); {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged "
            f"in {perf_counter() - started:.1f} s."
        )

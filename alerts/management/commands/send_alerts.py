"""Send the alert messages that are due: `manage.py send_alerts` once (a system timer, e.g.
every minute), or `--loop [SECONDS]` as a small worker (`make run` starts one beside the
server). Deliveries were claimed when the incidents were published; this only sends them."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from alerts.services import send_pending


class Command(BaseCommand):
    help = "Send the e-mail alerts that are due (once, or every N seconds with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", nargs="?", type=int, const=-1, default=None, metavar="SECONDS",
                            help="keep running, sending every SECONDS "
                                 "(default ALERTS_SEND_INTERVAL_SECONDS)")

    def handle(self, *args, loop=None, **options):
        interval = settings.ALERTS_SEND_INTERVAL_SECONDS if loop == -1 else loop
        if interval is not None and interval < 1:
            interval = 1
        while True:
            close_old_connections()
            counts = send_pending()
            if counts["messages"] or counts["failed"] or interval is None:
                self.stdout.write(
                    f"send_alerts: {counts['messages']} messages ({counts['incidents']} incidents), "
                    f"{counts['failed']} alerts failed, {counts['skipped']} skipped")
            if interval is None:
                return
            time.sleep(interval)

"""Send the alert messages that are due: `manage.py send_alerts` once (a system timer, e.g.
every minute), or `--loop [SECONDS]` as a small worker (`make run` starts one beside the
server). Deliveries were claimed when the incidents were published; this only sends them."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

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
        try:
            self._run(interval)
        except KeyboardInterrupt:  # Ctrl-C on `make run` reaches the worker too
            pass

    def _run(self, interval):
        while True:
            try:
                counts = send_pending()
            except DatabaseError as error:  # the database restarting: try again next round
                if interval is None:
                    raise
                self.stderr.write(f"send_alerts: {error}")
                counts = {"messages": 0, "incidents": 0, "failed": 0, "skipped": 0}
            if counts["messages"] or counts["failed"] or interval is None:
                self.stdout.write(
                    f"send_alerts: {counts['messages']} messages ({counts['incidents']} incidents), "
                    f"{counts['failed']} alerts failed, {counts['skipped']} skipped")
            if interval is None:
                return
            close_old_connections()  # a worker: a fresh connection after a database restart
            time.sleep(interval)

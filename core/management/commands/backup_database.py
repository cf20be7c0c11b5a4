from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database with pg_dump (custom format)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write, e.g. backups/x.dump")

    def handle(self, *args, output, **options):
        try:
            backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {output}")

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a pg_dump backup into a NEW database (never over an existing one)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", required=True, help="Name of the database to create.")

    def handle(self, *args, file, database, **options):
        try:
            restore(file, database=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {file} into database {database}. Point DATABASE_URL at it to use it."
        )

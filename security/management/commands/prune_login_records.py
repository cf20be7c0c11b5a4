from django.conf import settings
from django.core.management.base import BaseCommand

from security.lockout import prune_login_records


class Command(BaseCommand):
    help = ("Delete failed-login rows older than LOGIN_FAILURE_RETENTION_DAYS and known login "
            "addresses older than LOGIN_KNOWN_ADDRESS_DAYS (also done as new failures arrive).")

    def handle(self, *args, **options):
        failures, addresses = prune_login_records()
        self.stdout.write(
            f"{failures} failed login(s) older than {settings.LOGIN_FAILURE_RETENTION_DAYS} days and "
            f"{addresses} known address(es) older than {settings.LOGIN_KNOWN_ADDRESS_DAYS} days deleted."
        )

from django.core.management.base import BaseCommand

from security.lockout import unlock


class Command(BaseCommand):
    help = "Unlock a username locked by failed logins (from every address, or from --ip only)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--ip", help="Only failures from this address.")

    def handle(self, *args, username, ip=None, **options):
        removed = unlock(username, ip)
        where = f" from {ip}" if ip else ""
        self.stdout.write(f"{username}{where}: {removed} failed login(s) forgotten; unlocked.")

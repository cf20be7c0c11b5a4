from time import perf_counter

from django.core.management.base import BaseCommand
from django.db import transaction

from incidents.services.areas import reassign_areas


class Command(BaseCommand):
    help = "Re-assign every incident's department, province and district from its point (one statement)."

    def handle(self, *args, **options):
        started = perf_counter()
        with transaction.atomic():
            changed = reassign_areas()
        self.stdout.write(f"{changed} incident(s) changed in {perf_counter() - started:.2f} s.")

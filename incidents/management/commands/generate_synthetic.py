from django.core.management.base import BaseCommand, CommandError

from incidents.services.synthetic import MAX_SEED, delete_synthetic, generate_synthetic


class Command(BaseCommand):
    help = (
        "Add synthetic published incidents for load tests (flagged, hidden from public reads unless "
        "synthetic=include|only is asked), or remove them all with --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, help="How many incidents to add.")
        parser.add_argument("--seed", type=int, default=1, help=f"1..{MAX_SEED}; the same seed gives the same rows.")
        parser.add_argument("--delete", action="store_true", help="Remove every synthetic incident.")

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            if count is not None:
                raise CommandError("--delete takes no --count.")
            self.stdout.write(f"{delete_synthetic()} synthetic incident(s) deleted.")
            return
        if count is None:
            raise CommandError("Give --count N (or --delete).")
        try:
            result = generate_synthetic(count=count, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.created} synthetic incident(s) added with their areas and tile cells in "
            f"{result.insert_seconds:.1f} s (seed {seed})."
        )

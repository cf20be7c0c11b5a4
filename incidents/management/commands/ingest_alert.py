import json
from argparse import ArgumentTypeError
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from incidents.services.bulletins.ingest import ingest_bulletin, preview_bulletin
from incidents.services.bulletins.parse import BulletinFormatError
from incidents.services.importers.common import RowError, decode_text
from incidents.services.workflow import WorkflowError, acting_user


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"--published {value!r}: not a date YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Read security bulletins and create their incidents as drafts."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Bulletin text file(s), UTF-8.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and print; write nothing.")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--source-url", default="", help="Where the bulletin was published.")
        parser.add_argument("--user", help="Act with this user's rights; default: the operator.")
        parser.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                            help="Publication date of a text that writes none (news without a "
                                 "date line); relative dates ('on Saturday') resolve from it.")

    def _read(self, name: str) -> str:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot read ({error.strerror})") from error
        if not data.strip():
            raise CommandError(f"{name} is empty: a bulletin needs a headline and a timestamp")
        try:
            return decode_text(data, filename=name)
        except RowError as error:
            raise CommandError(str(error)) from error

    def handle(self, *args, files, dry_run=False, format="text", source_url="", user=None,
               published=None, **options):
        try:
            user = acting_user(user)
        except LookupError as error:
            raise CommandError(str(error)) from error
        outputs = []
        for name in files:
            text = self._read(name)
            try:
                if dry_run:
                    outputs.append({"file": name, **preview_bulletin(text, published=published).as_json()})
                    continue
                result = ingest_bulletin(user=user, text=text, source_url=source_url,
                                         published=published)
            except BulletinFormatError as error:
                raise CommandError(f"{name}: {error}") from error
            except ValidationError as error:
                raise CommandError(f"{name}: {'; '.join(error.messages)}") from error
            except WorkflowError as error:
                raise CommandError(f"{name}: {error}") from error
            outputs.append({
                "file": name, "alert_id": result.alert.pk,
                "already_ingested": result.already_ingested,
                "created": [i.pk for i in result.created],
                "duplicates_of_earlier_updates": result.duplicates,
                "without_location": result.without_location,
                "possible_duplicates": {str(k): v for k, v in result.possible_duplicates.items()},
            })
        if format == "json":
            self.stdout.write(json.dumps(outputs[0] if len(outputs) == 1 else outputs,
                                         ensure_ascii=False, indent=2))
            return
        for out in outputs:
            if dry_run:
                self.stdout.write(f"{out['file']}: {out['alert']['headline']} "
                                  f"({len(out['incidents'])} incident(s))")
                for i in out["incidents"]:
                    self.stdout.write(f"  {i['occurred_on']} {i['sub_event_type']} — "
                                      f"{i['location_name'] or 'no location'}; fatalities "
                                      f"{i['fatalities']}, injuries {i['injuries']}")
            elif out["already_ingested"]:
                self.stdout.write(f"{out['file']}: already ingested as alert {out['alert_id']}")
            else:
                self.stdout.write(
                    f"{out['file']}: alert {out['alert_id']}, {len(out['created'])} draft(s) "
                    f"created, {out['duplicates_of_earlier_updates']} already reported by an "
                    f"earlier update, {out['without_location']} without a place")
                for created, existing in out["possible_duplicates"].items():
                    self.stdout.write(f"  incident {created} may duplicate "
                                      f"{', '.join(map(str, existing))} (see the review queue)")

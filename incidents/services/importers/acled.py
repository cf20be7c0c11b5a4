"""ACLED CSV rows (the reference dataset's columns) to incidents."""
import csv
from typing import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from security.untrusted import shorten

from ...models import Incident
from ...taxonomy import EVENT_TYPES, sub_event_belongs
from ..exporters import restore_cell
from .common import RowData, RowError, parse_date, parse_int, parse_point, text_lines

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
            "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
            "time_precision", "fatalities", "source", "notes"]
STATE_WORDS = ("military forces", "police forces", "government of")
REBEL_WORDS = ("shining path", "sendero", "mrta")


def actor_kind(name: str, inter: str | None) -> int:
    if inter and str(inter).strip().isdigit() and 1 <= int(inter) <= 8:
        return int(inter)
    lowered = name.lower()
    if any(w in lowered for w in STATE_WORDS):
        return 1
    if any(w in lowered for w in REBEL_WORDS):
        return 2
    if lowered.startswith(("civilians", "protesters", "rioters")):
        return {"civilians": 7, "protesters": 6, "rioters": 5}[lowered.split()[0].split("(")[0]]
    return 8


def _area_level(row: dict, geo_precision: int) -> str:
    if row.get("area_level") in ("department", "province", "district"):
        return row["area_level"]
    if geo_precision == 3 and not (row.get("admin3") or "").strip():
        return "province" if (row.get("admin2") or "").strip() else "department"
    return "district"


def map_row(row: dict, *, point=None, status: str = Incident.Status.DRAFT,
            status_column: bool = True) -> RowData:
    check_row_shape(row)
    external_id = (row.get("event_id_cnty") or "").strip()
    if not external_id:
        raise RowError(_("event_id_cnty is empty"))
    event_type, sub_event_type = row["event_type"].strip(), row["sub_event_type"].strip()
    if event_type not in EVENT_TYPES:
        raise RowError(_("event_type {value} is not an ACLED event type"), value=event_type)
    # Checked here as well as in Incident.clean(), whose message would quote the whole value.
    if sub_event_type and not sub_event_belongs(event_type, sub_event_type):
        raise RowError(_("sub_event_type: {value} is not a sub-event type of {event_type}."),
                       value=sub_event_type, event_type=event_type)
    geo_precision = parse_int(row["geo_precision"], column="geo_precision", allowed=(1, 2, 3))
    location = (row.get("location") or "").strip()
    fields = {
        "title": (row.get("title") or "").strip() or f"{sub_event_type} in {location or 'Peru'}",
        "description": (row.get("notes") or "").strip(),
        "occurred_on": parse_date(row["event_date"], column="event_date"),
        "date_precision": parse_int(row["time_precision"], column="time_precision", allowed=(1, 2, 3)),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "location": point or parse_point(row["latitude"], row["longitude"]),
        "location_name": location,
        "geo_precision": geo_precision,
        "area_level": _area_level(row, geo_precision),
        "fatalities": parse_int(row["fatalities"], column="fatalities", blank_ok=True),
        "injuries": parse_int(row.get("injuries"), column="injuries", blank_ok=True),
        "status": ((row.get("status") or "").strip() if status_column else "") or status,
    }
    fields["title"] = fields["title"][:300]
    actors = [
        (row[col].strip(), actor_kind(row[col], row.get(inter)))
        for col, inter in (("actor1", "inter1"), ("actor2", "inter2"))
        if (row.get(col) or "").strip()
    ]
    sources = [s.strip() for s in (row.get("source") or "").split(";") if s.strip()]
    # An export of this application names the dataset each row first came from.
    source = (row.get("external_source") or "").strip() or None
    dataset = (row.get("dataset") or "").strip() or None
    return RowData(external_id=external_id, fields=fields, actors=actors, sources=sources,
                   source=source, dataset=dataset)


class CsvRows:
    """The rows of a CSV import file as dicts, streamed: the file is read from disk each time
    the rows are iterated and never held whole (a list of dicts took ~230 bytes of memory per 2
    bytes of a file of commas). Made after checking the encoding, the header and the row count
    (IMPORT_MAX_ROWS) in one pass that keeps one row at a time; a row with more or fewer cells
    than the header becomes a RowError raised when that row is mapped (so it is reported with
    its number)."""

    def __init__(self, path: str, *, required: list[str], filename: str):
        self.path, self.filename = path, filename
        reader = csv.reader(text_lines(path, filename=filename))
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise RowError(_("%(filename)s: no header line (expected the columns %(columns)s)") % {"filename": filename, "columns": ", ".join(required)})
        header = [cell.strip() for cell in header]
        duplicates = sorted({c for c in header if c and header.count(c) > 1})
        if duplicates:
            # The file's own header names, shown as they are (cut and escaped): the user wrote them.
            raise RowError(_("%(filename)s: duplicate column(s) %(columns)s in the header") % {"filename": filename, "columns": shorten(", ".join(duplicates), 120)})
        missing = [c for c in required if c not in header]
        if missing:
            raise RowError(_("%(filename)s: missing column(s) %(columns)s") % {"filename": filename, "columns": ", ".join(missing)})
        self.header = header
        limit = settings.IMPORT_MAX_ROWS
        self.count = 0
        for cells in reader:  # the whole file is checked before the first row is written
            if cells:
                self.count += 1
                if self.count > limit:
                    raise RowError(_("%(filename)s has more than %(limit)s rows, the limit (IMPORT_MAX_ROWS); split it") % {"filename": filename, "limit": f"{limit:,}"})

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        header = self.header
        reader = csv.reader(text_lines(self.path, filename=self.filename))
        next(reader)
        for cells in reader:
            if not cells:
                continue
            # Undo the apostrophe our CSV exports put before formula-like text (=, +, -, @).
            cells = [restore_cell(cell) for cell in cells]
            row = dict(zip(header, cells))
            if len(cells) != len(header):
                row[_RAGGED] = _("has %(cells)s cells, the header has %(columns)s columns") % {
                    "cells": len(cells), "columns": len(header)}
            yield row


def read_csv(path: str, *, required: list[str], filename: str) -> CsvRows:
    return CsvRows(path, required=required, filename=filename)


# Not a string, so that no column of the file can be taken for it.
_RAGGED = object()


def check_row_shape(row: dict) -> None:
    if _RAGGED in row:
        raise RowError(row[_RAGGED])

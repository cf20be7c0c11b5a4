"""ACLED CSV rows (the reference dataset's columns) to incidents."""
import csv
import io

from ...models import Incident
from ...taxonomy import EVENT_TYPES
from .common import RowData, RowError, parse_date, parse_int, parse_point

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


def map_row(row: dict, *, point=None, status: str = Incident.Status.DRAFT) -> RowData:
    external_id = (row.get("event_id_cnty") or "").strip()
    if not external_id:
        raise RowError("event_id_cnty is empty")
    event_type, sub_event_type = row["event_type"].strip(), row["sub_event_type"].strip()
    if event_type not in EVENT_TYPES:
        raise RowError(f"event_type {event_type!r} is not an ACLED event type")
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
        "status": (row.get("status") or "").strip() or status,
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
    return RowData(external_id=external_id, fields=fields, actors=actors, sources=sources,
                   source=source)


def read_csv(text: str, *, required: list[str], filename: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise RowError(f"{filename}: missing column(s) {', '.join(missing)}")
    return list(reader)

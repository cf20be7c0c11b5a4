"""UCDP GED CSV rows to incidents."""
from django.utils.translation import gettext as _

from ...models import Incident
from .acled import actor_kind, check_row_shape
from .common import RowData, RowError, parse_date, parse_int, parse_point

REQUIRED = ["id", "date_start", "date_end", "type_of_violence", "side_a", "side_b", "latitude",
            "longitude", "where_prec", "date_prec", "best", "low", "high", "source_article"]
# UCDP where_prec -> (ACLED geo precision, finest area known).
WHERE_PREC = {1: (1, "district"), 2: (2, "district"), 3: (3, "province"), 4: (3, "department"),
              5: (2, "district"), 6: (3, "department")}
DATE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}
VIOLENCE = {1: ("Battles", "Armed clash"), 2: ("Battles", "Armed clash"),
            3: ("Violence against civilians", "Attack")}


def map_row(row: dict, *, status: str = Incident.Status.DRAFT, status_column: bool = True) -> RowData:
    # UCDP GED files have no status column: `status_column` is accepted for a uniform call.
    check_row_shape(row)
    external_id = (row.get("id") or "").strip()
    if not external_id:
        raise RowError(_("id is empty"))
    violence = parse_int(row["type_of_violence"], column="type_of_violence", allowed=(1, 2, 3))
    where = parse_int(row["where_prec"], column="where_prec", allowed=range(1, 8))
    if where == 7:
        raise RowError(_("where_prec 7 (international waters or airspace) has no place in Peru"))
    geo_precision, area_level = WHERE_PREC[where]
    event_type, sub_event_type = VIOLENCE[violence]
    side_a, side_b = row["side_a"].strip(), row["side_b"].strip()
    best = parse_int(row["best"], column="best", blank_ok=True)
    fields = {
        "title": f"{sub_event_type}: {side_a} – {side_b}"[:300],
        "description": (row.get("source_headline") or row.get("source_article") or "").strip(),
        "occurred_on": parse_date(row["date_start"], column="date_start"),
        "date_precision": DATE_PREC[parse_int(row["date_prec"], column="date_prec", allowed=range(1, 6))],
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "location": parse_point(row["latitude"], row["longitude"]),
        "location_name": (row.get("where_description") or row.get("where_coordinates") or "").strip(),
        "geo_precision": geo_precision,
        "area_level": area_level,
        "fatalities": best,
        "injuries": None,
        "status": status,
    }
    actors = []
    if side_a:
        actors.append((side_a, 1 if side_a.lower().startswith("government of") else actor_kind(side_a, None)))
    if side_b:
        # One-sided violence (type 3) has civilians as side_b.
        civilians = violence == 3 or side_b.lower() == "civilians"
        actors.append((side_b, 7 if civilians else actor_kind(side_b, None)))
    sources = [s.strip() for s in (row.get("source_article") or "").split(";") if s.strip()]
    return RowData(external_id=external_id, fields=fields, actors=actors, sources=sources)

"""The demo data set: the seed bulletin and the three incidents it reports."""
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction

from regions.models import AdminArea
from regions.services import reference_data

from ..models import Actor, Alert, Incident, Source
from .bulletins.parse import story_of
from .incidents import incident_create
from .workflow import OPERATOR

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_incidents.json"


class DemoDataError(Exception):
    pass


def _populated_places(codes: set[str], source: str | None) -> dict[str, Point]:
    path = reference_data.resolve(source, ["populated_places.csv"])["populated_places.csv"]
    frame = pd.read_csv(path, dtype={"inei_ccpp": str}, usecols=["inei_ccpp", "latitude", "longitude"])
    frame = frame[frame["inei_ccpp"].isin(codes)]
    return {
        row.inei_ccpp: Point(row.longitude, row.latitude, srid=4326)
        for row in frame.itertuples(index=False)
    }


def _locate(spec: dict, places: dict[str, Point]) -> Point:
    if "populated_place" in spec:
        try:
            return places[spec["populated_place"]]
        except KeyError:
            raise DemoDataError(f"populated place {spec['populated_place']} not in the gazetteer")
    area = AdminArea.objects.filter(ubigeo=spec["admin_area"]).first()
    if area is None:
        raise DemoDataError(f"area {spec['admin_area']} not loaded (run load_boundaries)")
    return area.label_point


def _bulletin_path(filename: str) -> Path:
    path = Path(settings.ALERTS_DIR) / filename
    if not path.is_file():
        raise DemoDataError(
            f"Seed bulletin not found: {path}. Set ALERTS_DIR to the directory holding {filename}."
        )
    return path


@transaction.atomic
def load_demo_incidents(*, source: str | None = None, path: Path = DEMO_FILE) -> tuple[int, int]:
    """Create what is missing of the demo set; returns (created, already present)."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    bulletin = spec["bulletin"]
    alert, _ = Alert.objects.get_or_create(
        headline=bulletin["headline"],
        published_at=datetime.fromisoformat(bulletin["published_at"]),
        defaults={
            "severity": bulletin["severity"],
            "update_number": bulletin["update_number"],
            "story": story_of(bulletin["headline"]),
            "raw_text": _bulletin_path(bulletin["file"]).read_text(encoding="utf-8"),
        },
    )
    source_record, _ = Source.objects.get_or_create(
        name=f"Security bulletin: {bulletin['headline']}",
        url="",
        defaults={"published_on": alert.published_at.date()},
    )
    actors = {
        a["name"]: Actor.objects.get_or_create(
            name=a["name"], defaults={"kind": a["kind"], "aliases": a["aliases"]}
        )[0]
        for a in spec["actors"]
    }
    places = _populated_places(
        {i["location"]["populated_place"] for i in spec["incidents"] if "populated_place" in i["location"]},
        source,
    )
    created = present = 0
    for item in spec["incidents"]:
        occurred_on = date.fromisoformat(item["occurred_on"])
        if Incident.objects.filter(alert=alert, title=item["title"], occurred_on=occurred_on).exists():
            present += 1
            continue
        incident_create(
            user=OPERATOR,
            title=item["title"],
            description=item["description"],
            occurred_on=occurred_on,
            date_precision=item["date_precision"],
            event_type=item["event_type"],
            sub_event_type=item["sub_event_type"],
            location=_locate(item["location"], places),
            location_name=item["location_name"],
            geo_precision=item["geo_precision"],
            area_level=item["area_level"],
            fatalities=item["fatalities"],
            injuries=item["injuries"],
            actors=[actors[name] for name in item["actors"]],
            sources=[source_record],
            alert=alert,
            status=Incident.Status.PUBLISHED,
            dataset="demo",
        )
        created += 1
    return created, present

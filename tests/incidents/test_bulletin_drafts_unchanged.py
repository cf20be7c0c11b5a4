"""The drafts a bulletin writes, unchanged by the work on its speed (#18 target 5).

tests/bulletins/drafts_before_speedup.json holds, for every bulletin of tests/bulletins (its
blind/ folder included) and ../shared/data/alerts, what ingest_bulletin stored (each bulletin
alone on the test database) as the code before that work stored it: every field of each draft
incident, its areas, actors, sources and bulletin, and its history (one record per version,
oldest first, with what the record holds). The faster code must store the same."""
import json
import os
from datetime import date
from pathlib import Path

import pytest

from incidents.models import Incident
from incidents.services.bulletins.ingest import ingest_bulletin
from tests.factories import member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "bulletins" / "drafts_before_speedup.json"
PUBLISHED = date(2026, 1, 15)  # for the texts that write no date (fixed: the snapshot must not age)
FIELDS = ["title", "description", "language", "occurred_on", "date_precision", "event_type",
          "sub_event_type", "location_name", "geo_precision", "location_uncertainty_km", "area_level",
          "fatalities", "injuries", "status", "external_source", "external_id",
          "geocoder_alternatives", "dataset_id", "version", "is_synthetic", "duplicate_of_id"]
HISTORY = ["history_type", "history_change_reason", "title", "status", "version"]


def _files() -> list[tuple[str, Path]]:
    paths = [*(ROOT / "tests" / "bulletins").glob("*.txt"), *(ROOT / "tests" / "bulletins" / "blind").glob("*.txt"),
             *(ROOT.parent / "shared" / "data" / "alerts").glob("*.txt")]
    return sorted((str(p.relative_to(ROOT.parent) if "shared" in p.parts else p.relative_to(ROOT)), p)
                  for p in paths)


def _stored(incident: Incident) -> dict:
    row = {name: getattr(incident, name) for name in FIELDS}
    row["occurred_on"] = row["occurred_on"].isoformat()
    row["location"] = [round(incident.location.x, 6), round(incident.location.y, 6)]
    row["areas"] = [a.ubigeo if a else None for a in (incident.department, incident.province, incident.district)]
    row["alert"] = incident.alert.headline
    row["actors"] = sorted(incident.actors.values_list("name", "kind"))
    row["sources"] = sorted(incident.sources.values_list("name", "url", "published_on"))
    row["history"] = [
        {**{name: getattr(h, name) for name in HISTORY},
         "history_user": h.history_user.get_username() if h.history_user_id else None,
         "actors": sorted(h.actors.values_list("actor__name", flat=True)),
         "sources": sorted(h.sources.values_list("source__name", flat=True))}
        for h in incident.history.order_by("history_date", "history_id")
    ]
    return row


def _ingested(path: Path) -> dict:
    user = member("editor")
    result = ingest_bulletin(user=user, text=path.read_text(encoding="utf-8"), published=PUBLISHED)
    incidents = [_stored(i) for i in Incident.objects.filter(
        pk__in=[i.pk for i in result.created]).order_by("pk")]
    got = {"incidents": incidents, "duplicates": result.duplicates,
           "without_location": result.without_location}
    return json.loads(json.dumps(got, ensure_ascii=False, sort_keys=True, default=str))


@pytest.mark.parametrize("key, path", _files(), ids=[key for key, _ in _files()])
def test_drafts_written_are_unchanged(key, path):
    got = _ingested(path)
    if os.environ.get("WRITE_DRAFTS_SNAPSHOT"):  # only to write the snapshot, with the code before
        SNAPSHOT.with_suffix(f".{path.name}.part").write_text(json.dumps({key: got}, ensure_ascii=False))
        return
    assert got == json.loads(SNAPSHOT.read_text(encoding="utf-8"))[key]


def test_every_bulletin_is_in_the_snapshot():
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(snapshot) == [key for key, _ in _files()]
    assert len(snapshot) == 51
    assert sum(len(v["incidents"]) for v in snapshot.values()) > 40

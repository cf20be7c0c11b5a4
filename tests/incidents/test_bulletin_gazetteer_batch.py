"""One gazetteer query per bulletin (#18 target 5), and the parser's output unchanged by it.

tests/bulletins/previews_before_batching.json holds the preview of every bulletin of
tests/bulletins (its blind/ folder included) and ../shared/data/alerts as the code before the
batching produced it (one or two gazetteer queries per mention; written by that code on the
same reference data): the drafts as JSON and as their full repr (candidates, alternatives,
reasons, warnings). The batched code must give the same, byte for byte."""
import json
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.services.bulletins.ingest import preview_bulletin

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
BEFORE = json.loads((ROOT / "tests" / "bulletins" / "previews_before_batching.json").read_text(encoding="utf-8"))
PUBLISHED = date(2026, 1, 15)  # for the texts that write no date (fixed: the snapshot must not age)


def _files() -> list[tuple[str, Path]]:
    paths = [*(ROOT / "tests" / "bulletins").glob("*.txt"), *(ROOT / "tests" / "bulletins" / "blind").glob("*.txt"),
             *(ROOT.parent / "shared" / "data" / "alerts").glob("*.txt")]
    return sorted((str(p.relative_to(ROOT.parent) if "shared" in p.parts else p.relative_to(ROOT)), p)
                  for p in paths)


def test_every_bulletin_is_in_the_snapshot():
    assert [key for key, _ in _files()] == sorted(BEFORE)
    assert len(BEFORE) == 51


@pytest.mark.parametrize("key, path", _files(), ids=[key for key, _ in _files()])
def test_preview_is_unchanged_and_reads_the_gazetteer_once(key, path):
    with CaptureQueriesContext(connection) as queries:
        preview = preview_bulletin(path.read_text(encoding="utf-8"), published=PUBLISHED)
    got = json.loads(json.dumps({"json": preview.as_json(), "drafts": [repr(v.draft) for v in preview.drafts]},
                                ensure_ascii=False, sort_keys=True))
    assert got == BEFORE[key]
    gazetteer = [q["sql"] for q in queries.captured_queries if "regions_place" in q["sql"]]
    assert len(gazetteer) <= 1, gazetteer

"""Field-level accuracy of the bulletin parser on tests/bulletins (and the seed bulletin), and on
the blind set tests/bulletins/blind (see tests/bulletins/ACCURACY.md), with the time per text.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python tests/bulletin_accuracy.py [-v]

Reads the database named by DATABASE_URL (the gazetteer must be loaded: `make data`).
"""
import inspect
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from incidents.services.bulletins import ingest, locate  # noqa: E402
from incidents.services.bulletins.ingest import preview_bulletin  # noqa: E402
from incidents.services.bulletins.parse import BulletinFormatError  # noqa: E402
from tests.incidents.bulletin_expectations import (  # noqa: E402
    BLIND, BLIND_FIELDS, EXPECTED, SEED, SEED_EXPECTED, as_tuple, blind_expected_tuple, blind_tuple)

FIELDS = ["date", "type", "fatalities", "injuries", "geo_precision", "areas", "actors"]
TAKES_PUBLISHED = "published" in inspect.signature(preview_bulletin).parameters
times: list[float] = []
db_times: list[float] = []  # of each text, the time spent in the database (geocoder, areas)
_in_db = [0.0]


def _timed(function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _in_db[0] += time.perf_counter() - started
    return wrapper


locate.geocode = _timed(locate.geocode)
ingest.areas_at = _timed(ingest.areas_at)
ingest._location_name = _timed(ingest._location_name)


def _incidents(path: Path, published: str | None = None) -> list[dict] | str:
    text = path.read_text(encoding="utf-8")
    started = time.perf_counter()
    _in_db[0] = 0.0
    try:
        if TAKES_PUBLISHED:
            preview = preview_bulletin(text, published=date.fromisoformat(published) if published else None)
        else:
            preview = preview_bulletin(text)
        return preview.as_json()["incidents"]
    except BulletinFormatError as error:
        return f"refused: {error}"
    finally:
        times.append(time.perf_counter() - started)
        db_times.append(_in_db[0])


def tuned(verbose: bool) -> None:
    cases = {SEED: (Path(settings.ALERTS_DIR) / SEED, SEED_EXPECTED)}
    cases |= {name: (ROOT / "tests" / "bulletins" / name, exp) for name, exp in EXPECTED.items()}
    right = {f: 0 for f in FIELDS}
    total = counts_right = 0
    for name, (path, (alert, incidents)) in sorted(cases.items()):
        found = _incidents(path)
        got = [] if isinstance(found, str) else [as_tuple(i) for i in found]
        counts_right += len(got) == len(incidents)
        for expected, g in zip(incidents, got):
            for field, e, v in zip(FIELDS, expected, g):
                right[field] += e == v
        total += len(incidents)
        if verbose or len(got) != len(incidents):
            print(f"{name}: {len(got)} incident(s), expected {len(incidents)}")
    print(f"TUNED SET: bulletins with the right number of incidents: {counts_right}/{len(cases)}")
    for field in FIELDS:
        print(f"{field:>14}: {right[field]}/{total}")
    print(f"{'all fields':>14}: {sum(right.values())}/{total * len(FIELDS)}")


def blind(verbose: bool) -> None:
    right = {f: 0 for f in BLIND_FIELDS}
    total = counts_right = refused = 0
    for name, (published, incidents) in sorted(BLIND.items()):
        found = _incidents(ROOT / "tests" / "bulletins" / "blind" / name, published)
        refused += isinstance(found, str)
        got = [] if isinstance(found, str) else [blind_tuple(i) for i in found]
        counts_right += len(got) == len(incidents)
        wrong = []
        for n, (expected, g) in enumerate(zip(incidents, got)):
            for field, e, v in zip(BLIND_FIELDS, blind_expected_tuple(expected), g):
                right[field] += e == v
                if e != v:
                    wrong.append(f"#{n + 1} {field}: expected {e!r}, got {v!r}")
        total += len(incidents)
        if verbose or wrong or len(got) != len(incidents):
            note = found if isinstance(found, str) else f"{len(got)} incident(s)"
            print(f"{name}: {note}, expected {len(incidents)}")
            for line in wrong:
                print(f"    {line}")
    print(f"BLIND SET: texts with the right number of incidents: {counts_right}/{len(BLIND)} "
          f"({refused} refused)")
    for field in BLIND_FIELDS:
        print(f"{field:>14}: {right[field]}/{total}")
    print(f"{'all fields':>14}: {sum(right.values())}/{total * len(BLIND_FIELDS)}")


def main():
    verbose = "-v" in sys.argv
    tuned(verbose)
    print()
    blind(verbose)
    for label, values in (("geocoding and areas included", times),
                          ("excluding the database", [t - d for t, d in zip(times, db_times)])):
        ordered = sorted(values)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(f"{len(ordered)} texts, {label}: median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms per text")


if __name__ == "__main__":
    main()

"""Field-level accuracy of the bulletin parser on tests/bulletins (and the seed bulletin).

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python tests/bulletin_accuracy.py

Reads the database named by DATABASE_URL (the gazetteer must be loaded: `make data`).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from incidents.services.bulletins.ingest import preview_bulletin  # noqa: E402
from tests.incidents.bulletin_expectations import EXPECTED, SEED, SEED_EXPECTED, as_tuple  # noqa: E402

FIELDS = ["date", "type", "fatalities", "injuries", "geo_precision", "areas", "actors"]


def main():
    cases = {SEED: (Path(settings.ALERTS_DIR) / SEED, SEED_EXPECTED)}
    cases |= {name: (ROOT / "tests" / "bulletins" / name, exp) for name, exp in EXPECTED.items()}
    right = {f: 0 for f in FIELDS}
    total = counts_right = 0
    for name, (path, (alert, incidents)) in sorted(cases.items()):
        got = [as_tuple(i) for i in preview_bulletin(path.read_text(encoding="utf-8")).as_json()["incidents"]]
        counts_right += len(got) == len(incidents)
        for expected, found in zip(incidents, got):
            for field, e, g in zip(FIELDS, expected, found):
                right[field] += e == g
        total += len(incidents)
        print(f"{name}: {len(got)} incident(s), expected {len(incidents)}")
    print(f"\nbulletins with the right number of incidents: {counts_right}/{len(cases)}")
    for field in FIELDS:
        print(f"{field:>14}: {right[field]}/{total}")
    print(f"{'all fields':>14}: {sum(right.values())}/{total * len(FIELDS)}")


if __name__ == "__main__":
    main()

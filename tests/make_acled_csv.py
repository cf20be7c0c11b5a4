"""Write a deterministic ACLED-format CSV of N incidents at real populated places.

    .venv/bin/python tests/make_acled_csv.py 3000 /tmp/acled.csv [PLACES_CSV]

Places are drawn (seeded) from the gazetteer file in the shared reference data, so every point
lies in Peru; nothing is copied into the repository.
"""
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import geopandas as gpd  # noqa: E402

from incidents.taxonomy import EVENT_TYPES  # noqa: E402

HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
          "actor1", "inter1", "actor2", "inter2", "country", "admin1", "admin2", "admin3",
          "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
ACTORS = [("Military Forces of Peru (2016-)", 1), ("Police Forces of Peru (2016-)", 1),
          ("Shining Path", 2), ("Civilians (Peru)", 7), ("Protesters (Peru)", 6)]


def rows(n: int, places_csv: Path, seed: int = 20180626):
    rng = random.Random(seed)
    with open(places_csv, encoding="utf-8") as f:
        places = [r for r in csv.DictReader(f) if r["inei_distrito"][:2] in ("05", "08", "09", "12")]
    # A few gazetteer points fall just outside the published boundaries: keep those inside.
    departments = gpd.read_file(places_csv.parent / "departments.geojson")
    points = gpd.GeoSeries(gpd.points_from_xy([float(p["longitude"]) for p in places],
                                              [float(p["latitude"]) for p in places]), crs=4326)
    inside = points.intersects(departments.to_crs(4326).union_all())
    places = [p for p, ok in zip(places, inside) if ok]
    pairs = [(e, s) for e, subs in EVENT_TYPES.items() for s in subs]
    for i in range(1, n + 1):
        place = rng.choice(places)
        event_type, sub = rng.choice(pairs)
        (a1, i1), (a2, i2) = rng.sample(ACTORS, 2)
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
        yield [f"PER{i:05d}", day.strftime("%d %B %Y"), day.year, rng.choice([1, 1, 2, 3]),
               event_type, sub, a1, i1, a2, i2, "Peru", place["departamento"].title(),
               place["provincia"].title(), place["distrito"].title(), place["ccpp"].title(),
               place["latitude"], place["longitude"], rng.choice([1, 1, 2]),
               "La Republica; Peru21", f"Generated test event {i}.", rng.choice(["", 0, 0, 1, 2, 5])]


if __name__ == "__main__":
    count, out = int(sys.argv[1]), sys.argv[2]
    source = Path(sys.argv[3] if len(sys.argv) > 3 else
                  Path(__file__).resolve().parents[2] / "shared/data/peru/populated_places.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(count, source))

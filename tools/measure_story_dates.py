"""How well each way of reading the dates inside a bulletin's story finds the incidents' dates.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python tools/measure_story_dates.py [-v]

Runs the whole parser (`preview_bulletin`) on the 51 test texts (tests/bulletins/*.txt, the
blind set tests/bulletins/blind/*.txt and the seed bulletin) once per strategy, with the story
date reader of incidents/services/bulletins/extract.py replaced by:

  hand             the hand-written patterns alone (dates.find_date_by_patterns)
  dateparser       dateparser's `search_dates` (languages es+en, RELATIVE_BASE the publication
                   day, PREFER_DATES_FROM past, DATE_ORDER DMY, PREFER_DAY_OF_MONTH first):
                   the first date it finds
  combined         `search_dates`' candidates chosen by the hand rules (dates.search_date: the
                   report's own day left out, phrases with neither a digit nor a day word left
                   out ('La Mar', 'del Ene'), spans read again without the words search_dates
                   took with them, weekdays on or before the publication day, a recent relative
                   date before dates recalled from over 60 days earlier)
  hand+dateparser  the patterns, else the combined reader (dates.find_date, what the parser uses)

And the same readers on HELD_OUT: sentences in layouts the 51 texts do not use, with their dates
written before either reader read them (first pass, commit a0975af: hand 19/28 right, 1 wrong;
dateparser 23/28, 3 wrong; combined 21/28, 2 wrong; hand+dateparser was added after it).

Scores, against tests/incidents/bulletin_expectations.py (EXPECTED, SEED_EXPECTED, BLIND):
expected incidents whose drawn incident (in order) has the right occurred_on / all expected
incidents; wrong dates = drawn incidents paired with an expected one whose date differs;
the incident count per text (a date reader also decides where one incident ends and the
next begins); the time spent reading dates per text. Reads the database named by
DATABASE_URL (the gazetteer must be loaded). Outside the product: imports it, never imported.
"""
import functools
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from dateparser.date import DateDataParser  # noqa: E402
from dateparser.search import search_dates  # noqa: E402
from django.conf import settings  # noqa: E402

from incidents.services.bulletins import dates, extract  # noqa: E402
from incidents.services.bulletins.ingest import preview_bulletin  # noqa: E402
from incidents.services.bulletins.parse import BulletinFormatError  # noqa: E402
from tests.incidents.bulletin_expectations import BLIND, EXPECTED, SEED, SEED_EXPECTED  # noqa: E402

LANGUAGES = ["es", "en"]


def _settings(reference: date) -> dict:
    return {"RELATIVE_BASE": datetime(reference.year, reference.month, reference.day),
            "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DAY_OF_MONTH": "first"}


_PERIOD_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
_PERIOD_PARSER = DateDataParser(languages=LANGUAGES)


def _precision(span: str) -> int:
    data = _PERIOD_PARSER.get_date_data(span)
    return _PERIOD_PRECISION.get(data.period, 1) if data.date_obj else 1


@functools.lru_cache(maxsize=4096)
def dateparser_find_date(text: str, reference: date):
    """The first date dateparser's search finds, as it finds it."""
    found = search_dates(text, languages=LANGUAGES, settings=_settings(reference))
    if not found:
        return None
    span, when = found[0]
    return when.date(), _precision(span)


# Held out: sentences in layouts the 51 texts do not use, each given its date BEFORE either
# reader read it (committed first). Published Friday 9 June 2023.
HELD_OUT_PUBLISHED = date(2023, 6, 9)
HELD_OUT = [
    ("Una patrulla fue emboscada hace dos días en Pichari.", "2023-06-07"),
    ("Militants attacked a base two days ago, officials said.", "2023-06-07"),
    ("El ataque ocurrió anteayer en Llochegua.", "2023-06-07"),
    ("Soldiers clashed with militants on the night of June 6 in Vizcatán.", "2023-06-06"),
    ("El enfrentamiento se produjo el pasado 4 de junio.", "2023-06-04"),
    ("The ambush took place on 3rd June near Pichari.", "2023-06-03"),
    ("The attack occurred on June 5th in Kimbiri.", "2023-06-05"),
    ("Los hechos ocurrieron el 05.06.2023 en Sivia.", "2023-06-05"),
    ("The clash took place on 2023-06-02 in Llochegua.", "2023-06-02"),
    ("El lunes pasado, desconocidos secuestraron a dos comuneros.", "2023-06-05"),
    ("On Tuesday evening gunmen killed a farmer, police said on Thursday.", "2023-06-06"),
    ("Los atacantes irrumpieron la madrugada del miércoles.", "2023-06-07"),
    ("A grenade exploded in Kimbiri early Thursday.", "2023-06-08"),
    ("El 31 de mayo una patrulla fue atacada en Río Tambo.", "2023-05-31"),
    ("Militares fueron atacados el domingo 4 de junio en Vizcatán del Ene.", "2023-06-04"),
    ("The two soldiers were wounded on May 30 when a mine exploded.", "2023-05-30"),
    ("Dos policías resultaron heridos el 8 de junio del 2023.", "2023-06-08"),
    ("Hace una semana, un grupo armado atacó un campamento.", "2023-06-02"),
    ("Yesterday afternoon, soldiers clashed with militants.", "2023-06-08"),
    ("Ayer por la tarde se registró un enfrentamiento.", "2023-06-08"),
    ("La semana pasada fueron detenidos tres presuntos senderistas.", "2023-06-02"),
    ("On 1 June, soldiers found an explosive device.", "2023-06-01"),
    ("Una patrulla fue atacada el sábado 3 de junio por la noche.", "2023-06-03"),
    ("El martes 6, una patrulla fue emboscada en Llochegua.", "2023-06-06"),
    ("The attack happened last Saturday in Pichari.", "2023-06-03"),
    ("Ocurrió el 6 de este mes en Pichari.", "2023-06-06"),
    ("Gunmen killed a farmer on Wednesday, June 7, 2023.", "2023-06-07"),
    ("A year after the attack of 9 June 2022, militants ambushed a patrol two days ago.", "2023-06-07"),
]

STRATEGIES = {"hand": dates.find_date_by_patterns, "dateparser": dateparser_find_date,
              "combined": dates.search_date, "hand+dateparser": dates.find_date}


def cases() -> list[tuple[str, Path, date | None, list[str]]]:
    """(name, path, publication date given for a text without one, expected incident dates)."""
    found = [(SEED, Path(settings.ALERTS_DIR) / SEED, None, [i[0] for i in SEED_EXPECTED[1]])]
    found += [(name, ROOT / "tests" / "bulletins" / name, None, [i[0] for i in incidents])
              for name, (_, incidents) in sorted(EXPECTED.items())]
    found += [(name, ROOT / "tests" / "bulletins" / "blind" / name,
               date.fromisoformat(published) if published else None, [i[0] for i in incidents])
              for name, (published, incidents) in sorted(BLIND.items())]
    return found


def run(name: str, reader, verbose: bool) -> dict:
    spent = [0.0]

    def timed(text, reference):
        started = time.perf_counter()
        try:
            return reader(text, reference)
        finally:
            spent[0] += time.perf_counter() - started

    extract.find_date = timed
    score = {"right": 0, "expected": 0, "wrong": 0, "count_right": 0, "extra": 0, "missing": 0,
             "times": []}
    for case, path, published, expected in cases():
        spent[0] = 0.0
        try:
            drawn = [i["occurred_on"] for i in
                     preview_bulletin(path.read_text(encoding="utf-8"), published=published)
                     .as_json()["incidents"]]
        except BulletinFormatError as error:
            drawn = []
            print(f"  {name} {case}: refused: {error}")
        score["times"].append(spent[0])
        score["expected"] += len(expected)
        score["count_right"] += len(drawn) == len(expected)
        score["extra"] += max(0, len(drawn) - len(expected))
        score["missing"] += max(0, len(expected) - len(drawn))
        misses = [(e, d) for e, d in zip(expected, drawn) if e != d]
        score["right"] += sum(e == d for e, d in zip(expected, drawn))
        score["wrong"] += len(misses)
        if verbose and (misses or len(drawn) != len(expected)):
            print(f"  {name:>10} {case}: expected {expected}, drew {drawn}")
    return score


def held_out(verbose: bool) -> None:
    print(f"\n{len(HELD_OUT)} held-out sentences (published {HELD_OUT_PUBLISHED}), read alone:")
    print("| reader | dates right | wrong dates | no date |")
    print("|---|---|---|---|")
    for name, reader in STRATEGIES.items():
        right = wrong = none = 0
        for sentence, expected in HELD_OUT:
            found = reader(sentence, HELD_OUT_PUBLISHED)
            got = found[0].isoformat() if found else None
            right += got == expected
            wrong += got is not None and got != expected
            none += got is None
            if verbose and got != expected:
                print(f"  {name:>10} {sentence!r}: expected {expected}, read {got}")
        print(f"| {name} | {right} / {len(HELD_OUT)} | {wrong} | {none} |")


def main() -> None:
    verbose = "-v" in sys.argv
    results = {}
    for name, reader in STRATEGIES.items():
        dates.search_date.cache_clear()  # a warm cache would hide dateparser's time
        dateparser_find_date.cache_clear()
        results[name] = run(name, reader, verbose)
    n = len(cases())
    print(f"\n{n} texts. Dates right = expected incidents drawn with the right occurred_on; "
          f"wrong = drawn with another date.")
    print("| reader | dates right | wrong dates | texts with the right count | extra / missing "
          "incidents | date reading per text: median | p95 | max |")
    print("|---|---|---|---|---|---|---|---|")
    for name, s in results.items():
        t = sorted(s["times"])
        p95 = t[max(0, round(0.95 * len(t)) - 1)]
        print(f"| {name} | {s['right']} / {s['expected']} | {s['wrong']} | {s['count_right']} / {n} "
              f"| {s['extra']} / {s['missing']} | {t[len(t) // 2] * 1000:.1f} ms "
              f"| {p95 * 1000:.1f} ms | {t[-1] * 1000:.1f} ms |")
    held_out(verbose)


if __name__ == "__main__":
    main()

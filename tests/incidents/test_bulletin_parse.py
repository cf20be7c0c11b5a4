"""The parser on the seed bulletin and on bulletins written for these tests (EN and ES)."""
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from django.conf import settings

from incidents.services.bulletins.casualties import digits, find_casualties
from incidents.services.bulletins.dates import SEARCH_MAX_CHARS, find_date
from incidents.services.bulletins.ingest import preview_bulletin
from incidents.services.bulletins.parse import BulletinFormatError, parse_bulletin, publication_date
from regions.text import normalise
from tests.incidents.bulletin_expectations import (BLIND, BLIND_EXTRA, EXPECTED, SEED, SEED_EXPECTED,
                                                   as_tuple, blind_expected_tuple, blind_tuple)

BULLETINS = Path(__file__).resolve().parent.parent / "bulletins"


def test_seed_bulletin_parts():
    b = parse_bulletin((Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8"))
    assert (b.headline, b.published_at, b.severity, b.update_number) == (
        "Peru: Clashes with armed group in VRAEM region June 24 /update 2",
        datetime(2018, 6, 26, 11, 35, tzinfo=timezone.utc), "informational", 2)
    assert b.story == "peru clashes with armed group in vraem region june 24"
    assert sorted(b.sections) == ["advice", "context", "event"]
    assert b.summary.startswith("Clashes between Peruvian soldiers and narcotraffickers")


@pytest.mark.django_db
def test_seed_bulletin_yields_its_three_incidents():
    preview = preview_bulletin((Path(settings.ALERTS_DIR) / SEED).read_text(encoding="utf-8"))
    alert = preview.as_json()["alert"]
    assert (alert["severity"], alert["update_number"]) == SEED_EXPECTED[0]
    assert [as_tuple(i) for i in preview.as_json()["incidents"]] == SEED_EXPECTED[1]
    assert [i["location_name"] for i in preview.as_json()["incidents"]] == [
        "Vizcatán del Ene district, Satipo, Junín", "Huancavelica department",
        "Valle Hermosa de Mazangaro, Vizcatán del Ene, Satipo, Junín"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_own_bulletins(name):
    result = preview_bulletin((BULLETINS / name).read_text(encoding="utf-8")).as_json()
    assert (result["alert"]["severity"], result["alert"]["update_number"]) == EXPECTED[name][0]
    assert [as_tuple(i) for i in result["incidents"]] == EXPECTED[name][1]


@pytest.mark.parametrize("text, expected", [
    ("on Sunday, June 24", date(2018, 6, 24)),
    ("on Feb. 18", date(2018, 2, 18)),
    ("el jueves 7 de junio", date(2018, 6, 7)),
    ("el 30 de diciembre", date(2017, 12, 30)),  # after the bulletin date: last year
    ("24 June 2016", date(2016, 6, 24)),
    ("ayer", date(2018, 6, 25)),
    ("el domingo", date(2018, 6, 24)),
])
def test_dates_resolve_against_the_bulletin_date(text, expected):
    assert find_date(text, date(2018, 6, 26)) == (expected, 1)


def test_no_date_and_vague_month():
    assert find_date("since the beginning of June", date(2018, 6, 26)) is None


@pytest.mark.parametrize("text, fatalities, injuries", [
    ("Four police officers were killed during an ambush", 4, None),
    ("Several militants were injured but no soldiers were wounded.", None, None),
    ("There were no casualties.", 0, 0),
    ("tres policías murieron y dos resultaron heridos", 3, 2),
    ("el ataque dejó un muerto y cuatro heridos", 1, 4),
    ("some 15 narcoterrorists believed to belong to the Shining Path", None, None),
])
def test_casualties(text, fatalities, injuries):
    assert find_casualties(normalise(text)).as_numbers() == (fatalities, injuries)


def test_a_text_without_headline_or_timestamp_is_refused_with_the_reason(english):
    with pytest.raises(BulletinFormatError, match=r"^bulletin has no headline and no timestamp"):
        parse_bulletin("\n\n")
    with pytest.raises(BulletinFormatError, match=r"^bulletin has no timestamp \(e.g. "):
        parse_bulletin("just some words\n\nmore words")


@pytest.mark.parametrize("stamp, expected", [
    ("26 Jun 2018 | 11:35 AM UTC", datetime(2018, 6, 26, 11, 35, tzinfo=timezone.utc)),
    ("26 de junio de 2018 | 23:05 UTC", datetime(2018, 6, 26, 23, 5, tzinfo=timezone.utc)),
    ("June 26, 2018 1:05 PM UTC", datetime(2018, 6, 26, 13, 5, tzinfo=timezone.utc)),
    ("2018-06-26T11:35Z", datetime(2018, 6, 26, 11, 35, tzinfo=timezone.utc)),
    ("26 June 2018", datetime(2018, 6, 26, tzinfo=timezone.utc)),
])
def test_timestamp_layouts(stamp, expected):
    b = parse_bulletin(f"Clashes reported in the VRAEM\n{stamp}\nAdvertencia\nEvento\nNada.")
    assert (b.headline, b.published_at, b.severity, b.sections) == (
        "Clashes reported in the VRAEM", expected, "warning", {"event": "Nada."})


BLIND_DIR = BULLETINS / "blind"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BLIND))
def test_blind_texts(name):
    """News, wires, U.S. Embassy alerts and heading-less alerts (see tests/bulletins/ACCURACY.md)."""
    published, incidents = BLIND[name]
    result = preview_bulletin((BLIND_DIR / name).read_text(encoding="utf-8"),
                              published=date.fromisoformat(published) if published else None).as_json()
    assert [blind_tuple(i) for i in result["incidents"]] == [blind_expected_tuple(e) for e in incidents]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BLIND_EXTRA))
def test_missing_and_kidnapped_are_kept_apart(name):
    published, _ = BLIND[name]
    result = preview_bulletin((BLIND_DIR / name).read_text(encoding="utf-8"),
                              published=date.fromisoformat(published) if published else None).as_json()
    assert [{"kidnapped": i["kidnapped"], "missing": i["missing"]} for i in result["incidents"]] == \
        BLIND_EXTRA[name]


def test_a_text_without_any_date_is_refused_unless_given_one(english):
    text = (BLIND_DIR / "b14_en_no_date_sivia_kidnap.txt").read_text(encoding="utf-8")
    with pytest.raises(BulletinFormatError, match=r"--published YYYY-MM-DD, or the date field"):
        parse_bulletin(text)
    b = parse_bulletin(text, published=date(2022, 4, 8))
    assert (b.headline, b.published_at) == ("Gunmen abduct local councillor in Ayacucho",
                                            datetime(2022, 4, 8, tzinfo=timezone.utc))


@pytest.mark.parametrize("line, expected", [
    ("Publicado: 24/5/2021", datetime(2021, 5, 24, tzinfo=timezone.utc)),
    ("Actualizado el 10/01/2023 08:15", datetime(2023, 1, 10, 8, 15, tzinfo=timezone.utc)),
    ("Tue, March 5, 2024, 6:41 PM", datetime(2024, 3, 5, 18, 41, tzinfo=timezone.utc)),
    ("September 12, 2022 | 4:10 PM GMT-5", datetime(2022, 9, 12, 16, 10, tzinfo=timezone.utc)),
    ("Lima, 6 de marzo de 2023", datetime(2023, 3, 6, tzinfo=timezone.utc)),
    ("15:55 | Lima, May. 24.", None),  # no year: --published gives it
])
def test_news_date_lines(line, expected):
    assert publication_date(line) == expected


def test_wire_datelines_and_bylines_are_not_the_story():
    b = parse_bulletin("Headline of a wire\nBy Staff Writer\nLIMA, 20 mar (EFE).- Un militar murió.\n"
                       "16/07/2023")
    assert b.sections == {"event": "Un militar murió."}


@pytest.mark.parametrize("text, numbers", [
    ("Cuatro efectivos de la Policía Nacional del Perú fallecieron y dieciséis resultaron heridos",
     (4, 16, None, None)),
    ("Two soldiers were killed and another went missing", (2, None, 1, None)),
    ("Dos comuneras fueron asesinadas y tres pobladoras resultaron heridas", (2, 3, None, None)),
    ("Armed men abducted twenty-six workers", (None, None, None, 26)),
    ("The assault was the deadliest since 2016, when an ambush killed eight", (8, None, None, None)),
])
def test_casualty_phrases_any_subject_any_number(text, numbers):
    c = find_casualties(normalise(digits(text)))
    assert (*c.as_numbers(), *c.others()) == numbers


@pytest.mark.parametrize("text, expected", [
    ("el 07/06/2018", date(2018, 6, 7)),  # day/month in Peru
    ("el último sábado", date(2018, 6, 23)),
    ("an attack last Wednesday", date(2018, 6, 20)),
    ("on Saturday, the army said on Monday", date(2018, 6, 23)),
    ("informó este lunes que el domingo", date(2018, 6, 24)),
])
def test_more_date_layouts(text, expected):
    assert find_date(text, date(2018, 6, 26)) == (expected, 1)


# Layouts the patterns do not know, read by dateparser's search_dates (published Friday 9 June
# 2023; from tools/measure_story_dates.py's held-out sentences).
@pytest.mark.parametrize("text, expected", [
    ("Militants attacked a base two days ago, officials said.", (date(2023, 6, 7), 1)),
    ("El ataque ocurrió anteayer en Llochegua.", (date(2023, 6, 7), 1)),
    ("Los hechos ocurrieron el 05.06.2023 en Sivia.", (date(2023, 6, 5), 1)),
    ("The clash took place on 2023-06-02 in Llochegua.", (date(2023, 6, 2), 1)),
    ("A grenade exploded in Kimbiri early Thursday.", (date(2023, 6, 8), 1)),
    ("Hace una semana, un grupo armado atacó un campamento.", (date(2023, 6, 2), 2)),
    # a recent date wins over one recalled from a year earlier
    ("A year after the attack of 9 June 2022, militants ambushed a patrol two days ago.",
     (date(2023, 6, 7), 1)),
])
def test_dateparser_reads_what_the_patterns_do_not(text, expected):
    assert find_date(text, date(2023, 6, 9)) == expected


@pytest.mark.parametrize("text", [
    "Una patrulla fue atacada en la provincia de La Mar.",  # not March
    "El ataque ocurrió en Vizcatán del Ene.",  # not January
    "Un año después, la zona sigue en emergencia.",  # no day written
    "Two soldiers were wounded, the army said on Friday.",  # the report's day, not the event's
])
def test_place_names_and_the_report_day_are_no_dates(text):
    assert find_date(text, date(2023, 6, 9)) is None


def test_dateparser_reads_only_sentence_sized_text():
    # search_dates took 10-97 s on one 100,000-character sentence of dates: longer text is left
    # to the patterns, which do not read 'two days ago'.
    text = "Militants attacked a base two days ago" + " near the river" * 30 + "."
    assert len(text) > SEARCH_MAX_CHARS
    assert find_date(text, date(2023, 6, 9)) is None
    assert find_date(text[:SEARCH_MAX_CHARS], date(2023, 6, 9)) == (date(2023, 6, 7), 1)

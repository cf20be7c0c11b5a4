"""Resolve the dates a bulletin writes ('Sunday, June 24', 'Feb. 18', 'el jueves 7 de junio',
'07/06/2018', 'el último sábado', 'last Wednesday') against the bulletin's own date: the latest
such day on or before it.

Publication-date lines of any layout are read by dateparser (configured once, below). Dates
inside the story are read by the hand-written patterns here, which know which weekday is the
report's own ('said on Monday') and which date is only recalled (see tests/bulletins/ACCURACY.md).
"""
import re
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

from regions.text import normalise

# One parser for the process: building it loads the language data (the slow part).
_DATE_LINE_PARSER = DateDataParser(
    languages=["es", "en"],
    settings={"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False,
              "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False},
)

# A line that names its month ('September 12, 2022') is read in the order it is written.
_NAMED_MONTH_PARSER = DateDataParser(
    languages=["es", "en"],
    settings={"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
              "PREFER_DAY_OF_MONTH": "first"},
)


def parse_date_line(text: str) -> datetime | None:
    """'24/5/2021', 'Tue, March 5, 2024, 6:41 PM', '6 de marzo de 2023' (day before month)."""
    cleaned = re.sub(r"\s*\|\s*", " ", text)
    cleaned = re.sub(r"\b(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?\b", "", cleaned)
    parser = _DATE_LINE_PARSER if re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", cleaned) else _NAMED_MONTH_PARSER
    return parser.get_date_data(cleaned.strip()).date_obj

MONTHS = {
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                    "august", "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                    "agosto", "septiembre", "octubre", "noviembre", "diciembre"], 1)},
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                    "oct", "nov", "dec"], 1)},
    **{m: i for i, m in enumerate(["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set",
                                    "oct", "nov", "dic"], 1)},
    "sept": 9, "setiembre": 9,
}
WEEKDAYS = {
    **{d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday",
                                    "saturday", "sunday"])},
    **{d: i for i, d in enumerate(["lunes", "martes", "miercoles", "jueves", "viernes", "sabado",
                                    "domingo"])},
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_YEAR = r"(?:,?\s+(?:de(?:l)?\s+)?(\d{4}))?"
# Patterns run on normalised text (lower case, no accents, punctuation as spaces).
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?({_MONTH})\b{_YEAR}")
_WEEKDAY_ONLY = re.compile(
    rf"\b(?:on|el|este|the|last|pasado|ultimo|la noche del|la madrugada del|la tarde del|"
    rf"la manana del)\s+({_WEEKDAY})\b")
# '07/06/2018' is day/month in Peru.
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# The day a report was made, not the day of the event: 'said on Monday', 'informó este lunes'.
_REPORT_DAY = re.compile(
    rf"\b(?:said|say|reported|announced|confirmed|added|stated|informo|informaron|senalo|"
    rf"senalaron|dijo|indico|indicaron|preciso|confirmo|confirmaron|reporto|anuncio)"
    rf"(?:\s+(?:on|este|el|this|last))?\s+(?:{_WEEKDAY})\b")
_RELATIVE = [
    (re.compile(r"\b(?:yesterday|ayer)\b"), 1, 1),
    (re.compile(r"\b(?:today|this morning|hoy|esta manana|esta madrugada)\b"), 0, 1),
    (re.compile(r"\b(?:last week|la semana pasada|past week)\b"), 7, 2),
]


def _on_or_before(month: int, day: int, year: str | None, reference: date) -> date | None:
    if not 1 <= month <= 12:
        return None
    try:
        if year:
            return date(int(year), month, day)
        found = date(reference.year, month, day)
        return found if found <= reference else date(reference.year - 1, month, day)
    except ValueError:
        return None


def find_date(text: str, reference: date) -> tuple[date, int] | None:
    """The first date written in `text` with its ACLED precision (1 day, 2 week), or None."""
    found = [(m.start(), _on_or_before(int(m.group(2)), int(m.group(1)), m.group(3), reference))
             for m in _NUMERIC.finditer(text)]
    norm = _REPORT_DAY.sub(" ", normalise(text))
    for m in _MONTH_DAY.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(1)], int(m.group(2)), m.group(3), reference)))
    for m in _DAY_MONTH.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(2)], int(m.group(1)), m.group(3), reference)))
    found = [(pos, d) for pos, d in found if d is not None]
    recent = _relative(norm, reference)
    if found and recent and all((reference - d).days > 60 for _, d in found):
        return recent  # 'a year after the massacre of 23 May 2021, ... was attacked yesterday'
    if found:
        return min(found)[1], 1
    return recent


def _relative(norm: str, reference: date) -> tuple[date, int] | None:
    m = _WEEKDAY_ONLY.search(norm)
    if m:
        back = (reference.weekday() - WEEKDAYS[m.group(1)]) % 7
        return reference - timedelta(days=back), 1
    for pattern, days_back, precision in _RELATIVE:
        if pattern.search(norm):
            return reference - timedelta(days=days_back), precision
    return None

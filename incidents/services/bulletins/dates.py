"""Resolve the dates a bulletin writes ('Sunday, June 24', 'Feb. 18', 'el jueves 7 de junio',
'07/06/2018', 'el último sábado', 'last Wednesday') against the bulletin's own date: the latest
such day on or before it.

Publication-date lines of any layout are read by dateparser (configured once, below). Dates
inside the story are read first by the hand-written patterns here, which know which weekday is
the report's own ('said on Monday') and which date is only recalled; where they find no date,
or only one recalled from more than 60 days earlier, dateparser's `search_dates` finds the
candidates ('two days ago', 'anteayer', '05.06.2023', '2023-06-02', 'early Thursday') and the
same rules choose among them.

Measured by tools/measure_story_dates.py (expected incident dates of the 51 test texts; 28
held-out sentences in other layouts, dates written before either reader read them):
  hand patterns alone                 57/57 right, 0 wrong;  held out 19/28, 1 wrong, 8 none
  dateparser search_dates alone       39/57 right, 17 wrong; held out 23/28, 3 wrong, 2 none
  both, as below (after fixing)       57/57 right, 0 wrong;  held out 27/28, 0 wrong, 1 none
dateparser alone reads 'La Mar' and 'del Ene' (place names) as March and January, 'Feb. 18' as
February 1st, 'hace 2 días en' as two days ahead and 'on Friday' said on a Friday as a week
earlier; the patterns are kept for what they read (0 wrong) and dateparser reads the rest.
"""
import functools
import re
import unicodedata
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser
from dateparser.search import search_dates

from regions.text import normalise

from .casualties import language

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
    """The first date written in `text` with its ACLED precision (1 day, 2 week), or None: the
    patterns' date, else (or when theirs is recalled from over 60 days earlier) dateparser's."""
    found = find_date_by_patterns(text, reference)
    if found is not None and (reference - found[0]).days <= RECENT_DAYS:
        return found
    recent = search_date(text, reference)
    if recent is not None and (found is None or (reference - recent[0]).days <= RECENT_DAYS):
        return recent
    return found


RECENT_DAYS = 60


def find_date_by_patterns(text: str, reference: date) -> tuple[date, int] | None:
    """The hand-written patterns' date (see the module's docstring for why they are kept)."""
    found = [(m.start(), _on_or_before(int(m.group(2)), int(m.group(1)), m.group(3), reference))
             for m in _NUMERIC.finditer(text)]
    norm = _REPORT_DAY.sub(" ", normalise(text))
    for m in _MONTH_DAY.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(1)], int(m.group(2)), m.group(3), reference)))
    for m in _DAY_MONTH.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(2)], int(m.group(1)), m.group(3), reference)))
    found = [(pos, d) for pos, d in found if d is not None]
    recent = _relative(norm, reference)
    if found and recent and all((reference - d).days > RECENT_DAYS for _, d in found):
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


def _search_settings(reference: date) -> dict:
    return {"RELATIVE_BASE": datetime(reference.year, reference.month, reference.day),
            "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DAY_OF_MONTH": "first"}


# Threat line: an editor's pasted text reaches search_dates, which took 10-97 s on one
# 100,000-character sentence of dates; it reads only sentence-sized text (the 51 test texts'
# longest sentence is 273 characters), longer text is left to the patterns.
SEARCH_MAX_CHARS = 400
_SEARCH_LANGUAGES = {"es": ["es"], "en": ["en"]}
_PERIOD_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
# A phrase search_dates returns without a digit must name a day ('La Mar', 'del Ene', 'June',
# 'Un año' are places, months or spans of time, no day).
_DAY_WORD = re.compile(rf"\b(?:{_WEEKDAY}|yesterday|ayer|anteayer|today|hoy|tonight|anoche|"
                       r"weeks?|semanas?|days?|dias?|ago|hace|morning|manana|madrugada)\b")
_ABBREVIATED_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ene|Abr|Ago|"
                                r"Set|Dic)\.\s*", re.I)
# Words search_dates takes with a date and which change it ('hace 2 días en' = 'in 2 days').
_TRAILING = re.compile(r"(?:[\s,.]+(?:on|a|an|the|in|at|en|el|la|de|del|por|y|and|un|una|uno))+"
                       r"\s*[,.]?$", re.I)


def _fold(text: str) -> str:
    """normalise() one character for one, so that positions carry over to the original text."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        base = base[:1].lower() if base else " "
        out.append(base if base.isalnum() and base.isascii() else " ")
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def search_date(text: str, reference: date) -> tuple[date, int] | None:
    """dateparser's dates in `text`, chosen by the patterns' rules: the report's own day left
    out, a weekday the latest such day on or before `reference`, nothing after `reference`, a
    recent relative date before dates recalled from over 60 days earlier."""
    if len(text) > SEARCH_MAX_CHARS:
        return None
    folded = _fold(text)
    if not re.search(r"\d", text) and not _DAY_WORD.search(folded):
        return None  # no candidate could pass (below): spares dateparser most sentences
    masked = list(text)
    for m in _REPORT_DAY.finditer(folded):  # 'said on Friday'
        masked[m.start():m.end()] = " " * (m.end() - m.start())
    cleaned = _ABBREVIATED_MONTH.sub(r"\1 ", "".join(masked))  # 'Feb. 18' is otherwise Feb 1st
    lang = language(text)
    settings = _search_settings(reference)
    candidates = []
    for span, when in search_dates(cleaned, languages=_SEARCH_LANGUAGES[lang],
                                   settings=settings) or []:
        span = _TRAILING.sub("", span.strip())
        norm = _fold(span)
        has_digit = bool(re.search(r"\d", span))
        if not has_digit and not _DAY_WORD.search(norm):
            continue
        weekday = re.search(rf"\b({_WEEKDAY})\b", norm)
        if weekday and not re.search(rf"\b(?:{_MONTH})\b|/", norm):
            # 'last Wednesday', 'el martes 6': the latest such weekday on or before the report
            back = (reference.weekday() - WEEKDAYS[weekday.group(1)]) % 7
            candidates.append((reference - timedelta(days=back), 1, False))
            continue
        # Read the span again without the words search_dates took with it.
        data = DateDataParser(languages=_SEARCH_LANGUAGES[lang], settings=settings).get_date_data(span)
        day = data.date_obj.date() if data.date_obj else when.date()
        if day > reference:
            continue
        precision = _PERIOD_PRECISION.get(data.period, 1) if data.date_obj else 1
        candidates.append((day, precision, not has_digit))
    if not candidates:
        return None
    relative = [c for c in candidates if c[2]]
    if relative and all((reference - c[0]).days > RECENT_DAYS for c in candidates if not c[2]):
        return relative[0][:2]
    return candidates[0][:2]

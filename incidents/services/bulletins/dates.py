"""Resolve the dates a bulletin writes ('Sunday, June 24', 'Feb. 18', 'el jueves 7 de junio')
against the bulletin's own date: the latest such day on or before it."""
import re
from datetime import date, timedelta

from regions.text import normalise

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
_WEEKDAY_ONLY = re.compile(rf"\b(?:on|el|este|the|last|pasado)\s+({_WEEKDAY})\b")
_RELATIVE = [
    (re.compile(r"\b(?:yesterday|ayer)\b"), 1, 1),
    (re.compile(r"\b(?:today|this morning|hoy|esta manana|esta madrugada)\b"), 0, 1),
    (re.compile(r"\b(?:last week|la semana pasada|past week)\b"), 7, 2),
]


def _on_or_before(month: int, day: int, year: str | None, reference: date) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        found = date(reference.year, month, day)
        return found if found <= reference else date(reference.year - 1, month, day)
    except ValueError:
        return None


def find_date(text: str, reference: date) -> tuple[date, int] | None:
    """The first date written in `text` with its ACLED precision (1 day, 2 week), or None."""
    norm = normalise(text)
    found = []
    for m in _MONTH_DAY.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(1)], int(m.group(2)), m.group(3), reference)))
    for m in _DAY_MONTH.finditer(norm):
        found.append((m.start(), _on_or_before(MONTHS[m.group(2)], int(m.group(1)), m.group(3), reference)))
    found = [(pos, d) for pos, d in found if d is not None]
    if found:
        return min(found)[1], 1
    m = _WEEKDAY_ONLY.search(norm)
    if m:
        back = (reference.weekday() - WEEKDAYS[m.group(1)]) % 7
        return reference - timedelta(days=back), 1
    for pattern, days_back, precision in _RELATIVE:
        if pattern.search(norm):
            return reference - timedelta(days=days_back), precision
    return None

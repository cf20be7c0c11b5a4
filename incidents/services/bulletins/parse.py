"""Split a bulletin into headline, timestamp, severity, summary and sections (EN and ES).

Besides the alert layout (headline, timestamp, severity, Event/Context/Advice) it reads news
articles and wires (a date line anywhere: 'Publicado: 24/5/2021', 'Actualizado el 10/01/2023',
'Tue, March 5, 2024'; datelines such as 'LIMA, 20 mar (EFE).-' and bylines are dropped from the
text), U.S. Embassy alerts ('Location:', 'Event:', 'Actions to Take:') and alerts whose sections
have no headings (every paragraph after the headline is read as the event).
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from django.conf import settings
from django.utils.translation import gettext as _

from regions.text import normalise

from .dates import MONTHS, parse_date_line

SEVERITIES = {
    "informational": "informational", "informativo": "informational", "informativa": "informational",
    "warning": "warning", "advertencia": "warning",
    "critical": "critical", "critico": "critical", "critica": "critical",
}
SECTIONS = {
    "event": "event", "evento": "event", "events": "event", "eventos": "event",
    "context": "context", "contexto": "context", "background": "context", "antecedentes": "context",
    "advice": "advice", "recomendaciones": "advice", "recomendacion": "advice",
    "consejos": "advice", "consejo": "advice",
    "actions to take": "advice", "acciones a tomar": "advice", "assistance": "advice",
    "asistencia": "advice", "location": "location", "ubicacion": "location", "lugar": "location",
}
NOISE = {"skip to main content", "saltar al contenido principal", "ir al contenido principal"}

_UPDATE = re.compile(r"\s*/\s*(?:update|actualizaci[oó]n)\s*(\d+)\s*$", re.I)
_HEADLINE = re.compile(r"^[A-ZÁÉÍÓÚÑ][\w ÁÉÍÓÚÑáéíóúñ.-]{1,40}:\s+\S")
_TIME = r"(\d{1,2}):(\d{2})\s*(?:h\s*)?(am|pm|a\. ?m\.|p\. ?m\.)?\s*(?:utc|gmt)?"
_TIMESTAMPS = [
    # 26 Jun 2018 | 11:35 AM UTC   /   26 de junio de 2018 | 11:35 UTC
    re.compile(r"^(\d{1,2})\s+(?:de\s+)?([a-z]+)\.?\s+(?:de\s+)?(\d{4})(?:\s*[|,-]?\s*" + _TIME + r")?\s*$", re.I),
    # June 26, 2018 11:35 UTC
    re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s*[|,-]?\s*" + _TIME + r")?\s*$", re.I),
    # 2018-06-26 11:35 UTC / 2018-06-26T11:35Z / 2018-06-26
    re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T|]+(\d{1,2}):(\d{2})\S*(?:\s*(?:utc|gmt))?)?\s*$", re.I),
]


# Lines that carry a publication date in news pages: 'Publicado: 24/5/2021', 'Updated 10/01/2023'.
_DATE_LABEL = re.compile(r"^(?:publicado|actualizado|published|updated|posted|fecha|date)"
                         r"(?:\s+(?:el|on|en))?\s*:?\s*", re.I)
# 'Lima, 6 de marzo de 2023' / 'Ayacucho, 9 de junio de 2018.' (a place, then the date)
_PLACE_DATE = re.compile(r"^[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñ ]{1,30},\s+(?=\w*\d)")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Wire datelines that open a paragraph: 'LIMA, Sept 12 (Reuters) - ', 'LIMA, 20 mar (EFE).- ',
# 'LIMA (AFP) - ', 'Lima, mar. 20 (ANDINA).'
DATELINE = re.compile(
    r"^[A-ZÁÉÍÓÚÑ][\wÁÉÍÓÚÑáéíóúñ .]{1,30}(?:,\s*[\w. ]{1,20})?\s*\((?:Reuters|AFP|EFE|AP|ANDINA|"
    r"Andina|Europa Press|Xinhua|dpa|ANSA)\)\s*\.?\s*[-–—.:]*\s*")
# '15:55 | Lima, May. 24.' (Andina): a time and a place, no year.
_CLOCK_LINE = re.compile(r"^\d{1,2}:\d{2}\s*\|\s*[^|]{1,40}$")
_BYLINE = re.compile(r"^(?:by|por|from|de)\s+[A-ZÁÉÍÓÚÑ][\w .,'’-]{1,60}$|^\((?:reporting|writing|editing)\b.*\)$",
                     re.I)


def story_of(headline: str) -> str:
    """The headline without '/update N', normalised: the same for every update of a story."""
    return normalise(_UPDATE.sub("", headline))


HEADLINE_MAX = 500  # Alert.headline


class BulletinFormatError(ValueError):
    pass


@dataclass
class ParsedBulletin:
    headline: str
    published_at: datetime
    severity: str
    update_number: int | None
    summary: str
    sections: dict[str, str] = field(default_factory=dict)
    language: str = ""  # "es", "en" or "" (text_language): the incidents' descriptions keep it

    @property
    def story(self) -> str:
        return story_of(self.headline)

    @property
    def event_text(self) -> str:
        return self.sections.get("event", "")


# Words that only one of the two languages uses often (#14 part 5): Andina, RPP and Peruvian
# alerts are Spanish; wires and embassy alerts are often English.
_SPANISH_WORDS = frozenset("el la los las del en y que por con una un se al su sus fue fueron según "
                           "tras durante contra entre dijo informó".split())
_ENGLISH_WORDS = frozenset("the of and in to was were by with an on that said from after during "
                           "against between their".split())


def text_language(text: str) -> str:
    """"es" or "en" by counting each language's common words; "" when too few to tell."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    spanish = sum(w in _SPANISH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if spanish + english < 3 or spanish == english:
        return ""
    return "es" if spanish > english else "en"


def _hour(hour: str | None, ampm: str | None) -> int:
    h = int(hour or 0)
    if ampm and ampm.lower().startswith("p") and h < 12:
        h += 12
    if ampm and ampm.lower().startswith("a") and h == 12:
        h = 0
    return h


def parse_timestamp(line: str) -> datetime | None:
    text = line.strip()
    m = _TIMESTAMPS[2].match(text)
    if m:
        y, mo, d, h, mi = (int(g or 0) for g in m.groups())
        return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)
    for pattern, order in ((_TIMESTAMPS[0], "dmy"), (_TIMESTAMPS[1], "mdy")):
        m = pattern.match(text)
        if not m:
            continue
        a, b, year, hour, minute, ampm = m.groups()
        day, month_name = (a, b) if order == "dmy" else (b, a)
        month = MONTHS.get(normalise(month_name))
        if month:
            return datetime(int(year), month, int(day), _hour(hour, ampm), int(minute or 0),
                            tzinfo=timezone.utc)
    return None


def _section_header(line: str) -> tuple[str, str] | None:
    """'Event' -> ('event', ''); 'Evento: Enfrentamientos ...' -> ('event', 'Enfrentamientos ...')."""
    head, sep, rest = line.partition(":")
    key = SECTIONS.get(normalise(head))
    if key and (sep or not rest):
        return key, rest.strip()
    return None


def publication_date(line: str) -> datetime | None:
    """A news page's date line ('Publicado: 24/5/2021', 'Tue, March 5, 2024, 6:41 PM',
    'Lima, 6 de marzo de 2023'), read by dateparser; only short lines that write a year."""
    text = line.strip().rstrip(".")
    if len(text) > 60 or not _YEAR.search(text):
        return None
    text = _PLACE_DATE.sub("", _DATE_LABEL.sub("", text))
    strict = parse_timestamp(re.sub(r"^[A-Za-z]{3,9},\s*|\s*GMT[+-]\d+$|,(?=\s*\d{1,2}:)", "", text))
    if strict is not None:
        return strict
    found = parse_date_line(text)
    return None if found is None else datetime(found.year, found.month, found.day, found.hour,
                                               found.minute, tzinfo=timezone.utc)


def is_furniture(line: str) -> bool:
    """A byline, '(Reporting by ...)' or '15:55 | Lima, May. 24.': no part of the story."""
    return bool(_BYLINE.match(line) or _CLOCK_LINE.match(line))


def parse_bulletin(text: str, published: date | None = None) -> ParsedBulletin:
    """Read the bulletin's parts; raises BulletinFormatError naming what is missing. `published`
    is the publication date for a text that writes none (a date in the text wins)."""
    if len(text) > settings.BULLETIN_MAX_CHARS:
        raise BulletinFormatError(
            _("bulletin is %(count)s characters, over the limit of %(limit)s (BULLETIN_MAX_CHARS)") % {
                "count": f"{len(text):,}", "limit": f"{settings.BULLETIN_MAX_CHARS:,}"}
        )
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    headline = summary = severity = None
    published_at = None
    loose: list[str] = []  # lines outside sections: headline and summary candidates
    update_number = None
    sections: dict[str, list[str]] = {}
    current = None
    news_date = None
    for line in lines:
        if not line or normalise(line) in NOISE:
            continue
        label, _colon, value = line.partition(":")
        if normalise(label) in {"severity", "severidad", "nivel", "gravedad"} and value.strip():
            severity = SEVERITIES.get(normalise(value.strip()), severity)
            continue
        if normalise(line) in SEVERITIES and severity is None:
            severity = SEVERITIES[normalise(line)]
            continue
        if published_at is None and (stamp := parse_timestamp(line)):
            published_at = stamp
            continue
        if (stamp := publication_date(line)) is not None:
            news_date = news_date or stamp
            continue
        if is_furniture(line):
            continue
        line = DATELINE.sub("", line)
        header = _section_header(line)
        if header:
            current = header[0]
            sections.setdefault(current, [])
            if header[1]:
                sections[current].append(header[1])
            continue
        if current:
            sections[current].append(line)
        else:
            loose.append(line)
    # The headline is the first 'Country: ...' line, else the first line; the summary follows it.
    headline = next((line for line in loose if _HEADLINE.match(line)), loose[0] if loose else None)
    if headline is not None and loose.index(headline) + 1 < len(loose):
        summary = loose[loose.index(headline) + 1]
    published_at = published_at or news_date
    if published_at is None and published is not None:
        published_at = datetime(published.year, published.month, published.day, tzinfo=timezone.utc)
    missing = [name for name, value in ((_("headline"), headline),
                                        (_("timestamp (e.g. '26 Jun 2018 | 11:35 AM UTC')"), published_at))
               if value is None]
    if missing:
        hint = (_("; give its publication date (ingest_alert --published YYYY-MM-DD, or the date "
                  "field of the admin page)") if published_at is None else "")
        raise BulletinFormatError(_("bulletin has no %(missing)s%(hint)s") % {
            "missing": _(" and no ").join(missing), "hint": hint})
    if len(headline) > HEADLINE_MAX:
        raise BulletinFormatError(
            _("the headline (first line) is %(count)s characters, at most %(max)s: %(headline)r…") % {
                "count": len(headline), "max": HEADLINE_MAX, "headline": headline[:60]}
        )
    if "event" not in sections and headline is not None:
        # No 'Event' heading (news, wires, alerts without headings): the paragraphs after the
        # headline tell the story.
        body = loose[loose.index(headline) + 1:]
        if body:
            sections["event"] = body
    m = _UPDATE.search(headline)
    if m:
        update_number = int(m.group(1))
    return ParsedBulletin(
        headline=headline,
        published_at=published_at,
        severity=severity or "informational",
        update_number=update_number,
        summary=summary or "",
        sections={key: "\n\n".join(parts) for key, parts in sections.items()},
        language=text_language(" ".join([headline, summary or "", *(" ".join(p) for p in sections.values())])),
    )

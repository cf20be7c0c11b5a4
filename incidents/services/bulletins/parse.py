"""Split a bulletin into headline, timestamp, severity, summary and sections (EN and ES)."""
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from django.conf import settings

from regions.text import normalise

from .dates import MONTHS

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

    @property
    def story(self) -> str:
        return story_of(self.headline)

    @property
    def event_text(self) -> str:
        return self.sections.get("event", "")


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


def parse_bulletin(text: str) -> ParsedBulletin:
    """Read the bulletin's parts; raises BulletinFormatError naming what is missing."""
    if len(text) > settings.BULLETIN_MAX_CHARS:
        raise BulletinFormatError(
            f"bulletin is {len(text):,} characters, over the limit of "
            f"{settings.BULLETIN_MAX_CHARS:,} (BULLETIN_MAX_CHARS)"
        )
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    headline = summary = severity = None
    published_at = None
    loose: list[str] = []  # lines outside sections: headline and summary candidates
    update_number = None
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if not line or normalise(line) in NOISE:
            continue
        label, _, value = line.partition(":")
        if normalise(label) in {"severity", "severidad", "nivel", "gravedad"} and value.strip():
            severity = SEVERITIES.get(normalise(value.strip()), severity)
            continue
        if normalise(line) in SEVERITIES and severity is None:
            severity = SEVERITIES[normalise(line)]
            continue
        if published_at is None and (stamp := parse_timestamp(line)):
            published_at = stamp
            continue
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
    missing = [name for name, value in (("headline", headline),
                                        ("timestamp (e.g. '26 Jun 2018 | 11:35 AM UTC')", published_at))
               if value is None]
    if missing:
        raise BulletinFormatError(f"bulletin has no {' and no '.join(missing)}")
    if len(headline) > HEADLINE_MAX:
        raise BulletinFormatError(
            f"the headline (first line) is {len(headline)} characters, at most {HEADLINE_MAX}: "
            f"{headline[:60]!r}…"
        )
    if not sections and summary:
        sections["event"] = [summary]
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
    )

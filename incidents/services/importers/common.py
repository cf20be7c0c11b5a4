"""Write imported rows through the incident services, all or nothing.

Every row is mapped to `RowData` by its format's reader, then created or updated in place by
(source, external id). One bad row aborts the whole import naming its row and reason; with
`skip_invalid` the good rows are kept and the bad ones reported. Each row is written once:
the database's trigger assigns its areas as it is inserted (incidents/sql/assign_areas.sql);
the tile-cell triggers queue the rows and the import counts them into the cells in one upsert
at its end (tile_cell.sql, services.tile_cells.queued_tile_cells).

Row errors quote values of the file only as `security.untrusted.excerpt` (≤ 40 characters,
repr-escaped): RowError takes them as keyword arguments and `row_reason` does the same to the
values in Django's validation messages, then cuts the whole reason to REASON_CHARS. Threat line:
an Editor who imports a file sees at most these excerpts of it (and, before the GeoJSON reader
stopped using GDAL, a crafted file could make those values come from any server file).
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Iterator

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from security.untrusted import EXCERPT_CHARS, excerpt, shorten

from ...models import Actor, Dataset, Incident, Source
from ..incidents import incident_create, incident_update
from ..tile_cells import queued_tile_cells
from ..workflow import WorkflowError


# The longest row reason shown (a row error's whole text, after "row N: ").
REASON_CHARS = 300


class RowError(ValueError):
    """A row that cannot be imported; the message says why.

    `template` is our own text; every value taken from the file goes in as a keyword argument
    and is shown only as its excerpt: RowError("event_type {value} is not …", value=cell).
    """

    def __init__(self, template: str, **values):
        quoted = {name: excerpt(value) for name, value in values.items()}
        super().__init__(template.format(**quoted) if values else template)


class ImportFailed(Exception):
    pass


@dataclass
class RowData:
    external_id: str
    fields: dict
    actors: list[tuple[str, int]]  # (name, ACLED inter code)
    sources: list[str] | None  # None: not in the file (an update keeps the incident's own)
    source: str | None = None  # the namespace named in the row (an export's external_source)
    dataset: str | None = None  # the dataset named in the row (an export's `dataset` column)
    # How far (degrees) the file's point may be from the stored one and still be the same:
    # exports write every digit; the API's GeoJSON rounds to regions.geojson.COORDINATE_DECIMALS.
    tolerance: float = 1e-9


# An API feature of an incident written in this application is imported into this namespace,
# as OWN_PREFIX + its id (importers.geojson); in the database it came from, that is the row
# itself (an incident of no external source with that id, on the same day with the same type).
OWN_SOURCE, OWN_PREFIX = "vraem", "VRAEM"

# The dataset of a row that names none, by the namespace it is imported into.
DEFAULT_DATASET = {"acled": "acled", "ucdp": "ucdp"}
FALLBACK_DATASET = "editor"  # a GeoJSON file or an export of the editors' own incidents


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # 'row 12: reason'


def decode_text(data: bytes, *, filename: str) -> str:
    """UTF-8 text (a byte-order mark allowed); any other encoding is refused, naming the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RowError(_("%(filename)s is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import again") % {"filename": filename})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RowError(
            _("%(filename)s is not UTF-8 text: byte 0x%(byte)s on line %(line)s (Latin-1 or Windows-1252?); save it as UTF-8 and import again") % {"filename": filename, "byte": f"{data[error.start]:02x}", "line": line}
        ) from None


def text_lines(path: str, *, filename: str) -> Iterator[str]:
    """The lines of a UTF-8 text file (a byte-order mark allowed), read one at a time: a file is
    never held whole, as bytes or as text. Any other encoding is refused, naming the line; so is
    a NUL byte (binary, not a text file). Lines keep their endings ('\\r\\n' too), as the csv
    module wants; a UTF-8 sequence never contains the byte of '\\n', so each line decodes alone."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if number == 1:
                if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise RowError(_("%(filename)s is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import again") % {"filename": filename})
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise RowError(
                    _("%(filename)s is not UTF-8 text: byte 0x%(byte)s on line %(number)s (Latin-1 or Windows-1252?); save it as UTF-8 and import again") % {"filename": filename, "byte": f"{raw[error.start]:02x}", "number": number}
                ) from None
            if "\x00" in line:
                raise RowError(_("%(filename)s: NUL byte on line %(number)s; this is not a CSV text file") % {"filename": filename, "number": number})
            yield line


def parse_date(value: str, *, column: str) -> date:
    text = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
                "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(_("%(column)s {value} is not a date (YYYY-MM-DD or '24 June 2018')") % {"column": column}, value=value)


def parse_int(value, *, column: str, allowed: Iterable[int] | None = None, blank_ok=False) -> int | None:
    text = "" if value is None else str(value).strip()
    if text in ("", "nan", "None"):
        if blank_ok:
            return None
        raise RowError(_("%(column)s is empty") % {"column": column})
    try:
        number = int(float(text))
    except ValueError:
        raise RowError(_("%(column)s {value} is not a whole number") % {"column": column}, value=value) from None
    if number != float(text) or number < 0:
        raise RowError(_("%(column)s {value} is not a whole number ≥ 0") % {"column": column}, value=value)
    if allowed is not None and number not in allowed:
        raise RowError(_("%(column)s {value} must be one of %(allowed)s") % {"column": column, "allowed": ", ".join(map(str, allowed))},
                       value=value)
    return number


def parse_float(value, *, column: str) -> float | None:
    """A number ≥ 0, or None for an empty cell."""
    text = "" if value is None else str(value).strip()
    if text in ("", "nan", "None"):
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowError(_("%(column)s {value} is not a number") % {"column": column}, value=value) from None
    if not math.isfinite(number) or number < 0:
        raise RowError(_("%(column)s {value} is not a number ≥ 0") % {"column": column}, value=value)
    return number


def parse_point(latitude, longitude) -> Point:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise RowError(_("latitude/longitude {latitude}/{longitude} are not numbers"),
                       latitude=latitude, longitude=longitude) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RowError(_("latitude/longitude %(lat)s/%(lon)s out of range") % {"lat": lat, "lon": lon})
    return Point(lon, lat, srid=4326)


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def _validation_texts(errors: list[ValidationError]) -> list[str]:
    """Django's messages with their string parameters (the rejected value, mostly) cut to an
    excerpt's length before they are put in, as `RowError` does."""
    texts = []
    for error in errors:
        for item in error.error_list:
            message = item.message
            if item.params:
                message = message % {k: (_cut(v) if isinstance(v, str) else v)
                                     for k, v in item.params.items()}
            texts.append(str(message))
    return texts


def row_reason(error: Exception) -> str:
    """The one place a row error becomes text: value excerpts only (see RowError), every
    non-printable character escaped, at most REASON_CHARS characters."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        text = "; ".join(f"{field}: {' '.join(_validation_texts(errors))}"
                         for field, errors in error.error_dict.items())
    elif isinstance(error, ValidationError):
        text = " ".join(_validation_texts([error]))
    else:
        text = str(error)
    return shorten(text, REASON_CHARS)


class _Lookups:
    """Actors, sources and already imported incidents, each read once per import."""

    def __init__(self):
        self.actors: dict[str, Actor] = {}
        self.sources: dict[str, Source] = {}
        self.incidents: dict[str, dict[str, Incident]] = {}
        self.datasets: dict[str, Dataset] = {d.pk: d for d in Dataset.objects.all()}

    def dataset(self, slug: str | None, source: str) -> Dataset:
        slug = slug or DEFAULT_DATASET.get(source, FALLBACK_DATASET)
        if slug not in self.datasets:
            raise RowError(_("dataset {value} is not one of %(datasets)s") % {"datasets": ", ".join(sorted(self.datasets))},
                           value=slug)
        return self.datasets[slug]

    def imported(self, source: str) -> dict[str, Incident]:
        """Incidents of a dataset by external id; for OWN_SOURCE also the editors' own incidents
        by OWN_PREFIX + id."""
        if source not in self.incidents:
            rows = Incident.objects.filter(external_source=source)
            own = Incident.objects.filter(external_source="") if source == OWN_SOURCE else []
            self.incidents[source] = {
                **{f"{OWN_PREFIX}{i.pk}": i for i in own},
                **{i.external_id: i for i in rows},
            }
        return self.incidents[source]

    def actor(self, name: str, kind: int) -> Actor:
        if name not in self.actors:
            self.actors[name] = Actor.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        return self.actors[name]

    def source(self, name: str) -> Source:
        if name not in self.sources:
            self.sources[name] = Source.objects.get_or_create(name=name[:300], url="")[0]
        return self.sources[name]


def _same(incident: Incident, fields: dict, tolerance: float = 1e-9) -> bool:
    return incident.dataset_id == fields["dataset"].pk and all(getattr(incident, k) == v for k, v in fields.items()
               if k not in ("location", "status")) and (
        incident.location.equals_exact(fields["location"], tolerance)
    )


def run_import(
    rows: Iterable[tuple[int, Callable[[], RowData]]],
    *,
    source: str,
    total: int,
    user,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """`rows` yields (row number, a function mapping the row), written as `user` (a row the
    user may not write is a bad row); see the module docstring."""
    summary = ImportSummary()
    lookups = _Lookups()
    written: list[int] = []
    # Each row is written once: the trigger assigns its areas on insert, not an insert then an
    # UPDATE of every row (#18 target 4); the rows' tile cells are counted once, at the end.
    with transaction.atomic(), queued_tile_cells():
        for done, (number, read) in enumerate(rows, 1):
            try:
                with transaction.atomic():
                    data = read()
                    _write(data, data.source or source, lookups, summary, written, user)
            except (RowError, ValidationError, WorkflowError) as error:
                reason = _("row %(number)s: %(reason)s") % {"number": number, "reason": row_reason(error)}
                if not skip_invalid:
                    raise ImportFailed(_("%(reason)s. Nothing was imported.") % {
                        "reason": reason.rstrip(".")}) from error
                summary.skipped.append(reason)
            if progress:
                progress(done, total)
    return summary


def _write(data: RowData, source: str, lookups, summary, written, user) -> None:
    existing = lookups.imported(source)
    data.fields["dataset"] = lookups.dataset(data.dataset, source)
    actors = [lookups.actor(name, kind) for name, kind in data.actors]
    sources = None if data.sources is None else [lookups.source(name) for name in data.sources]
    incident = existing.get(data.external_id)
    if incident is not None and incident.external_source != source and (
            incident.occurred_on, incident.event_type) != (data.fields["occurred_on"], data.fields["event_type"]):
        # An editors' own incident with the same id but another day or type: a download from
        # another database, not this row. A new incident, rather than overwriting this one.
        incident = None
    if incident is None:
        incident = incident_create(user=user, **data.fields, actors=actors, sources=sources or [],
                                   external_source=source, external_id=data.external_id)
        existing[data.external_id] = incident
        summary.created += 1
    elif _same(incident, data.fields, data.tolerance) and {a.pk for a in incident.actors.all()} == {a.pk for a in actors}:
        summary.unchanged += 1
        return
    else:
        # Status is editorial: a re-import never publishes, unpublishes or archives.
        changes = {k: v for k, v in data.fields.items() if k != "status"}
        try:
            if sources is not None:
                changes["sources"] = sources
            incident_update(user=user, incident=incident, actors=actors, **changes)
        except WorkflowError:
            raise RowError(_("it would change incident #%(id)s, which is %(status)s; you may not change it") % {
                "id": incident.pk, "status": str(incident.get_status_display()).lower()}) from None
        summary.updated += 1
    written.append(incident.pk)

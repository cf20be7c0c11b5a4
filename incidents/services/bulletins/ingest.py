"""Turn a bulletin into an Alert and draft incidents, through incident_create."""
from dataclasses import dataclass, field
from datetime import date

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import AdminArea
from regions.text import normalise

from ...models import Actor, Alert, Incident, Source
from ...selectors import areas_at, earlier_alert_of_story, with_duplicate_ids
from ..incidents import incident_create
from ..records import alert_relink
from ..workflow import WorkflowError, may_create
from .extract import Draft, extract_drafts
from .parse import ParsedBulletin, parse_bulletin
from .vocabulary import ACTORS


@dataclass
class DraftView:
    """A draft incident as the preview, the JSON output and the writer see it."""
    draft: Draft
    title: str
    location_name: str
    areas: dict[str, str | None]

    def as_json(self) -> dict:
        d, loc = self.draft, self.draft.location
        fatalities, injuries = d.casualties.as_numbers()
        missing, kidnapped = d.casualties.others()
        return {
            "occurred_on": d.occurred_on.isoformat(),
            "event_type": d.event_type,
            "sub_event_type": d.sub_event_type,
            "fatalities": fatalities,
            "injuries": injuries,
            "location_name": self.location_name,
            "latitude": round(loc.candidate.latitude, 6) if loc else None,
            "longitude": round(loc.candidate.longitude, 6) if loc else None,
            "geo_precision": loc.geo_precision if loc else None,
            **self.areas,
            "actors": list(d.actors),
            # Additive keys: people missing or kidnapped, kept apart from the dead and wounded.
            "missing": missing,
            "kidnapped": kidnapped,
        }


@dataclass
class BulletinPreview:
    bulletin: ParsedBulletin
    drafts: list[DraftView]
    raw_text: str

    def as_json(self) -> dict:
        b = self.bulletin
        return {
            "alert": {
                "headline": b.headline,
                "published_at": b.published_at.isoformat(),
                "severity": b.severity,
                "update_number": b.update_number,
            },
            "incidents": [view.as_json() for view in self.drafts],
        }


@dataclass
class IngestResult:
    alert: Alert
    created: list[Incident] = field(default_factory=list)
    already_ingested: bool = False
    duplicates: int = 0
    without_location: int = 0
    # Created incident id → ids of existing incidents it may duplicate (review before publishing).
    possible_duplicates: dict[int, list[int]] = field(default_factory=dict)


AREA_SUFFIX = {"district": "district", "province": "province", "department": "department"}


def _location_name(draft: Draft) -> str:
    """'Vizcatán del Ene district, Satipo, Junín' or 'Natividad, Pichari, La Convención, Cusco'."""
    if draft.location is None:
        return ""
    c = draft.location.candidate
    containing = [code for code in (c.ubigeo[:6], c.ubigeo[:4], c.ubigeo[:2])
                  if len(code) < len(c.ubigeo) or c.kind not in AREA_SUFFIX]
    names = dict(AdminArea.objects.filter(ubigeo__in=containing).values_list("ubigeo", "name"))
    first = f"{c.name} {AREA_SUFFIX[c.kind]}" if c.kind in AREA_SUFFIX else c.name
    parts = [first] + [names[code] for code in containing if code in names]
    return ", ".join(p for i, p in enumerate(parts) if i == 0 or p not in parts[:i] and p != c.name)


def preview_bulletin(text: str, published: date | None = None) -> BulletinPreview:
    """Parse and geocode without writing anything; `published` dates a text that writes no date."""
    bulletin = parse_bulletin(text, published=published)
    prefer_vraem = "vraem" in normalise(text)
    drafts = extract_drafts(bulletin.event_text, reference=bulletin.published_at.date(),
                            prefer_vraem=prefer_vraem)
    views = []
    for draft in drafts:
        areas = {"department": None, "province": None, "district": None}
        if draft.location:
            c = draft.location.candidate
            areas = areas_at(Point(c.longitude, c.latitude, srid=4326), finest=c.area_level)
        name = _location_name(draft)
        title = f"{draft.sub_event_type} in {draft.location.candidate.name}" if draft.location \
            else draft.sub_event_type
        views.append(DraftView(draft=draft, title=title, location_name=name, areas=areas))
    return BulletinPreview(bulletin=bulletin, drafts=views, raw_text=text)


def _actor(name: str, known: dict[str, Actor]) -> Actor:
    """The actor named `name`, created if new; `known` keeps those of one bulletin (read once)."""
    if name not in known:
        spec = next(s for s in ACTORS if s.name == name)
        known[name] = Actor.objects.get_or_create(
            name=name, defaults={"kind": spec.kind, "aliases": list(spec.aliases)})[0]
    return known[name]


def _is_duplicate(view: DraftView, earlier: list[Alert]) -> bool:
    """Reported already by an earlier bulletin of the same story: same day, type and area."""
    if not earlier or view.draft.location is None:
        return False
    same = Incident.objects.filter(alert__in=earlier, occurred_on=view.draft.occurred_on,
                                   sub_event_type=view.draft.sub_event_type)
    for level in ("district", "province", "department"):  # the finest area both know
        if view.areas[level]:
            return same.filter(**{f"{level}__ubigeo": view.areas[level]}).exists()
    return False


def _relink_later_update(alert: Alert, user) -> None:
    """An update that arrived before this earlier bulletin now points at it (when `user` may
    change that update: an Editor only while its incidents are drafts)."""
    later = Alert.objects.filter(story=alert.story, published_at__gt=alert.published_at).order_by(
        "published_at").first()
    if later is not None and (later.previous is None or later.previous.published_at < alert.published_at):
        alert_relink(user=user, alert=later, previous=alert)


@transaction.atomic
def ingest_bulletin(*, user, text: str, source_url: str = "", published: date | None = None) -> IngestResult:
    """Store the bulletin and its incidents as drafts, as `user`; a bulletin already stored
    creates nothing. Nothing stored before changes, but an update's link to this earlier
    bulletin of its story (see _relink_later_update)."""
    if not may_create(user):
        raise WorkflowError(_("Ingesting a bulletin creates incidents; you may not create them."))
    preview = preview_bulletin(text, published=published)
    b = preview.bulletin
    existing = Alert.objects.filter(headline=b.headline, published_at=b.published_at).first()
    if existing is not None:
        return IngestResult(alert=existing, already_ingested=True)
    previous = earlier_alert_of_story(story=b.story, before=b.published_at)
    alert = Alert(headline=b.headline, published_at=b.published_at, severity=b.severity,
                  update_number=b.update_number, sections=b.sections, source_url=source_url,
                  raw_text=text, story=b.story, previous=previous)
    alert.full_clean()
    alert.save()
    _relink_later_update(alert, user)
    earlier = []
    while previous is not None and previous not in earlier:
        earlier.append(previous)
        previous = previous.previous
    source = Source.objects.get_or_create(
        name=f"Security bulletin: {b.headline}"[:300], url=source_url,
        defaults={"published_on": b.published_at.date()})[0]
    result = IngestResult(alert=alert)
    actors: dict[str, Actor] = {}
    for view in preview.drafts:
        draft = view.draft
        if draft.location is None:
            result.without_location += 1
            continue
        if _is_duplicate(view, earlier):
            result.duplicates += 1
            continue
        c = draft.location.candidate
        fatalities, injuries = draft.casualties.as_numbers()
        result.created.append(incident_create(
            user=user, title=view.title[:300], description=_description(draft), language=b.language,
            occurred_on=draft.occurred_on, date_precision=draft.date_precision,
            event_type=draft.event_type, sub_event_type=draft.sub_event_type,
            location=Point(c.longitude, c.latitude, srid=4326), location_name=view.location_name,
            geo_precision=draft.location.geo_precision, area_level=c.area_level,
            fatalities=fatalities, injuries=injuries,
            actors=[_actor(name, actors) for name in draft.actors], sources=[source], alert=alert,
            geocoder_alternatives=[_candidate_json(a) for a in draft.location.alternatives],
        ))
    created = {i.pk for i in result.created}
    for incident in with_duplicate_ids(Incident.objects.filter(pk__in=created)):
        if incident.duplicate_ids:
            result.possible_duplicates[incident.pk] = incident.duplicate_ids
    return result


def _description(draft: Draft) -> str:
    """The draft's sentences, then what the numbers do not hold: missing and kidnapped people,
    earlier incidents the text only recalls."""
    parts = [" ".join(draft.text)]
    missing, kidnapped = draft.casualties.others()
    if missing is not None:
        parts.append(f"Missing: {missing}.")
    if kidnapped is not None:
        parts.append(f"Kidnapped: {kidnapped}.")
    for note in draft.background:
        parts.append(f"Background (not a new incident): {note}")
    return "\n\n".join(parts)


def _candidate_json(candidate) -> dict:
    return {
        "name": candidate.name, "kind": candidate.kind, "ubigeo": candidate.ubigeo,
        "longitude": round(candidate.longitude, 6), "latitude": round(candidate.latitude, 6),
        "reason": candidate.reason,
    }

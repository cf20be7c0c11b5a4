"""Draw one draft incident per reported incident from a bulletin's Event section.

Sentences are split into clauses where two events with their own dates are joined ('... on
June 7 and six were wounded ... on June 11'). A clause with an event word opens an incident
unless it continues the current one (no new date, no new place); clauses without one add
place, casualties and actors to the current incident. Sentences about what may happen or
summing up earlier events are left out.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from regions.text import normalise

from .casualties import Casualties, digits, find_casualties, language
from .dates import find_date
from .locate import Location, context_areas, locate, locate_list, prefetch_gazetteer
from .vocabulary import (ACTORS, ARMED_CLASH, ARRESTS, ATTACK, BACKGROUND, CIVILIAN_ACTOR, DENIED,
                         NON_STATE_KINDS, NOT_AN_EVENT, PROTESTER_ACTOR, REPORTED_BY,
                         RIOTER_ACTOR, RULES, SPECULATIVE)

_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-ZÁÉÍÓÚÑ“\"(0-9¿¡])")
_JOINT = re.compile(r",?\s+(?:and|y|while|mientras que|whereas)\s+|;\s+")
_STATE_TARGET = re.compile(r"\b(?:soldiers?|police\w*|officers?|troops|patrol|base|soldados?|"
                           r"polic\w+|militar\w*|agentes?|patrulla|efectivos)\b")


@dataclass
class Clause:
    text: str
    norm: str
    rule: object | None
    when: tuple[date, int] | None


@dataclass
class Draft:
    event_type: str
    sub_event_type: str
    occurred_on: date
    date_precision: int
    location: Location | None = None
    casualties: Casualties = field(default_factory=Casualties)
    actors: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dated: bool = True  # False while the date is only the bulletin's (no date in the text yet)
    # Earlier incidents the text only recalls ('In 2021, sixteen people were killed ...'):
    # noted, never created again.
    background: list[str] = field(default_factory=list)


_ABBREVIATION = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ene|Abr|Ago|Set|Dic|ene|feb|mar|abr|"
    r"jun|jul|ago|set|sept|oct|nov|dic|Sr|Sra|Dr|Gen|Col|Lt|St|No|Nº|approx|aprox)\.$")


def sentences(text: str) -> list[str]:
    """Sentences of each paragraph; 'Feb. 18' or 'Sr. Pérez' does not end one."""
    found = []
    for paragraph in text.split("\n"):
        pieces = [s.strip() for s in _SENTENCE.split(paragraph) if s.strip()]
        for piece in pieces:
            if found and found[-1][1] and _ABBREVIATION.search(found[-1][0]):
                found[-1] = (f"{found[-1][0]} {piece}", True)
            else:
                found.append((piece, True))
        if found:
            found[-1] = (found[-1][0], False)
    return [s for s, _ in found]


def classify(norm: str):
    """The event rule of a clause; arrests win over a clash named after them ('arrested for the ambush')."""
    norm = DENIED.sub(" ", norm)
    matches = {rule: rule.pattern.search(norm) for rule in RULES}
    if matches[ARRESTS] and matches[ARMED_CLASH] and matches[ARRESTS].start() < matches[ARMED_CLASH].start():
        return ARRESTS
    for rule in RULES:
        if matches[rule]:
            if rule is ATTACK and _STATE_TARGET.search(norm) and not _civilian_victims(norm):
                return ARMED_CLASH
            return rule
    return None


def _civilian_victims(norm: str) -> bool:
    spec = next(a for a in ACTORS if a.name == CIVILIAN_ACTOR)
    return bool(spec.pattern.search(norm))


def _clauses(sentence: str, reference: date, lang: str = "en") -> list[Clause]:
    parts = [sentence]
    pieces = _JOINT.split(sentence)
    if len(pieces) > 1:
        # Join pieces back until each part has both an event word and a date of its own.
        parts, current = [], ""
        for piece in pieces:
            current = f"{current} and {piece}" if current else piece
            norm = _norm(current, lang)
            if classify(norm) and find_date(current, reference):
                parts.append(current)
                current = ""
        if current:
            if parts:
                parts[-1] = f"{parts[-1]} and {current}"
            else:
                parts = [current]
    return [
        Clause(text=p, norm=(n := _norm(p, lang)), rule=classify(n), when=_when(p, reference))
        for p in parts
    ]


def _norm(text: str, lang: str = "en") -> str:
    """Normalised, with number words as digits ('diecisiete' -> '17')."""
    return normalise(digits(text, lang))


_NEXT_DAY = re.compile(r"\b(?:al dia siguiente|un dia despues|the next day|the following day|a day later)\b")


def _when(text: str, reference: date):
    """The clause's date; 'al día siguiente' is marked (None, -1) for the caller to resolve."""
    found = find_date(text, reference)
    if found is None and _NEXT_DAY.search(normalise(text)):
        return "next day"
    return found


_EARLIER_YEAR = re.compile(r"\b(?:in|en|since|desde|de|del|of)\s+((?:19|20)\d{2})\b")


def _recalls_earlier_year(norm: str, reference: date) -> bool:
    """'In 2021, sixteen people were killed ...', '... since 2016, when ...': background."""
    return any(int(y) < reference.year for y in _EARLIER_YEAR.findall(norm))


def _actors(norm: str) -> list[str]:
    norm = REPORTED_BY.sub(" ", norm)
    return [spec.name for spec in ACTORS if spec.pattern.search(norm)]


def _same_place(draft: Draft, location: Location | None) -> bool:
    if location is None or draft.location is None:
        return True
    a, b = draft.location.candidate.ubigeo, location.candidate.ubigeo
    return a.startswith(b) or b.startswith(a)


def extract_drafts(event_text: str, *, reference: date, prefer_vraem: bool = False) -> list[Draft]:
    cache: dict = {}  # the geocoder's area names, each looked up once for the whole text
    # Every place name of the text read from the gazetteer in one query (#18 target 5), not
    # one or two queries per mention.
    prefetch_gazetteer([event_text, *sentences(event_text)], cache)
    context = context_areas(event_text, prefer_vraem=prefer_vraem, cache=cache)
    lang = language(event_text)
    drafts: list[Draft] = []
    background: list[str] = []
    pending: list[tuple[Clause, Location | None]] = []  # the clause before the first event word
    for sentence in sentences(event_text):
        norm = normalise(sentence)
        if SPECULATIVE.search(norm) or NOT_AN_EVENT.search(norm):
            continue
        when = find_date(sentence, reference)
        if (BACKGROUND.search(norm) and not when) or (
                _recalls_earlier_year(norm, reference) and (when is None or when[0].year < reference.year)):
            if classify(_norm(sentence, lang)):
                background.append(sentence)
            continue
        for clause in _clauses(sentence, reference, lang):
            if clause.when == "next day":
                clause.when = (drafts[-1].occurred_on + timedelta(days=1), 1) if drafts else None
            if clause.rule is not None:
                listed = locate_list(clause.text, context_areas=context, prefer_vraem=prefer_vraem,
                                     cache=cache)
                if listed:
                    _add_listed(drafts, clause, listed, reference)
                    continue
            location = locate(clause.text, context_areas=context, prefer_vraem=prefer_vraem,
                              cache=cache)
            current = drafts[-1] if drafts else None
            if (current is not None and not current.dated and clause.when is not None
                    and _same_place(current, location)):
                current.occurred_on, current.date_precision = clause.when
                current.dated = True
                current.warnings = [w for w in current.warnings if not w.startswith("no date")]
            # An event word alone ('attacks') is no report: a new incident needs a date or a place.
            reported = clause.when is not None or location is not None
            starts_new = clause.rule is not None and reported and (
                current is None
                or (clause.when is not None and clause.when[0] != current.occurred_on)
                or not _same_place(current, location)
            )
            if starts_new and (same := _already_drawn(drafts, clause, location, reference)):
                starts_new, current = False, same  # 'In Juli and Ayaviri the roadblocks lasted all day'
            if starts_new:
                when = clause.when or (reference, 2)
                current = Draft(event_type=clause.rule.event_type,
                                sub_event_type=clause.rule.sub_event_type,
                                occurred_on=when[0], date_precision=when[1],
                                dated=clause.when is not None)
                drafts.append(current)
                for earlier, earlier_location in pending:
                    _add(current, earlier, earlier_location)
                    if clause.when is None and earlier.when is not None:
                        current.occurred_on, current.date_precision = earlier.when
                        current.dated = True
                pending = []
                if clause.when is None and current.date_precision == 2:
                    current.warnings.append("no date in the text: the bulletin's date, within a week")
            elif current is None:
                pending = [(clause, location)]  # only the sentence right before counts
                continue
            _add(current, clause, location)
    _complete_actors(drafts, event_text)
    if drafts and background:
        drafts[0].background.extend(background)
    return drafts


def _already_drawn(drafts: list[Draft], clause: Clause, location: Location | None,
                   reference: date) -> Draft | None:
    """A draft of the same type, day and district as the clause's, already drawn."""
    if location is None or clause.rule is None:
        return None
    day = clause.when[0] if clause.when else (drafts[-1].occurred_on if drafts else reference)
    return next((d for d in drafts if d.location is not None
                 and d.location.candidate.ubigeo[:6] == location.candidate.ubigeo[:6]
                 and d.occurred_on == day and d.sub_event_type == clause.rule.sub_event_type), None)


def _add_listed(drafts: list[Draft], clause: Clause, listed: list[Location], reference: date) -> None:
    """One incident per district of a list of places (ACLED codes roadblocks in five towns as
    five events); the clause's casualties are not shared out (unknown per place)."""
    if clause.when:
        when, dated = clause.when, True
    elif drafts:
        when, dated = (drafts[-1].occurred_on, drafts[-1].date_precision), drafts[-1].dated
    else:
        when, dated = (reference, 2), False
    for location in listed:
        existing = _already_drawn(drafts, clause, location, reference)
        if existing is not None:
            existing.text.append(clause.text)
            continue
        draft = Draft(event_type=clause.rule.event_type, sub_event_type=clause.rule.sub_event_type,
                      occurred_on=when[0], date_precision=when[1], dated=dated, location=location)
        draft.text.append(clause.text)
        for name in _actors(clause.norm):
            if name not in draft.actors:
                draft.actors.append(name)
        if not draft.dated:
            draft.warnings.append("no date in the text: the bulletin's date, within a week")
        drafts.append(draft)


def _add(draft: Draft, clause: Clause, location: Location | None) -> None:
    draft.text.append(clause.text)
    draft.casualties.merge(find_casualties(clause.norm))
    # Who took part is read where the event is told ('La Policía acordonó la zona' afterwards
    # makes no party of the police).
    for name in (_actors(clause.norm) if clause.rule is not None or len(draft.text) == 1 else []):
        if name not in draft.actors:
            draft.actors.append(name)
    if location is not None and (
        draft.location is None
        or location.candidate.ubigeo.startswith(draft.location.candidate.ubigeo)
        and location.candidate.ubigeo != draft.location.candidate.ubigeo
    ):
        draft.location = location


def _complete_actors(drafts: list[Draft], event_text: str) -> None:
    """A battle whose opponent is unnamed is with the armed group the bulletin is about."""
    counts = Counter()
    for spec in ACTORS:
        if spec.kind in NON_STATE_KINDS:
            counts[spec.name] = len(spec.pattern.findall(normalise(event_text)))
    main = counts.most_common(1)[0][0] if counts and counts.most_common(1)[0][1] else None
    kinds = {spec.name: spec.kind for spec in ACTORS}
    for draft in drafts:
        if draft.event_type == "Battles" and main and not any(
            kinds[a] in NON_STATE_KINDS for a in draft.actors
        ):
            draft.actors.append(main)
        if draft.event_type == "Battles" and CIVILIAN_ACTOR in draft.actors:
            draft.actors.remove(CIVILIAN_ACTOR)
        if draft.event_type == "Violence against civilians" and CIVILIAN_ACTOR not in draft.actors:
            draft.actors.append(CIVILIAN_ACTOR)  # its victims are civilians by definition
        if draft.event_type == "Protests":
            draft.actors = [PROTESTER_ACTOR if a == CIVILIAN_ACTOR else a for a in draft.actors]
            draft.actors = list(dict.fromkeys(draft.actors)) or [PROTESTER_ACTOR]
        if draft.event_type == "Riots":
            draft.actors = [RIOTER_ACTOR if a in (PROTESTER_ACTOR, CIVILIAN_ACTOR) else a
                            for a in draft.actors]
            draft.actors = list(dict.fromkeys([RIOTER_ACTOR, *draft.actors]))
        if draft.location is None:
            draft.warnings.append("no place found in the text: choose the location by hand")

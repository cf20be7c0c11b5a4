"""Find place mentions in a clause and geocode the most specific one.

A mention is a capitalised name introduced by a locative word ('in', 'near', 'en', 'cerca de'),
by an area word ('district of', 'provincia de', 'región', '... district'), or written right after
another mention ('Satipo (Junín)', 'Pichari, La Convención'). The mentions of a clause qualify
each other, so 'Colcabamba, Tayacaja province' is the Colcabamba in Huancavelica.
"""
import re
from dataclasses import dataclass

from regions.geocoding import Candidate, geocode, prefetch_places, resolve_areas
from regions.text import normalise

_NAME = r"[A-ZÁÉÍÓÚÑ][\wÁÉÍÓÚÑáéíóúñü'’-]+"
_SPAN = re.compile(rf"{_NAME}(?:\s+(?:(?:de|del|la|las|los|el|y)\s+)?{_NAME})*")
_AREA_BEFORE = re.compile(
    r"(?:district|province|department|region|distrito|provincia|departamento|regi[oó]n|"
    r"localidad|comunidad|centro poblado|poblado|anexo|caser[ií]o|ciudad|town|village|community|"
    r"cities|towns|ciudades|localidades|pueblos)"
    r"(?:\s+(?:of|de|del))?(?:\s+(?:the|el|la))?\s*$", re.I)
_AREA_AFTER = re.compile(r"^\s+(?:district|province|department|region)\b", re.I)
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|outside|around|close to|through|en|cerca de|cerca a|entre|from|desde|hacia|"
    r"toward|towards)(?:\s+(?:the|el|la|los|las))?|[(])\s*$", re.I)
_CHAIN = re.compile(r"^\s*(?:,|\(|-|–|,?\s*(?:and|y)\s|,?\s*(?:located\s+)?in\s+the\s+province\s+of|,?\s*en\s+la\s+provincia\s+de)\s*$", re.I)
_NEAR = re.compile(r"\b(?:near|outskirts|vicinity|close to|around|outside|bases?|cerca|afueras|"
                   r"inmediaciones|alrededores|base|puesto)\b", re.I)
NOT_PLACES = {
    "vraem", "peru", "peruvian", "peruvians", "shining path", "sendero luminoso", "sendero",
    "un", "western", "government", "the", "el", "la", "ejercito", "policia", "army", "police",
    "national police", "policia nacional", "armed forces", "fuerzas armadas", "mpcp", "pnp",
    "joint command", "comando conjunto", "ministry", "ministerio", "dirandro", "cevraem", "ffaa",
}
# Bounds on the geocoding work of one bulletin (second security review, finding 7): the
# mentions of one clause qualify each other (work grows with their square), and the distinct
# names of the whole text are its context. The texts of tests/bulletins name at most 5 places
# in a sentence and 6 distinct places in all; mentions beyond these bounds are not geocoded.
MAX_CLAUSE_MENTIONS = 12
MAX_CONTEXT_NAMES = 40
KIND_ORDER = {"populated_place": 0, "capital": 0, "district": 1, "province": 2, "department": 3}
_AREA_WORD = {"district": "district", "distrito": "district", "province": "province",
              "provincia": "province", "department": "department", "departamento": "department",
              "region": "department", "región": "department"}


@dataclass
class Mention:
    text: str  # the name with its area word, e.g. 'distrito de Vizcatán'
    start: int
    end: int
    near: bool


def find_mentions(clause: str) -> list[Mention]:
    mentions: list[Mention] = []
    for m in _SPAN.finditer(clause):
        name = m.group(0)
        before, after = clause[max(0, m.start() - 45):m.start()], clause[m.end():m.end() + 15]
        if normalise(name) in NOT_PLACES:
            continue
        area_before = _AREA_BEFORE.search(before)
        area_after = _AREA_AFTER.match(after)
        chained = bool(mentions) and _CHAIN.match(clause[mentions[-1].end:m.start()])
        if not (area_before or area_after or _LOCATIVE.search(before) or chained):
            continue
        text = name
        word = (area_after.group(0).strip() if area_after else
                (area_before.group(0).split()[0] if area_before else ""))
        if _AREA_WORD.get(word.lower()):
            text = f"{name} {_AREA_WORD[word.lower()]}"
        near = bool(_NEAR.search(before[-30:]))
        mentions.append(Mention(text=text, start=m.start(), end=m.end(), near=near))
    return mentions


@dataclass
class Location:
    candidate: Candidate
    alternatives: list[Candidate]
    geo_precision: int
    mention: str


def locate(clause: str, *, context_areas: list[str], prefer_vraem: bool,
           cache: dict | None = None) -> Location | None:
    """The most specific place the clause names that lies inside the other places it names.

    `context_areas`: the ubigeos of the areas the whole text names (`context_areas`), resolved
    once per text; `cache`: one dict per text for the geocoder's area names."""
    mentions = find_mentions(clause)[:MAX_CLAUSE_MENTIONS]
    best = None
    for mention in mentions:
        others = [m.text for m in mentions if m is not mention]
        candidates = geocode(mention.text, qualifiers=others, context_areas=context_areas,
                             prefer_vraem=prefer_vraem, cache=cache)
        if not candidates or "not inside" in candidates[0].reason:
            continue
        top = candidates[0]
        if best is None or KIND_ORDER[top.kind] < KIND_ORDER[best[1][0].kind]:
            best = (mention, candidates)
    if best is None:
        return None
    mention, candidates = best
    top = candidates[0]
    precision = top.geo_precision
    if precision == 1 and mention.near:
        precision = 2
    return Location(candidate=top, alternatives=candidates[1:], geo_precision=precision,
                    mention=mention.text)


_LIST_GAP = re.compile(r"^(?:\s*,\s*(?:and\s+|y\s+)?|\s+(?:and|y|e)\s+)$")
_AREA_SUFFIXES = (" district", " province", " department")


def _split_and(mention: Mention) -> list[Mention]:
    """'Juli y Ayaviri' (one span for the name pattern) -> 'Juli', 'Ayaviri'."""
    parts = re.split(r"(\s+(?:y|and)\s+)", mention.text)
    if len(parts) == 1 or mention.text.endswith(_AREA_SUFFIXES):
        return [mention]
    found, start = [], mention.start
    for i, part in enumerate(parts):
        if i % 2 == 0:
            found.append(Mention(text=part, start=start, end=start + len(part), near=mention.near))
        start += len(part)
    return found


def locate_list(clause: str, *, context_areas: list[str], prefer_vraem: bool,
                cache: dict | None = None) -> list[Location]:
    """Places written as a list ('en Azángaro, Huancané, Ilave, Juli y Ayaviri', 'in the cities
    of Cusco, Sicuani and Espinar'), each geocoded on its own within the areas the clause names
    ('región Puno'): one per district, or [] when the clause names no such list."""
    mentions = [part for m in find_mentions(clause) for part in _split_and(m)][:MAX_CLAUSE_MENTIONS]
    runs, run = [], []
    for mention in mentions:
        if run and _LIST_GAP.match(clause[run[-1].end:mention.start]):
            run.append(mention)
        else:
            if len(run) > 1:
                runs.append(run)
            run = [mention]
    if len(run) > 1:
        runs.append(run)
    listed = [part for r in runs for m in r if not m.text.endswith(_AREA_SUFFIXES)
              for part in _split_and(m)]
    if len(listed) < 2:
        return []
    qualifiers = [m.text for m in mentions if m not in listed and m.text.endswith(_AREA_SUFFIXES)]
    found: list[Location] = []
    for mention in listed:
        # Towns in such a list are mostly district capitals: the district of that name first.
        candidates = [c for c in geocode(f"{mention.text} district", qualifiers=qualifiers,
                                         context_areas=context_areas, prefer_vraem=prefer_vraem,
                                         cache=cache)
                      if c.kind == "district" and "not inside" not in c.reason][:1]
        candidates = candidates or geocode(mention.text, qualifiers=qualifiers,
                                           context_areas=context_areas, prefer_vraem=prefer_vraem,
                                           cache=cache)
        if not candidates or "not inside" in candidates[0].reason:
            continue
        top = candidates[0]
        district = top.ubigeo[:6]
        if any(loc.candidate.ubigeo[:6] == district for loc in found):
            continue
        found.append(Location(candidate=top, alternatives=candidates[1:],
                              geo_precision=2 if top.geo_precision == 1 and mention.near else top.geo_precision,
                              mention=mention.text))
    return found if len(found) > 1 else []


def place_names(text: str) -> list[str]:
    """Every mention in a text, for the geocoder's context."""
    return [m.text for m in find_mentions(text)]


def context_areas(text: str, *, prefer_vraem: bool, cache: dict | None = None) -> list[str]:
    """The ubigeos of the areas a whole text names, resolved once for all its clauses (not once
    per clause: that made a bulletin's preview quadratic in its length). Only the first
    MAX_CONTEXT_NAMES distinct names count: the context only breaks ties."""
    names = place_names(text)
    kept = set(list(dict.fromkeys(names))[:MAX_CONTEXT_NAMES])
    return resolve_areas([n for n in names if n in kept], prefer_vraem=prefer_vraem, cache=cache)


def prefetch_gazetteer(texts: list[str], cache: dict) -> None:
    """One gazetteer query for the place names of `texts` (a bulletin's text and its
    sentences): every mention, and each part of a list ('Juli y Ayaviri'), as locate,
    locate_list and context_areas will look them up; names found only later are looked up
    one by one as before."""
    names = []
    for text in texts:
        for mention in find_mentions(text):
            names.append(mention.text)
            names.extend(part.text for part in _split_and(mention))
    prefetch_places(names, cache)

"""Geocode a place name against the gazetteer, using the areas named around it.

`geocode("Colcabamba", qualifiers=["Tayacaja"])` returns ranked candidates, each with the
reason it ranks where it does, so an editor can pick another. The qualifiers (the district,
province or department written next to the name) restrict the search; the context (every area
named anywhere in the text) and the VRAEM zone only break ties.
"""
import copy
import re
from dataclasses import dataclass

from django.utils import translation

from .models import Place
from .selectors import place_from_values, place_values_for_names, places_like, places_named
from .text import normalise

AREA_KINDS = [Place.Kind.DEPARTMENT, Place.Kind.PROVINCE, Place.Kind.DISTRICT]

# Spanish and English forms that name the kind of area: 'distrito de X', 'X district', 'región X'.
_KIND_FORMS = [
    (Place.Kind.DISTRICT, r"^(?:the |el )?(?:district of |distrito de |distrito )|(?: district| distrito)$"),
    (Place.Kind.PROVINCE, r"^(?:the |la )?(?:province of |provincia de |provincia )|(?: province| provincia)$"),
    (Place.Kind.DEPARTMENT, r"^(?:the |la |el )?(?:department of |departamento de |departamento |"
                            r"region of |region de |region |region )|(?: department| region| departamento)$"),
]
_PLACE_FORMS = r"^(?:the (?:town|village|community) of |(?:la )?(?:localidad|comunidad|ciudad|poblado|" \
               r"centro poblado|anexo|caserio) (?:de )?|el (?:centro poblado|anexo|caserio) (?:de )?)"

KIND_BONUS = {
    Place.Kind.CAPITAL: 0.2, Place.Kind.DISTRICT: 0.15, Place.Kind.PROVINCE: 0.1,
    Place.Kind.DEPARTMENT: 0.05,
}
AREA_LEVEL = {
    Place.Kind.DEPARTMENT: "department", Place.Kind.PROVINCE: "province",
    Place.Kind.DISTRICT: "district", Place.Kind.CAPITAL: "district",
    Place.Kind.POPULATED_PLACE: "district",
}


@dataclass(frozen=True)
class Candidate:
    place_id: int
    name: str
    kind: str
    ubigeo: str
    longitude: float
    latitude: float
    geo_precision: int
    area_level: str
    score: float
    reason: str


def split_kind(text: str) -> tuple[str, str | None]:
    """'distrito de Vizcatán del Ene' -> ('vizcatan del ene', 'district')."""
    name = normalise(text)
    for kind, pattern in _KIND_FORMS:
        stripped = re.sub(pattern, "", name)
        if stripped != name and stripped:
            return stripped.strip(), kind
    return re.sub(_PLACE_FORMS, "", name).strip(), None


PREFETCHED = ("prefetched",)  # the key of a PrefetchedPlaces in a caller's cache (names are str)
NAMED_LIMIT, LIKE_LIMIT, AREA_LIKE_LIMIT = 1000, 60, 10


def _inside(row, within) -> bool:
    """The `within` filter of regions.selectors._place_query, on a row already read (a _Row)."""
    found = row.found_in_ubigeo
    return any(row.ubigeo.startswith(u) or (found is not None and found.startswith(u)) for u in within)


class _Row:
    """One row of place_values_for_names: what PrefetchedPlaces sorts and filters by, and the
    Place itself, built once when first asked for."""

    __slots__ = ("values", "kind", "ubigeo", "name_norm", "name_order", "like_order", "like_match",
                 "similarities", "found_in_ubigeo", "_place")

    def __init__(self, values: dict):
        self.values, self._place = values, None
        self.kind, self.ubigeo, self.name_norm = values["kind"], values["ubigeo"], values["name_norm"]
        self.name_order, self.like_order = values["name_order"], values["like_order"]
        self.like_match, self.similarities = values["like_match"], values["similarities"]
        # The district the point falls in, when it lies outside its own (regions.PlaceCorrection).
        self.found_in_ubigeo = values["correction__found_in__ubigeo"]

    def place(self) -> Place:
        if self._place is None:
            self._place = place_from_values(self.values)
        return self._place


class PrefetchedPlaces:
    """Every gazetteer row a text's names may be looked up as, read in one query
    (regions.selectors.places_for_names); `named` and `like` then answer as places_named and
    places_like would (same rows, same order, same limits) for those names, without a query.
    A name that was not prefetched is looked up in the database as before."""

    def __init__(self, names: list[str]):
        self.names = list(dict.fromkeys(n for n in names if n))
        # Plain values: a Place is built only for a row named/like return (a common name matches
        # ~1,000 places; building them all took as long as the query).
        rows = [_Row(values) for values in place_values_for_names(self.names)]
        self._named = {n: [] for n in self.names}
        self._like = {n: [] for n in self.names}
        for row in sorted(rows, key=lambda r: r.name_order):
            if row.name_norm in self._named:
                self._named[row.name_norm].append(row)
        for row in rows:
            for i, name in enumerate(self.names):
                if row.like_match[i]:
                    self._like[name].append((row.similarities[i], row.like_order, row))
        for pairs in self._like.values():
            pairs.sort(key=lambda p: (-p[0], p[1]))

    def __contains__(self, name: str) -> bool:
        return name in self._named

    @staticmethod
    def _kept(row, kinds, within) -> bool:
        return (not kinds or row.kind in kinds) and (not within or _inside(row, within))

    def named(self, name: str, *, kinds=None, within=()) -> list[Place]:
        found = []
        for row in self._named[name]:
            if self._kept(row, kinds, within):
                found.append(copy.copy(row.place()))
                found[-1].similarity = 1.0
                if len(found) == NAMED_LIMIT:
                    break
        return found

    def like(self, name: str, *, kinds=None, within=(), limit: int = LIKE_LIMIT) -> list[Place]:
        found = []
        for similarity, _, row in self._like[name]:
            if self._kept(row, kinds, within):
                found.append(copy.copy(row.place()))
                found[-1].similarity = similarity
                if len(found) == limit:
                    break
        return found


def prefetch_places(texts: list[str], cache: dict) -> None:
    """Read, in one query, the gazetteer rows of every name in `texts` (place mentions as the
    geocoder receives them) into `cache`, the dict then passed to geocode/resolve_areas."""
    cache[PREFETCHED] = PrefetchedPlaces([split_kind(text)[0] for text in texts])


def _prefetched(cache: dict | None, name: str) -> PrefetchedPlaces | None:
    found = cache.get(PREFETCHED) if cache is not None else None
    return found if found is not None and name in found else None


def _lookup(name: str, kinds, within, cache: dict | None = None) -> list[Place]:
    if (pre := _prefetched(cache, name)) is not None:
        return pre.named(name, kinds=kinds, within=within) or pre.like(name, kinds=kinds, within=within)
    rows = places_named(name, kinds=kinds, within=within)
    if not rows:
        rows = places_like(name, kinds=kinds, within=within)
    return rows


def _area_rows(text: str, cache: dict | None) -> list:
    """The gazetteer areas a name may refer to (similarity ≥ 0.75); one or two queries (none
    when the name was prefetched), or none when `cache` (a dict kept by the caller, e.g. for
    one bulletin) has seen the name before."""
    if cache is not None and text in cache:
        return cache[text]
    name, kind = split_kind(text)
    kinds = [kind] if kind else AREA_KINDS
    if (pre := _prefetched(cache, name)) is not None:
        rows = pre.named(name, kinds=kinds) or pre.like(name, kinds=kinds, limit=AREA_LIKE_LIMIT)
    else:
        rows = places_named(name, kinds=kinds) or places_like(name, kinds=kinds, limit=AREA_LIKE_LIMIT)
    rows = [r for r in rows if r.similarity >= 0.75]
    if cache is not None:
        cache[text] = rows
    return rows


def resolve_areas(names: list[str], *, prefer_vraem: bool = False,
                  cache: dict | None = None) -> list[str]:
    """Ubigeos of the areas `names` refer to, each chosen to agree with the others
    ('Satipo' + 'Junín' -> ['1206', '12']); names that are no area are dropped.

    A name written n times is looked up once and agrees with weight n (a repeat of the name
    itself adds the same to each of its rows, so it changes no choice): the work grows with the
    number of distinct names, not with the square of the mentions."""
    counts: dict[str, int] = {}
    for text in names:
        counts[text] = counts.get(text, 0) + 1
    options = []
    for text, count in counts.items():
        rows = _area_rows(text, cache)
        if rows:
            options.append((rows, count))
    chosen = []
    for rows, _ in options:
        others = [(o, n) for o, n in options if o is not rows]

        def agreement(row):
            return sum(
                n for rows_, n in others
                if any(row.ubigeo.startswith(o.ubigeo) or o.ubigeo.startswith(row.ubigeo) for o in rows_)
            )

        best = max(
            rows,
            key=lambda r: (agreement(r), r.similarity, prefer_vraem and r.in_vraem, -len(r.ubigeo),
                           -int(r.ubigeo)),
        )
        chosen.append(best.ubigeo)
    return list(dict.fromkeys(chosen))


def _finest_consistent(ubigeos: list[str]) -> list[str]:
    """The most specific of a chain of nested areas ('12', '1206' -> ['1206']); disjoint ones stay."""
    return [u for u in ubigeos if not any(o != u and o.startswith(u) for o in ubigeos)]


def geocode(
    text: str,
    *,
    qualifiers: list[str] = (),
    context: list[str] = (),
    prefer_vraem: bool = False,
    limit: int = 5,
    context_areas: list[str] | None = None,
    cache: dict | None = None,
) -> list[Candidate]:
    """Ranked candidates for a place name; empty when nothing in the gazetteer is close.

    A caller geocoding many names of one text (a bulletin) resolves the context once
    (`resolve_areas`) and passes the ubigeos as `context_areas` (then `context` is not read),
    and one `cache` dict for the area names, so no name is looked up twice."""
    name, kind = split_kind(text)
    if len(name) < 3:
        return []
    within_names = resolve_areas(list(qualifiers), prefer_vraem=prefer_vraem, cache=cache)
    within = _finest_consistent(within_names)
    if context_areas is None:
        context_areas = resolve_areas(list(context), prefer_vraem=prefer_vraem, cache=cache)
    kinds = [kind] if kind else None
    rows, outside = [], False
    for kinds_try in ([kinds, None] if kinds else [None]):
        rows = _lookup(name, kinds_try, within, cache) if within else []
        if not rows:
            rows = _lookup(name, kinds_try, (), cache)
            outside = bool(within)
        if rows:
            break
    candidates = [_score(r, name, kind, within, outside, context_areas, prefer_vraem) for r in rows]
    candidates.sort(key=lambda c: (-c.score, c.ubigeo, c.place_id))
    return candidates[:limit]


def _score(row, name, kind, within, outside, context_areas, prefer_vraem) -> Candidate:
    if row.name_norm == name:
        reasons, score = ["exact name"], 2.0
    elif row.similarity >= 1:
        reasons, score = ["name contains the words"], 1.8
    else:
        reasons, score = [f"similar name ({row.similarity:.2f})"], 2 * row.similarity
    if kind and row.kind == kind:
        score += 1
        reasons.append(f"is a {kind} as the text says")
    if within and not outside:
        reasons.append(f"inside the area named next to it ({', '.join(within)})")
    elif outside:
        reasons.append(f"not inside the area named next to it ({', '.join(within)})")
    if any(row.ubigeo.startswith(u) for u in context_areas):
        score += 0.5
        reasons.append("in an area the text names")
    if prefer_vraem and row.in_vraem:
        score += 0.3
        reasons.append("inside the VRAEM zone")
    area_name = row.kind in AREA_KINDS
    point, precision = row.point, 3 if area_name else 1
    correction = getattr(row, "correction", None) if not row.in_own_district else None
    if correction is not None:
        point, moved_to_area, why = _placement(row, correction, [] if outside else within)
        precision = 3 if moved_to_area else precision
        reasons.append(why)
    bonus = KIND_BONUS.get(row.kind, 0.2 if row.urban else 0.1)
    score += bonus
    with translation.override("en"):  # kept with the incident, in English like the other reasons
        kind = row.get_kind_display().lower()
    reasons.append(kind + (" (urban)" if row.urban else ""))
    return Candidate(
        place_id=row.pk, name=row.name, kind=row.kind, ubigeo=row.ubigeo,
        longitude=point.x, latitude=point.y,
        geo_precision=precision, area_level=AREA_LEVEL[row.kind],
        score=round(score, 3), reason="; ".join(reasons),
    )


def _placement(row, correction, within):
    """Where a place whose INEI point lies outside its own district goes: (point, whether it
    is the district's representative point rather than a place, the reason in words).

    - The text names the district the point falls in: the point stays (text and point agree).
    - The text names the place's own district, or names no district and the point's district
      is not one created after the gazetteer: the place stays in its own district, at the
      nearest point inside it (or, beyond IMPLAUSIBLE_KM, its representative point).
    - The text names no district and the point lies in a district created after the gazetteer
      (a split): the point stays, in the new district; the gazetteer's code is out of date.
    """
    from .services.gazetteer import IMPLAUSIBLE_KM

    own = row.district
    found = correction.found_in
    named = [u for u in within if len(u) == 6]
    km = correction.distance_km
    if found is not None and found.ubigeo in named:
        return row.point, False, (
            f"INEI lists it under {own.name} ({own.ubigeo}) but its point lies in {found.name} "
            f"({found.ubigeo}), the district the text names; the point is kept")
    if own.ubigeo in named or (not named and not correction.split):
        if km > IMPLAUSIBLE_KM:
            return correction.inside_point, True, (
                f"INEI point lies {km:.1f} km outside {own.name}, too far to be a point near its "
                f"line (over {IMPLAUSIBLE_KM:.0f} km); placed at {own.name}'s representative "
                "point, district precision")
        return correction.inside_point, False, (
            f"INEI point lies {km:.1f} km outside {own.name}; moved to the nearest point inside it")
    if not named and correction.split:
        return row.point, False, (
            f"its point lies in {found.name} ({found.ubigeo}), a district created after the "
            f"gazetteer was made (INEI lists it under {own.name}, {own.ubigeo}); the point is kept")
    return row.point, False, (
        f"its point lies {km:.1f} km outside its district {own.name} ({own.ubigeo}); "
        "the areas follow the point")

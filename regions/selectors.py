"""Read queries over administrative areas and advisory zones."""
import json
from datetime import date

from django.contrib.gis.db.models.functions import AsGeoJSON, Intersection
from django.contrib.postgres.search import TrigramWordSimilarity
from django.contrib.postgres.fields import ArrayField
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point as GEOSPoint
from django.db.models import (DEFERRED, BooleanField, Case, CharField, Count, Exists, Expression, F, FloatField, Func, Max, Min, OuterRef, Q,
                              Subquery, Value, When, Window)
from django.contrib.postgres.lookups import Unaccent
from django.db.models.functions import Cast, Lower, NullIf, RowNumber

from core.replicas import read_connection

from .functions import Geography, GeodesicArea, Percentile, SimplifyPreserveTopology
from .models import AdminArea, AdvisoryZone, DistrictIndicators, Place, PlaceCorrection

# The four departments that share the VRAEM.
VRAEM_DEPARTMENTS = ("05", "08", "09", "12")  # Ayacucho, Cusco, Huancavelica, Junín
VRAEM_ZONE_SLUG = "vraem"  # the Peruvian government's VRAEM area (a reference area, not advice)

# Strictest advice first, then by issuer; reference areas (no severity) after the advice.
ZONE_ORDER = ("kind", F("severity").desc(nulls_last=True), "issuer", "name")


def _feature_collection(rows, properties) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(row.geojson), "properties": properties(row)}
            for row in rows
        ],
    }


def departments_geojson(*, tolerance: float = 0.02) -> dict:
    """All departments as a FeatureCollection, simplified in PostGIS for drawing."""
    rows = AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    ).only("ubigeo", "name")
    return _feature_collection(
        rows,
        lambda row: {
            "ubigeo": row.ubigeo,
            "name": row.name,
            "vraem": row.ubigeo in VRAEM_DEPARTMENTS,
        },
    )


def advisory_zones_in_force(*, on: date | None = None):
    on = on or date.today()
    return AdvisoryZone.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def advisory_zones_geojson(*, on: date | None = None, tolerance: float = 0.002) -> dict:
    rows = advisory_zones_in_force(on=on).order_by(*ZONE_ORDER).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    )
    return _feature_collection(
        rows,
        lambda zone: {
            "slug": zone.slug,
            "name": zone.name,
            "kind": zone.kind,
            "severity": zone.severity,
            "issuer": zone.issuer,
            "issuer_level": zone.issuer_level,
            "wording": zone.wording,
            "definition": zone.definition,
            "exceptions": zone.exceptions,
            "summary": zone.summary,
            "language": zone.language,
            "valid_from": zone.valid_from.isoformat(),
            "valid_until": zone.valid_until and zone.valid_until.isoformat(),
        },
    )


def advisories_at(point, *, on: date):
    """Zones in force on `on` that contain `point`: advice strictest first, then reference areas."""
    return advisory_zones_in_force(on=on).filter(geom__intersects=point).order_by(*ZONE_ORDER)


def area_outline_geojson(area: AdminArea, *, tolerance: float = 0.001) -> dict:
    """One area's outline as a FeatureCollection, simplified in PostGIS."""
    rows = AdminArea.objects.filter(pk=area.pk).annotate(
        geojson=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=5)
    )
    return _feature_collection(rows, lambda row: {"ubigeo": row.ubigeo, "name": row.name})


def area_rings_geojson(area: AdminArea, kms=(25, 50), *, tolerance: float = 0.002) -> dict:
    """The area widened by each of `kms` (geodesic buffers, ST_Buffer on geography, in
    PostGIS), simplified for drawing, widest first, each with its `km`."""
    outline = Subquery(AdminArea.objects.filter(pk=area.pk).order_by().values("geom"))
    rows = []
    for km in sorted(kms, reverse=True):
        ring = Cast(Func(Geography(outline), Value(km * 1000.0), function="ST_Buffer",
                         output_field=GeometryField(geography=True)), GeometryField(srid=4326))
        row = AdminArea.objects.filter(pk=area.pk).annotate(
            geojson=AsGeoJSON(SimplifyPreserveTopology(ring, tolerance), precision=5)).values("geojson").get()
        rows.append({"type": "Feature", "geometry": json.loads(row["geojson"]), "properties": {"km": km}})
    return {"type": "FeatureCollection", "features": rows}


# Search from the header: populated places (not the areas' own names) and zones.
PLACE_KINDS = (Place.Kind.CAPITAL, Place.Kind.POPULATED_PLACE)
ZONE_SIMILARITY = 0.5


def places_to_visit(name_norm: str, *, limit: int = 20) -> list[Place]:
    """Populated places and district capitals whose name contains the words of `name_norm` or
    is close to it (places_like), best first, each with its district and province."""
    places = places_like(name_norm, kinds=PLACE_KINDS, limit=limit)
    districts = {a.pk: a for a in AdminArea.objects.filter(pk__in={p.district_id for p in places})
                 .select_related("parent__parent").defer("geom", "parent__geom", "parent__parent__geom")}
    for place in places:
        place.district_area = districts.get(place.district_id)
    return places


def zones_named(name_norm: str, *, on: date | None = None):
    """Zones in force whose name, issuer or slug contains `name_norm` or is close to it,
    ignoring case and accents (pg_trgm word similarity ≥ ZONE_SIMILARITY on the unaccented
    lower-cased text), best first."""
    text = Unaccent(Lower(Func(F("name"), Value(" "), F("issuer"), Value(" "), F("slug"),
                               function="concat", output_field=CharField())))
    return (
        advisory_zones_in_force(on=on)
        .annotate(similarity=TrigramWordSimilarity(name_norm, text))
        .filter(similarity__gte=ZONE_SIMILARITY)
        .defer("geom")
        .order_by("-similarity", *ZONE_ORDER)
    )


def zones_covering(area: AdminArea, *, on: date | None = None):
    """Advisory zones in force that overlap the area, with the share of the area they cover."""
    # The outline as stored (an index lookup), not sent again from `area.geom`.
    area_geom = Subquery(AdminArea.objects.filter(pk=area.pk).order_by().values("geom"))
    return (
        advisory_zones_in_force(on=on)
        .filter(geom__intersects=area.geom)
        .annotate(
            covered_share=GeodesicArea(Intersection("geom", area_geom))
            / NullIf(GeodesicArea(area_geom), Value(0.0))
        )
        .order_by(*ZONE_ORDER)
    )


def _place_query(*, kinds=None, within=()):
    """Places with `in_vraem`, `in_own_district` and, when the INEI point lies outside its own
    district, `correction` (regions.PlaceCorrection). `within` (ubigeo prefixes) matches the
    district the gazetteer lists a place under or the one its point falls in: a district
    created after the gazetteer was made holds places INEI still lists under the old one."""
    query = Place.objects.select_related(
        "district", "correction", "correction__found_in").annotate(
        in_vraem=Exists(
            AdvisoryZone.objects.filter(slug=VRAEM_ZONE_SLUG, geom__intersects=OuterRef("point"))
        ),
        # 1,531 INEI points lie outside the published polygon of their own district.
        in_own_district=Case(
            When(district__isnull=True, then=True),
            When(district__geom__intersects=F("point"), then=True),
            default=False,
        ),
    )
    if kinds:
        query = query.filter(kind__in=kinds)
    if within:
        prefix_filter = Q()
        for ubigeo in within:
            prefix_filter |= Q(ubigeo__startswith=ubigeo)
            prefix_filter |= Q(correction__found_in__ubigeo__startswith=ubigeo)
        query = query.filter(prefix_filter)
    return query


def places_named(name_norm: str, *, kinds=None, within=()) -> list[Place]:
    """Places whose normalised name is exactly `name_norm` (optionally of some kinds, or inside
    areas given by ubigeo prefixes), each annotated with `in_vraem` and `similarity` = 1."""
    rows = list(_place_query(kinds=kinds, within=within).filter(name_norm=name_norm)[:1000])
    for row in rows:
        row.similarity = 1.0
    return rows


def places_like(name_norm: str, *, kinds=None, within=(), limit: int = 60) -> list[Place]:
    """Places whose name contains the words of `name_norm` or is close to it (pg_trgm word
    similarity ≥ 0.6: 'mazangaro' finds 'valle hermosa de mazangaro', 'vizcatam' 'vizcatan'),
    best first, annotated with `similarity` (0–1) and `in_vraem`."""
    return list(
        _place_query(kinds=kinds, within=within)
        .filter(name_norm__trigram_word_similar=name_norm)
        .annotate(similarity=TrigramWordSimilarity(name_norm, "name_norm"))
        .order_by("-similarity", "name_norm", "kind", "code")[:limit]
    )


class _PerName(Expression):
    """`template` (SQL with {name} and {value}) evaluated for each of `names` against the
    row's `expression`: an array in the order of `names`."""

    def __init__(self, expression, names: list[str], template: str, output_field):
        super().__init__(output_field=output_field)
        self.expression, self.names, self.template = expression, list(names), template

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        each = self.template.format(name="n.name", value=sql)
        return (f"ARRAY(SELECT {each} FROM unnest(%s::text[]) WITH ORDINALITY AS n(name, i) ORDER BY n.i)",
                [*params, self.names])


class _MatchesAnyName(Expression):
    """The row's id is among the places named exactly as, or trigram-word-similar to, one of
    `names`: the ids found first through the name index and the trigram index (name by name),
    then the rows by primary key (`= ANY(ARRAY(...))`; as `IN (...)` or an OR of the two
    filters PostgreSQL scanned every place)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, names: list[str]):
        super().__init__()
        self.expression, self.names = expression, list(names)

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return (f"{sql} = ANY(ARRAY(SELECT p.id FROM unnest(%s::text[]) AS n(name) JOIN regions_place AS p"
                f" ON p.name_norm %%> n.name UNION SELECT p.id FROM regions_place AS p"
                f" WHERE p.name_norm = ANY(%s::text[])))", [*params, self.names, self.names])


def places_for_names(names: list[str]) -> list[Place]:
    """In one query, every place that places_named or places_like could return for any of
    `names` (normalised), of any kind and anywhere: annotated as they annotate, plus
    `similarities` (word similarity to each name, in the order of `names`), `like_match` (one
    boolean per name: the pg_trgm operator places_like filters with) and `name_order` /
    `like_order` (the rank of the row in the orders those two functions sort by), so a caller
    can answer both for each name in Python with the same rows in the same order."""
    names = list(names)
    if not names:
        return []
    return list(places_for_names_query(names))


def places_for_names_query(names: list[str]):
    """The query of places_for_names (for EXPLAIN)."""
    return (
        _names_query(names)
        # The geocoder reads the districts' names and codes, not their polygons (loaded if asked).
        .defer("district__geom", "correction__found_in__geom")
    )


def _names_query(names: list[str]):
    return (
        _place_query()
        .filter(_MatchesAnyName(F("pk"), names))
        .annotate(
            similarities=_PerName(F("name_norm"), names, "word_similarity({name}, {value})",
                                  ArrayField(FloatField())),
            # The operator of places_like's filter (trigram_word_similar), as it decides.
            like_match=_PerName(F("name_norm"), names, "{value} %%> {name}", ArrayField(BooleanField())),
            name_order=Window(RowNumber(), order_by=[F("name").asc(), F("code").asc()]),
            like_order=Window(RowNumber(), order_by=[F("name_norm").asc(), F("kind").asc(), F("code").asc()]),
        )
    )


def _x(field: str):
    return Func(F(field), function="ST_X", output_field=FloatField())


def _y(field: str):
    return Func(F(field), function="ST_Y", output_field=FloatField())


# The columns of place_values_for_names: a Place's own fields, its annotations, its district and
# its correction (with the district its point falls in), the points as coordinates.
_PLACE_FIELDS = ["id", "kind", "code", "name", "name_norm", "ubigeo", "district_id", "area_id", "urban"]
_AREA_FIELDS = ["id", "level", "ubigeo", "name", "parent_id", "area_km2"]  # no polygon, no label point
_ANNOTATIONS = ["in_vraem", "in_own_district", "similarities", "like_match", "name_order", "like_order"]


def place_values_for_names(names: list[str]) -> list[dict]:
    """places_for_names as plain values, read in the same one query with the same rows in the same
    order, without building a model instance per row: a name like 'santa rosa' matches ~1,000
    places, of which the geocoder keeps a few. place_from_values turns a row into the Place
    places_for_names would have returned (#18 target 5)."""
    names = list(names)
    if not names:
        return []
    return list(_names_query(names).values(
        *_PLACE_FIELDS, *_ANNOTATIONS, *(f"district__{f}" for f in _AREA_FIELDS[1:]),
        "correction__place_id", "correction__found_in_id", "correction__distance_km", "correction__split",
        *(f"correction__found_in__{f}" for f in _AREA_FIELDS[1:]),
        px=_x("point"), py=_y("point"), cx=_x("correction__inside_point"), cy=_y("correction__inside_point"),
    ))


def _instance(model, db: str, attrs: dict):
    """`model` as the ORM builds it from a row holding `attrs` (the other fields deferred)."""
    return model.from_db(db, list(attrs), [attrs.get(f.attname, DEFERRED) for f in model._meta.concrete_fields])


def _area(values: dict, prefix: str, pk, db: str) -> AdminArea | None:
    if pk is None:
        return None
    return _instance(AdminArea, db, {"id": pk, **{f: values[prefix + f] for f in _AREA_FIELDS[1:]}})


def place_from_values(values: dict, db: str = "default") -> Place:
    """The Place of one row of place_values_for_names, with its district, correction and
    annotations, as places_for_names builds it (the fields not read are loaded if asked)."""
    place = _instance(Place, db, {**{f: values[f] for f in _PLACE_FIELDS},
                                  "point": GEOSPoint(values["px"], values["py"], srid=4326)})
    place.district = _area(values, "district__", values["district_id"], db)
    correction = None
    if values["correction__place_id"] is not None:
        correction = _instance(PlaceCorrection, db, {
            "place_id": place.pk, "found_in_id": values["correction__found_in_id"],
            "distance_km": values["correction__distance_km"],
            "inside_point": GEOSPoint(values["cx"], values["cy"], srid=4326), "split": values["correction__split"]})
        correction.found_in = _area(values, "correction__found_in__", values["correction__found_in_id"], db)
        PlaceCorrection.place.field.set_cached_value(correction, place)
    Place.correction.related.set_cached_value(place, correction)
    for name in _ANNOTATIONS:
        setattr(place, name, values[name])
    return place


INDICATOR_FIELDS = ["poverty_pct", "extreme_poverty_pct", "hdi_2019", "altitude_m", "density_2020"]


def indicator_summary(area: AdminArea) -> dict:
    """A district's own indicators; for a province or department, the median, lowest and
    highest over its districts (one aggregate query)."""
    if area.level == AdminArea.Level.DISTRICT:
        own = DistrictIndicators.objects.filter(district=area).values(*INDICATOR_FIELDS, "capital").first()
        return {"district": own}
    districts = DistrictIndicators.objects.filter(district__ubigeo__startswith=area.ubigeo)
    aggregates = {}
    for field in INDICATOR_FIELDS:
        aggregates[f"{field}__median"] = Percentile(field, 0.5)
        aggregates[f"{field}__min"] = Min(field)
        aggregates[f"{field}__max"] = Max(field)
    values = districts.aggregate(count=Count("pk"), **aggregates)
    return {
        "count": values.pop("count"),
        "rows": {
            field: {k: values[f"{field}__{k}"] for k in ("median", "min", "max")}
            for field in INDICATOR_FIELDS
        },
    }


def regions_version() -> int:
    """Grows with every statement that writes areas or advisory zones (migration 0005's
    triggers): the key of caches built from them."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT version FROM regions_data_version WHERE id = 1")
        return cursor.fetchone()[0]

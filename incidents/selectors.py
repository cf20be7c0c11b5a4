"""Read queries over incidents. Spatial predicates run in PostGIS on indexed columns."""
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField, BooleanField, Count, DateField, Exists, F, Func, Max, Min, OuterRef, Q, Subquery,
    Sum, Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import TruncMonth

from regions.functions import GeodesicDistance, GeodesicDWithin, MakePoint
from regions.models import AdminArea

from .models import Actor, Alert, Incident


def sees_unpublished(user) -> bool:
    return user.has_perm("incidents.view_incident") or user.has_perm("incidents.change_incident")


def hides_restricted(user) -> bool:
    """Rows of a dataset whose licence forbids redistribution are kept from this reader:
    anyone who may not see drafts, unless RESTRICTED_DATASETS_PUBLIC is on."""
    return not settings.RESTRICTED_DATASETS_PUBLIC and not sees_unpublished(user)


def visible_incidents(user):
    """Everyone sees published incidents; users who may view or change incidents see all.
    Published rows of a restricted dataset (ACLED) only when RESTRICTED_DATASETS_PUBLIC is on
    or the reader sees drafts (hides_restricted)."""
    queryset = Incident.objects.all()
    if not sees_unpublished(user):
        queryset = queryset.filter(status=Incident.Status.PUBLISHED)
    if hides_restricted(user):
        queryset = queryset.exclude(dataset__redistribution=False)
    return queryset


def countable_incidents(user):
    """What map tiles may count for this reader: visible_incidents plus, for a reader from whom
    restricted rows are hidden, the published ones (counted in clusters, never shown one by
    one: incidents.tiles takes `hide_restricted`)."""
    if sees_unpublished(user):
        return Incident.objects.all()
    return Incident.objects.filter(status=Incident.Status.PUBLISHED)


def credited_datasets(user):
    """The datasets of the incidents this reader may see (not synthetic), by name: the footer
    credits each."""
    from .models import Dataset

    shown = visible_incidents(user).filter(is_synthetic=False, dataset_id=OuterRef("pk"))
    return Dataset.objects.filter(Exists(shown)).order_by("name")


class NameMatch(Func):
    """incidents_unaccent_lower(text) LIKE incidents_search_pattern(part): `part` anywhere in
    `text`, ignoring case and accents, LIKE's wildcards in `part` taken literally (both
    functions are in incidents/sql/text_search.sql)."""

    template = "incidents_unaccent_lower(%(expressions)s)"
    arg_joiner = ") LIKE incidents_search_pattern("
    output_field = BooleanField()


class HasItemMatching(Func):
    """EXISTS (SELECT 1 FROM unnest(array) AS item WHERE item holds `part`, as NameMatch)."""

    template = "EXISTS (SELECT 1 FROM unnest(%(expressions)s))"
    arg_joiner = (") AS item WHERE incidents_unaccent_lower(item) LIKE "
                  "incidents_search_pattern(")
    output_field = BooleanField()


def actors_named(*parts: str):
    """Actors whose name or one of whose aliases holds one of `parts`, ignoring case and
    accents ("shining", "sendero", "peru" all find "Shining Path" or its alias "Sendero
    Luminoso"...). Threat line: anyone sends `actor` (at most FILTER_MAX_VALUES values of 200
    characters); a value is a literal text (wildcards escaped), matched against the actors
    table, which is small (hundreds of rows), so a sequential scan of it is cheap."""
    matches = Q()
    for part in parts:
        matches |= Q(NameMatch(F("name"), Value(part))) | Q(HasItemMatching(F("aliases"), Value(part)))
    return Actor.objects.filter(matches)


def within_km(point, radius_km: float) -> GeodesicDWithin:
    """Incidents within `radius_km` of `point`, geodesic on the WGS 84 spheroid."""
    return GeodesicDWithin("location", MakePoint(point.x, point.y), radius_km * 1000.0)


class TextSearch(Func):
    """incidents_search_text(title, description, location_name) LIKE incidents_search_pattern(text):
    the text anywhere in the three fields, ignoring case and accents ("mazangaro" finds
    "Mazángaro"). Both functions and the trigram index that serves the predicate are in
    incidents/sql/text_search.sql; the SQL must stay the index expression word for word."""

    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__(F("title"), F("description"), F("location_name"), Value(text))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, values = compiler.compile(expression)
            parts.append(sql)
            params.extend(values)
        title, description, place, text = parts
        return (f"incidents_search_text({title}, {description}, {place}) "
                f"LIKE incidents_search_pattern({text})", params)


def published_actors(queryset=None):
    """Actors of at least one incident of `queryset` (default: published, not synthetic), by
    name: the explorer offers these, so no draft's actor is shown to the public."""
    if queryset is None:
        queryset = Incident.objects.filter(status=Incident.Status.PUBLISHED, is_synthetic=False)
    return Actor.objects.filter(
        Exists(Incident.actors.through.objects.filter(actor_id=OuterRef("pk"),
                                                      incident__in=queryset))
    ).order_by("name")


AREA_FIELD = {
    AdminArea.Level.DEPARTMENT: "department",
    AdminArea.Level.PROVINCE: "province",
    AdminArea.Level.DISTRICT: "district",
}


def _many(value) -> list:
    """A repeatable filter's values (incidents.api.params gives lists; callers may give one)."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def filter_incidents(queryset, params: dict):
    """Apply validated filter parameters (incidents.api.params) to a queryset.

    A repeatable filter (event_type, sub_event_type, actor, region, dataset) matches any of its
    values; different filters must all match. Synthetic incidents (load tests) stay out unless
    `synthetic` is "include" or "only"."""
    filters = Q()
    synthetic = params.get("synthetic", "exclude")
    if synthetic != "include":
        filters &= Q(is_synthetic=(synthetic == "only"))
    if "bbox" in params:
        filters &= Q(location__intersects=params["bbox"])
    if "date_from" in params:
        filters &= Q(occurred_on__gte=params["date_from"])
    if "date_to" in params:
        filters &= Q(occurred_on__lte=params["date_to"])
    if "event_type" in params:
        filters &= Q(event_type__in=_many(params["event_type"]))
    if "sub_event_type" in params:
        filters &= Q(sub_event_type__in=_many(params["sub_event_type"]))
    if "dataset" in params:
        filters &= Q(dataset_id__in=_many(params["dataset"]))
    if "min_fatalities" in params:
        filters &= Q(fatalities__gte=params["min_fatalities"])
    if "region" in params:
        # Areas are assigned from the point down to the level the location is known to, so an
        # incident known only "in Junín" is in department 12 but in none of its provinces.
        in_any = Q()
        for area in _many(params["region"]):
            in_any |= Q(**{f"{AREA_FIELD[area.level]}_id": area.pk})
        filters &= in_any
    if "q" in params:
        text = params["q"]
        filters &= Q(TextSearch(text))
    queryset = queryset.filter(filters)
    if "actor" in params:
        queryset = queryset.filter(
            Exists(
                Incident.actors.through.objects.filter(
                    incident_id=OuterRef("pk"), actor__in=actors_named(*_many(params["actor"]))
                )
            )
        )
    if "near" in params:
        queryset = queryset.filter(within_km(params["near"], params["radius_km"]))
    return queryset


def left_out(queryset, params: dict, *, cap: int | None = None) -> dict:
    """What a filter leaves out without saying so: with min_fatalities, the incidents that
    match every other filter but whose fatalities are unknown (NULL is not "at least 0").
    Counted up to `cap` + 1 rows when given (the caller reports "at most cap")."""
    if "min_fatalities" not in params:
        return {}
    others = {k: v for k, v in params.items() if k != "min_fatalities"}
    unknown = filter_incidents(queryset, others).filter(fatalities__isnull=True).order_by()
    count = unknown[: cap + 1].count() if cap is not None else unknown.count()
    return {"unknown_fatalities": count if cap is None else min(count, cap)}


def date_extent(queryset, params: dict) -> dict:
    """The oldest and newest date of the incidents that match every filter but the dates
    (None when none does): where the data is, for an empty answer."""
    undated = {k: v for k, v in params.items() if k not in ("date_from", "date_to")}
    found = filter_incidents(queryset, undated).aggregate(oldest=Min("occurred_on"), newest=Max("occurred_on"))
    return {"oldest": found["oldest"], "newest": found["newest"]}


def distance_km(point):
    """Geodesic distance from `point` in km (WGS 84 spheroid)."""
    return GeodesicDistance("location", MakePoint(point.x, point.y)) / 1000.0


def nearby_incidents(incident, queryset, *, km: float = 25, days: int = 90):
    """Other incidents within `km` (geodesic) and `days` of this one, nearest first."""
    window = timedelta(days=days)
    return (
        queryset.exclude(pk=incident.pk)
        .filter(is_synthetic=incident.is_synthetic)
        .filter(occurred_on__range=(incident.occurred_on - window, incident.occurred_on + window))
        .filter(within_km(incident.location, km))
        .annotate(distance_km=distance_km(incident.location))
        .order_by("distance_km", "occurred_on")
    )


def incidents_near_area(area: AdminArea, queryset, *, km: float, since):
    """Incidents of `queryset` (not synthetic) on or after `since` within `km` (geodesic, WGS 84
    spheroid) of the area's outline — those inside it at 0 km — each with `distance_km`, newest
    first. The bounding box widened by `km` narrows through the index; the spheroid decides."""
    outline = Subquery(AdminArea.objects.filter(pk=area.pk).order_by().values("geom"))
    xmin, ymin, xmax, ymax = area.geom.extent
    dy = km / 110.0  # a degree of latitude is at least 110.57 km
    dx = km / (111.0 * math.cos(math.radians(min(89.0, max(abs(ymin), abs(ymax)) + dy))))
    box = Polygon.from_bbox((xmin - dx, ymin - dy, xmax + dx, ymax + dy))
    box.srid = 4326
    return (
        queryset.filter(is_synthetic=False, occurred_on__gte=since)
        .filter(location__bboverlaps=box)
        .filter(GeodesicDWithin("location", outline, km * 1000.0))
        .annotate(distance_km=GeodesicDistance("location", outline) / 1000.0)
        .order_by("-occurred_on", "distance_km", "id")
    )


def alert_story(alert, incidents) -> list:
    """The bulletins of the alert's story (its earlier and later updates) that at least one of
    `incidents` (what the reader may see) comes from, oldest first: a bulletin whose incidents
    are all drafts is not shown to the public."""
    shown = Exists(incidents.filter(alert_id=OuterRef("pk")))
    story = Alert.objects.filter(pk=alert.pk) if not alert.story else Alert.objects.filter(story=alert.story)
    return list(story.filter(shown).order_by("published_at"))


def casualty_totals() -> dict:
    """The aggregates of every count: incidents, fatalities, injuries (unknown stays NULL)."""
    return {"incidents": Count("id"), "fatalities": Sum("fatalities"), "injuries": Sum("injuries")}


def counts_by_month(queryset):
    return (
        queryset.annotate(month=TruncMonth("occurred_on")).values("month")
        .annotate(**casualty_totals()).order_by("month")
    )


def counts_by_event_type(queryset):
    return queryset.values("event_type").annotate(**casualty_totals()).order_by("-incidents", "event_type")


def region_summary(area, queryset) -> dict:
    """Counts and casualties of the incidents assigned to an area: totals, by month, type, actor
    and child area. Each is one grouped query."""
    incidents = filter_incidents(queryset, {"region": area})
    through = Incident.actors.through
    by_actor = (
        through.objects.filter(incident__in=incidents)
        .values("actor__name").annotate(incidents=Count("incident_id")).order_by("-incidents", "actor__name")
    )
    children = []
    if area.level != AdminArea.Level.DISTRICT:
        child_field = AREA_FIELD[AdminArea.Level.PROVINCE if area.level == AdminArea.Level.DEPARTMENT
                                 else AdminArea.Level.DISTRICT]
        counts = dict(
            incidents.values_list(f"{child_field}_id").annotate(n=Count("id")).order_by()
        )
        children = [
            {"area": child, "incidents": counts.get(child.pk, 0)}
            for child in area.children.order_by("ubigeo")
        ]
    return {
        "totals": incidents.aggregate(**casualty_totals()),
        "by_month": list(counts_by_month(incidents)),
        "by_type": list(counts_by_event_type(incidents)),
        "by_actor": list(by_actor),
        "children": children,
        "unassigned_below": incidents.filter(**{f"{child_field}__isnull": True}).count() if children else 0,
    }


def areas_at(point, *, finest: str) -> dict[str, str | None]:
    """The department/province/district ubigeos the database would assign to `point`
    (the same SQL function as the trigger), without writing anything."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT dep.ubigeo, prov.ubigeo, dist.ubigeo
              FROM incidents_areas_at(ST_GeomFromEWKT(%s), %s) a
              LEFT JOIN regions_adminarea dep ON dep.id = a.department_id
              LEFT JOIN regions_adminarea prov ON prov.id = a.province_id
              LEFT JOIN regions_adminarea dist ON dist.id = a.district_id
            """,
            [point.ewkt, finest],
        )
        department, province, district = cursor.fetchone()
    return {"department": department, "province": province, "district": district}


def earlier_alert_of_story(*, story: str, before):
    """The latest bulletin of the same story published before `before`, or None."""
    from .models import Alert

    return Alert.objects.filter(story=story, published_at__lt=before).order_by("-published_at").first()


def incidents_for_export(*, status: str | None = None, synthetic: bool = False,
                         public: bool = False):
    """`public`: only what an anonymous reader may have (published, restricted datasets out
    unless RESTRICTED_DATASETS_PUBLIC)."""
    query = Incident.objects.filter(is_synthetic=synthetic).select_related(
        "department", "province", "district", "dataset").prefetch_related(
        "actors", "sources"
    ).order_by("occurred_on", "id")
    if public:
        query = query.filter(status=Incident.Status.PUBLISHED)
        if not settings.RESTRICTED_DATASETS_PUBLIC:
            query = query.exclude(dataset__redistribution=False)
    return query.filter(status=status) if status else query


class DuplicateIds(ArraySubquery):
    """ARRAY(ids of the outer incident's likely duplicates, ascending): same event type and
    synthetic flag, not archived, within `days` days and `km` km (geodesic) of it."""

    def __init__(self, *, days: int, km: float):
        def day(sign):  # date ± integer stays a date (± interval would make it a timestamp)
            return CombinedExpression(OuterRef("occurred_on"), sign, Value(days), output_field=DateField())

        super().__init__(
            Incident.objects.exclude(pk=OuterRef("pk"))
            .filter(event_type=OuterRef("event_type"), is_synthetic=OuterRef("is_synthetic"))
            .exclude(status=Incident.Status.ARCHIVED)
            .filter(occurred_on__range=(day("-"), day("+")))
            .filter(GeodesicDWithin("location", OuterRef("location"), km * 1000.0))
            .order_by("id").values("id"),
            output_field=ArrayField(BigIntegerField()),
        )


def with_duplicate_ids(queryset):
    """Annotate each incident with `duplicate_ids`: the ids of its likely duplicates (same type,
    INCIDENT_DUPLICATE_DAYS and INCIDENT_DUPLICATE_RADIUS_KM)."""
    return queryset.annotate(duplicate_ids=DuplicateIds(
        days=settings.INCIDENT_DUPLICATE_DAYS, km=settings.INCIDENT_DUPLICATE_RADIUS_KM))


def possible_duplicates(incident: Incident):
    """Likely duplicates of one saved incident, oldest first."""
    ids = with_duplicate_ids(Incident.objects.filter(pk=incident.pk)).values_list(
        "duplicate_ids", flat=True).first()
    return Incident.objects.filter(pk__in=ids or []).order_by("id")

"""The statistics of the incident filters (StatsView: totals, by month, event type and region;
the explorer's month chart) from the pre-counted month counts (incidents_month_count,
incidents/sql/month_count.sql) when the filters allow: synthetic flag, event type, date range,
a department or province, and the breakdown by department or province. A date range's whole
months are read from the counts (one query: GROUPING SETS by month, type, area and in all), its
partial first and last months counted live (incidents.tiles.month_split), then summed here.
Any other filter (text, actor, bounding box, fatalities, a district or the breakdown by
district: the counts stop at provinces) → None: the caller counts live.
The answer equals the live one (tests/api/test_stats_counts.py)."""
from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from core.replicas import read_connection
from regions.models import AdminArea

from .selectors import AREA_FIELD
from .tiles import counted_where, month_split

STATS_FILTERS = {"synthetic", "event_type", "date_from", "date_to", "region", "level"}

COUNTS_SQL = """
SELECT grouping(month, event_type, {area}), month, event_type, {area}, sum(incidents)::bigint,
       sum(fatalities)::bigint, sum(fatalities_known)::bigint, sum(injuries)::bigint, sum(injuries_known)::bigint
  FROM incidents_month_count
 WHERE true {where}
 GROUP BY GROUPING SETS ((month), (event_type), ({area}), ())
"""
# grouping(month, event_type, area): a bit per column not grouped by (month 4, type 2, area 1).
BY_MONTH, BY_TYPE, BY_AREA, TOTAL = 3, 5, 6, 7


def _counted(sums) -> dict:
    """(incidents, fatalities, injuries) of summed counts; a sum with no known value is None."""
    n, fatalities, fatalities_known, injuries, injuries_known = sums
    return {"incidents": n, "fatalities": fatalities if fatalities_known else None,
            "injuries": injuries if injuries_known else None}


def stats_from_counts(queryset, params: dict, *, published_only: bool, hide_restricted: bool) -> dict | None:
    """The statistics of `queryset` (the readable incidents filtered by `params`) as StatsView
    answers them, or None when a filter is not one the counts know. `published_only` and
    `hide_restricted` are what visible_incidents applied for this reader."""
    level = params.get("level", AdminArea.Level.DEPARTMENT)
    regions = params.get("region") or []  # several areas: incidents in any of them (#15 part 5)
    if not isinstance(regions, (list, tuple)):
        regions = [regions]
    if (not set(params) <= STATS_FILTERS or level == AdminArea.Level.DISTRICT
            or any(region.level == AdminArea.Level.DISTRICT for region in regions)):
        return None
    area = f"{AREA_FIELD[level]}_id"
    where, values = counted_where(params, published_only=published_only)
    if regions:  # a row (one province) counts once even when it is in two of the areas
        where.append("AND (" + " OR ".join(f"{AREA_FIELD[region.level]}_id = %s" for region in regions) + ")")
        values += [region.pk for region in regions]
    if hide_restricted:
        where.append("AND dataset_id IN (SELECT slug FROM incidents_dataset WHERE redistribution)")
    month_where, month_values, edges = month_split(params, queryset)
    groups = {BY_MONTH: {}, BY_TYPE: {}, BY_AREA: {}, TOTAL: {}}

    def add(group: int, key, sums) -> None:
        kept = groups[group].setdefault(key, [0, 0, 0, 0, 0])
        for i, value in enumerate(sums):
            kept[i] += value or 0

    with read_connection().cursor() as cursor:
        cursor.execute(COUNTS_SQL.format(area=area, where=" ".join(where + month_where)), values + month_values)
        for grouped, month, event_type, area_id, *sums in cursor.fetchall():
            add(grouped, {BY_MONTH: month, BY_TYPE: event_type, BY_AREA: area_id, TOTAL: None}[grouped], sums)
    if edges is not None:  # the partial months, live: a few days' incidents
        for month, event_type, area_id, *sums in (
            edges.order_by().annotate(m=TruncMonth("occurred_on")).values_list("m", "event_type", area)
            .annotate(n=Count("id"), f=Coalesce(Sum("fatalities"), Value(0), output_field=IntegerField()),
                      fk=Count("fatalities"), i=Coalesce(Sum("injuries"), Value(0), output_field=IntegerField()),
                      ik=Count("injuries"))
        ):
            add(BY_MONTH, month, sums)
            add(BY_TYPE, event_type, sums)
            add(BY_AREA, area_id, sums)
            add(TOTAL, None, sums)
    total = groups[TOTAL].get(None, [0, 0, 0, 0, 0])
    months = {m: sums for m, sums in groups[BY_MONTH].items() if sums[0]}
    types = [{"event_type": t, **_counted(sums)} for t, sums in groups[BY_TYPE].items() if sums[0]]
    regions = {pk: sums for pk, sums in groups[BY_AREA].items() if pk is not None and sums[0]}
    names = {a.pk: a for a in AdminArea.objects.filter(pk__in=list(regions)).only("ubigeo", "name")}
    return {
        "total": _counted(total),
        "by_month": [{"month": m.strftime("%Y-%m"), **_counted(months[m])} for m in sorted(months)],
        "by_event_type": sorted(types, key=lambda row: (-row["incidents"], row["event_type"])),
        "by_region": sorted(({"ubigeo": names[pk].ubigeo, "name": names[pk].name, **_counted(sums)}
                             for pk, sums in regions.items()), key=lambda row: row["ubigeo"]),
    }

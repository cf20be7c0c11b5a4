"""The statistics of the incident filters (StatsView: totals, by month, event type and region;
the explorer's month chart) from the pre-counted month counts (incidents_month_count,
incidents/sql/month_count.sql) when the filters allow: synthetic flag, event type, date range
and region. A date range's whole months are read from the counts, its partial first and last
months counted live (incidents.tiles.month_split), both on the same grouping, then summed here.
Any other filter (text, actor, bounding box, fatalities, ...) → None: the caller counts live.
The answer equals the live one (tests/api/test_stats_counts.py)."""
from collections import defaultdict

from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from core.replicas import read_connection
from regions.models import AdminArea

from .selectors import AREA_FIELD
from .tiles import month_split

STATS_FILTERS = {"synthetic", "event_type", "date_from", "date_to", "region", "level"}

COUNTS_SQL = """
SELECT month, event_type, {area}, sum(incidents), sum(fatalities), sum(fatalities_known),
       sum(injuries), sum(injuries_known)
  FROM incidents_month_count
 WHERE true {where}
 GROUP BY 1, 2, 3
"""


def _counted(rows) -> dict:
    """(incidents, fatalities, injuries) of summed rows; a sum with no known value is None."""
    n = fatalities = fatalities_known = injuries = injuries_known = 0
    for row in rows:
        n += row[3]
        fatalities += row[4]
        fatalities_known += row[5]
        injuries += row[6]
        injuries_known += row[7]
    return {"incidents": n, "fatalities": fatalities if fatalities_known else None,
            "injuries": injuries if injuries_known else None}


def stats_from_counts(queryset, params: dict, *, published_only: bool, hide_restricted: bool) -> dict | None:
    """The statistics of `queryset` (the readable incidents filtered by `params`) as StatsView
    answers them, or None when a filter is not one the counts know. `published_only` and
    `hide_restricted` are what visible_incidents applied for this reader."""
    if not set(params) <= STATS_FILTERS:
        return None
    level = params.get("level", AdminArea.Level.DEPARTMENT)
    area = f"{AREA_FIELD[level]}_id"
    where, values = [], []
    if published_only:
        where.append("AND status = 'published'")
    synthetic = params.get("synthetic", "exclude")
    if synthetic != "include":
        where.append(f"AND is_synthetic = {'true' if synthetic == 'only' else 'false'}")
    if "event_type" in params:
        where.append("AND event_type = %s")
        values.append(params["event_type"])
    if "region" in params:
        where.append(f"AND {AREA_FIELD[params['region'].level]}_id = %s")
        values.append(params["region"].pk)
    if hide_restricted:
        where.append("AND dataset_id IN (SELECT slug FROM incidents_dataset WHERE redistribution)")
    month_where, month_values, edges = month_split(params, queryset)
    with read_connection().cursor() as cursor:
        cursor.execute(COUNTS_SQL.format(area=area, where=" ".join(where + month_where)), values + month_values)
        rows = [tuple(row) for row in cursor.fetchall()]
    if edges is not None:
        rows += list(
            edges.order_by().annotate(m=TruncMonth("occurred_on")).values_list("m", "event_type", area)
            .annotate(n=Count("id"), f=Coalesce(Sum("fatalities"), Value(0), output_field=IntegerField()),
                      fk=Count("fatalities"), i=Coalesce(Sum("injuries"), Value(0), output_field=IntegerField()),
                      ik=Count("injuries"))
        )
    months, types, regions = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in rows:
        months[row[0]].append(row)
        types[row[1]].append(row)
        if row[2] is not None:
            regions[row[2]].append(row)
    by_type = [{"event_type": t, **_counted(r)} for t, r in types.items()]
    by_type = [row for row in by_type if row["incidents"]]
    names = {a.pk: a for a in AdminArea.objects.filter(pk__in=list(regions)).only("ubigeo", "name")}
    by_region = [{"ubigeo": names[pk].ubigeo, "name": names[pk].name, **_counted(r)} for pk, r in regions.items()]
    return {
        "total": _counted(rows),
        "by_month": [{"month": m.strftime("%Y-%m"), **_counted(months[m])} for m in sorted(months)
                     if _counted(months[m])["incidents"]],
        "by_event_type": sorted(by_type, key=lambda row: (-row["incidents"], row["event_type"])),
        "by_region": sorted([row for row in by_region if row["incidents"]], key=lambda row: row["ubigeo"]),
    }

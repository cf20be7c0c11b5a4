from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from incidents.selectors import incidents_near_area, region_summary, visible_incidents
from regions.models import AdminArea, Place
from regions.selectors import (
    advisory_zones_geojson,
    advisory_zones_in_force,
    area_outline_geojson,
    area_rings_geojson,
    departments_geojson,
    indicator_summary,
    places_like,
    places_to_visit,
    ZONE_ORDER,
    zones_covering,
    zones_named,
)
from regions.text import normalise

from .. import maps
from ..map_cache import map_parts
from ..page_cache import cached_page
from ..throttle import throttled_page
from .incidents import incident_layer_config, render_map

CHART_WIDTH, CHART_HEIGHT = 600, 120
INDICATOR_LABELS = [  # field, label, decimals
    ("poverty_pct", _("Poverty (%)"), 1),
    ("extreme_poverty_pct", _("Extreme poverty (%)"), 1),
    ("hdi_2019", _("Human development index (2019)"), 3),
    ("altitude_m", _("Altitude of the capital (m)"), 0),
    ("density_2020", _("Population density (per km², 2020)"), 1),
]


def month_bars(by_month: list[dict]) -> list[dict]:
    """Bar geometry for the incidents-per-month chart (drawn as inline SVG, no script)."""
    if not by_month:
        return []
    top = max(row["incidents"] for row in by_month)
    width = CHART_WIDTH / len(by_month)
    bars = []
    for i, row in enumerate(by_month):
        height = max(2.0, (CHART_HEIGHT - 20) * row["incidents"] / top)
        bars.append({
            "x": round(i * width + 1, 2), "width": round(max(width - 2, 1), 2),
            "y": round(CHART_HEIGHT - height, 2), "height": round(height, 2),
            "month": row["month"], "incidents": row["incidents"],  # a date: the template names the month
        })
    return bars


# The traveller's question (#19 part 5): what happened within these distances of the area
# (inside it: 0 km) in these last months. The page shows every combination; the list and the
# small map show the widest (50 km, 12 months), newest first.
NEARBY_KM = (25, 50)
NEARBY_MONTHS = (6, 12)
NEARBY_LISTED = 20


def nearby_summary(area, incidents, *, today: date) -> dict:
    """Counts within each of NEARBY_KM in each of NEARBY_MONTHS (one aggregate query) and the
    newest NEARBY_LISTED incidents within the widest distance and period, with distance_km."""
    since = {months: today - relativedelta(months=months) for months in NEARBY_MONTHS}
    near = incidents_near_area(area, incidents, km=max(NEARBY_KM), since=min(since.values()))
    counts = near.aggregate(**{
        f"n_{km}_{months}": Count("id", filter=Q(distance_km__lte=km, occurred_on__gte=since[months]))
        for km in NEARBY_KM for months in NEARBY_MONTHS
    })
    rows = list(near.values("id", "title", "occurred_on", "event_type", "geo_precision", "location",
                            "distance_km")[:NEARBY_LISTED])
    for row in rows:
        row["longitude"], row["latitude"] = row["location"].x, row["location"].y
    return {
        "since": since,
        "months": NEARBY_MONTHS,
        "table": [{"km": km, "counts": [counts[f"n_{km}_{months}"] for months in NEARBY_MONTHS]}
                  for km in NEARBY_KM],
        "total": counts[f"n_{max(NEARBY_KM)}_{max(NEARBY_MONTHS)}"],
        "rows": rows,
    }


@cached_page()
@throttled_page()
def region_detail(request, ubigeo: str):
    area = get_object_or_404(AdminArea.objects.select_related("parent__parent"), ubigeo=ubigeo)
    summary = region_summary(area, visible_incidents(request.user))
    lineage = [a for a in (area.parent and area.parent.parent, area.parent) if a]
    indicators = indicator_summary(area)
    indicator_rows = [
        {"label": label, "digits": digits, **indicators["rows"][field]}
        for field, label, digits in INDICATOR_LABELS
    ] if indicators.get("rows") else []
    event_type_labels = maps.event_type_labels()  # ACLED's English codes, labels in the page's language
    for row in summary["by_type"]:
        row["event_type_label"] = event_type_labels.get(row["event_type"], row["event_type"])
    zones = list(zones_covering(area))  # the advice comes first on the page
    for zone in zones:
        zone.covered_percent = round(100 * (zone.covered_share or 0))
    config = incident_layer_config()
    parts = map_parts(request, "region", (area.pk,), lambda: maps.region_page_map(
        area=area,
        outline=area_outline_geojson(area),
        advisory_zones=advisory_zones_geojson(),
        config=config,
        incidents_url=f"{config['api']['incidents']}?region={area.ubigeo}&page_size=5000",
    ))
    nearby, nearby_parts = None, {}
    if area.level == AdminArea.Level.DISTRICT:  # a traveller's question; a department is too wide
        nearby = nearby_summary(area, visible_incidents(request.user), today=date.today())
        nearby_parts = map_parts(request, "region-nearby", (area.pk,), lambda: maps.nearby_map(
            area=area, outline=area_outline_geojson(area), rings=area_rings_geojson(area, NEARBY_KM),
            incidents=nearby["rows"]))
    return render_map(
        request,
        "regions/detail.html",
        parts,
        {
            "nearby": nearby,
            "nearby_map_html": nearby_parts.get("map_html", ""),
            "nearby_map_script": nearby_parts.get("map_script", ""),
            "area": area,
            "lineage": lineage,
            "summary": summary,
            "bars": month_bars(summary["by_month"]),
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
            "zones": zones,
            "indicators": indicators,
            "indicator_rows": indicator_rows,
        },
    )


@cached_page()
@throttled_page()
def advisories(request):
    zones = advisory_zones_in_force().order_by(*ZONE_ORDER)
    parts = map_parts(request, "advisories", (), lambda: maps.advisories_map(
        departments=departments_geojson(), advisory_zones=advisory_zones_geojson()))
    return render_map(request, "regions/advisories.html", parts, {"zones": zones, "today": date.today()})


@throttled_page()
def region_search(request):
    """Find departments, provinces and districts, populated places and advisory zones by name,
    ignoring case, accents and typos. Threat: anyone sends `q`; it is cut to 100 characters,
    normalised to letters, digits and spaces, and only ever a query parameter (pg_trgm) and
    escaped text on the page."""
    query = request.GET.get("q", "").strip()[:100]
    results, places, zones = [], [], []
    name = normalise(query)
    if name:
        matches = places_like(name, kinds=Place.AREA_KINDS, limit=30)
        areas = {a.pk: a for a in AdminArea.objects.filter(pk__in=[p.area_id for p in matches])
                 .select_related("parent__parent")}
        results = [areas[p.area_id] for p in matches if p.area_id in areas]
        for place in matches:
            if place.area_id in areas:
                areas[place.area_id].similarity = max(place.similarity, getattr(areas[place.area_id], "similarity", 0))
        places = places_to_visit(name)
        zones = list(zones_named(name))
    # The kind of result that matches best comes first ("San Miguel del Ene" is a town, "VRAEM"
    # a zone); on a tie areas, then towns, then zones.
    best = {kind: max((row.similarity for row in rows), default=0)
            for kind, rows in (("areas", results), ("places", places), ("zones", zones))}
    sections = sorted(best, key=lambda kind: -best[kind])
    return render(request, "regions/search.html", {
        "query": query, "results": results, "places": places, "zones": zones,
        "sections": [kind for kind in sections if best[kind]],
    })

from datetime import date

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from incidents.selectors import region_summary, visible_incidents
from regions.models import AdminArea, Place
from regions.selectors import (
    advisory_zones_geojson,
    advisory_zones_in_force,
    area_outline_geojson,
    departments_geojson,
    indicator_summary,
    places_like,
    ZONE_ORDER,
    zones_covering,
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
    zones = list(zones_covering(area))
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
    return render_map(
        request,
        "regions/detail.html",
        parts,
        {
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
    """Find a department, province or district by name, ignoring case, accents and typos."""
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if normalise(query):
        places = places_like(normalise(query), kinds=Place.AREA_KINDS, limit=30)
        areas = {a.pk: a for a in AdminArea.objects.filter(pk__in=[p.area_id for p in places])
                 .select_related("parent__parent")}
        results = [areas[p.area_id] for p in places if p.area_id in areas]
    return render(request, "regions/search.html", {"query": query, "results": results})

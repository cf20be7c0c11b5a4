from datetime import date

from django.shortcuts import get_object_or_404

from incidents import maps
from incidents.selectors import region_summary, visible_incidents
from incidents.views import incident_layer_config, render_map

from .models import AdminArea
from .selectors import (
    advisory_zones_geojson,
    advisory_zones_in_force,
    area_outline_geojson,
    departments_geojson,
    zones_covering,
)

CHART_WIDTH, CHART_HEIGHT = 600, 120


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
            "month": row["month"].strftime("%Y-%m"), "incidents": row["incidents"],
        })
    return bars


def region_detail(request, ubigeo: str):
    area = get_object_or_404(AdminArea.objects.select_related("parent__parent"), ubigeo=ubigeo)
    summary = region_summary(area, visible_incidents(request.user))
    lineage = [a for a in (area.parent and area.parent.parent, area.parent) if a]
    zones = list(zones_covering(area))
    for zone in zones:
        zone.covered_percent = round(100 * (zone.covered_share or 0))
    m = maps.region_page_map(
        area=area,
        outline=area_outline_geojson(area),
        advisory_zones=advisory_zones_geojson(),
        config=incident_layer_config(),
        incidents_url=f"{incident_layer_config()['api']['incidents']}?region={area.ubigeo}&page_size=5000",
    )
    return render_map(
        request,
        "regions/detail.html",
        m,
        {
            "area": area,
            "lineage": lineage,
            "summary": summary,
            "bars": month_bars(summary["by_month"]),
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
            "zones": zones,
        },
    )


def advisories(request):
    zones = advisory_zones_in_force().order_by("-level", "name")
    m = maps.advisories_map(departments=departments_geojson(), advisory_zones=advisory_zones_geojson())
    return render_map(request, "regions/advisories.html", m, {"zones": zones, "today": date.today()})

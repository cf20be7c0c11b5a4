from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from regions.models import AdminArea
from regions.selectors import advisory_zones_geojson, departments_geojson

from . import maps
from .models import Actor
from .taxonomy import EVENT_TYPES

PERIODS = [("all", "All dates"), ("7", "Last 7 days"), ("30", "Last 30 days"),
           ("90", "Last 90 days"), ("365", "Last 365 days"), ("custom", "Custom range")]


def render_map(request, template: str, m, context: dict):
    """Render a page holding a folium map: its header, div and script go into the template."""
    figure = m.get_root()
    figure.render()
    return render(
        request,
        template,
        {
            "map_header": figure.header.render(),
            "map_html": figure.html.render(),
            "map_script": figure.script.render(),
            "data_attribution": settings.DATA_ATTRIBUTION,
            **context,
        },
    )


def explorer(request):
    """The incident explorer; the filters live in the URL and are read by explorer.js."""
    config = maps.explorer_config(
        api={
            "incidents": reverse("api:incident-list"),
            "stats": reverse("api:stats"),
            "regions": reverse("api:region-list"),
        },
        incident_url="/incidents/",
    )
    m = maps.explorer_map(
        departments=departments_geojson(), advisory_zones=advisory_zones_geojson(), config=config
    )
    return render_map(
        request,
        "incidents/explorer.html",
        m,
        {
            "periods": PERIODS,
            "event_types": list(EVENT_TYPES),
            "actors": Actor.objects.values_list("name", flat=True),
            "departments": AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).values_list("ubigeo", "name"),
        },
    )

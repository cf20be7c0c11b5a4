from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from regions.selectors import advisory_zones_geojson, departments_geojson

from . import maps


def incident_map(request):
    m = maps.incident_map(
        incidents_url=f"{reverse('api:incident-list')}?page_size={settings.API_MAX_PAGE_SIZE}",
        departments=departments_geojson(),
        advisory_zones=advisory_zones_geojson(),
    )
    figure = m.get_root()
    figure.render()
    return render(
        request,
        "incidents/map.html",
        {
            "map_header": figure.header.render(),
            "map_html": figure.html.render(),
            "map_script": figure.script.render(),
            "data_attribution": settings.DATA_ATTRIBUTION,
        },
    )

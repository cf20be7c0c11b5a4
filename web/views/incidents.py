from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.middleware import embeddable
from incidents import tiles
from incidents.selectors import (
    alert_story, credited_datasets, nearby_incidents, published_actors, visible_incidents,
)
from incidents.taxonomy import EVENT_TYPE_CHOICES, EVENT_TYPES
from regions.models import AdminArea
from regions.selectors import advisories_at, advisory_zones_geojson, departments_geojson

from .. import maps
from ..map_cache import map_parts
from ..page_cache import cached_page
from ..precision import PRECISION_WORDS
from ..throttle import throttled_page

NEARBY_KM = 25
NEARBY_DAYS = 90

PERIODS = [("all", _("All dates")), ("7", _("Last 7 days")), ("30", _("Last 30 days")),
           ("90", _("Last 90 days")), ("365", _("Last 365 days")), ("custom", _("Custom range"))]


def render_map(request, template: str, map_parts: dict, context: dict):
    """Render a page holding a folium map: its header, div and script (map_cache.map_parts)
    go into the template."""
    return render(
        request,
        template,
        {**map_parts, "data_attribution": settings.DATA_ATTRIBUTION, **context},
    )


def incident_layer_config() -> dict:
    return maps.explorer_config(
        api={
            "incidents": reverse("api:incident-list"),
            "stats": reverse("api:stats"),
            "regions": reverse("api:region-list"),
        },
        # The incident page in the page's language: /es/incidents/ or /en/incidents/.
        incident_url=reverse("incident", args=[0]).removesuffix("0/"),
        tiles={
            # Leaflet fills in {z}/{x}/{y}; reverse() cannot take placeholders, so they are swapped in.
            "incidents": reverse("incident-tile", args=[0, 0, 0]).replace("0/0/0", "{z}/{x}/{y}"),
            "districts": reverse("district-tile", args=[0, 0, 0]).replace("0/0/0", "{z}/{x}/{y}"),
            "maxZoom": tiles.MAX_ZOOM,
        },
    )


def feed_url(query) -> str:
    """The Atom feed of the page's filters (explorer.js keeps the link in step with the view).
    Relative periods ("last 30 days") are left out: a feed lists the newest incidents anyway."""
    kept = query.copy()
    for name in list(kept):
        if name not in FEED_PARAMETERS:
            del kept[name]
    if query.get("period") != "custom":
        kept.pop("date_from", None)
        kept.pop("date_to", None)
    text = kept.urlencode()
    return reverse("incident-feed") + (f"?{text}" if text else "")


FEED_PARAMETERS = ("event_type", "sub_event_type", "actor", "region", "dataset", "min_fatalities",
                   "q", "date_from", "date_to", "bbox")


# The feed link in the page's head is built from the query: those parameters shape the page.
@cached_page(query=(*FEED_PARAMETERS, "period"))
@throttled_page()
def explorer(request, embed: bool = False):
    """The incident explorer; the filters live in the URL and are read by explorer.js.

    `embed`: the same map without the site's header, filters, list and footer, for other
    sites' frames (`explorer_embed`); it takes the same query string.

    Threat line: a stranger gets the map from the cache (built once per published data
    version) within the "pages" rate; the actor list names actors of published incidents
    only (staff: of every incident they may see)."""
    parts = map_parts(request, "explorer", (), lambda: maps.explorer_map(
        departments=departments_geojson(), advisory_zones=advisory_zones_geojson(),
        config=incident_layer_config(),
    ))
    return render_map(
        request,
        "incidents/explorer.html",
        parts,
        {
            "periods": PERIODS,
            "event_types": EVENT_TYPE_CHOICES,  # (ACLED code, label in the page's language)
            "actors": published_actors(
                visible_incidents(request.user).filter(is_synthetic=False)
            ).values_list("name", flat=True),
            "sub_event_types": list(EVENT_TYPES.items()),
            "departments": AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).values_list("ubigeo", "name"),
            "datasets": credited_datasets(request.user).values_list("slug", "name"),
            "feed_url": feed_url(request.GET),
            "embed": embed,
        },
    )


@embeddable
def explorer_embed(request):
    """/embed/: the only page other sites may show in a frame (read-only, public data)."""
    return explorer(request, embed=True)


@cached_page()
@throttled_page()
def incident_detail(request, pk: int):
    """One incident. Threat line: a stranger sees a published incident only (404 otherwise),
    its map from the cache, and only the bulletins of its story that a published incident
    comes from; an Editor sees drafts, built afresh."""
    incident = get_object_or_404(
        visible_incidents(request.user).select_related("department", "province", "district", "alert", "dataset"),
        pk=pk,
    )
    nearby = nearby_incidents(incident, visible_incidents(request.user).select_related("district"))
    advisories = advisories_at(incident.location, on=incident.occurred_on)
    window = timedelta(days=NEARBY_DAYS)
    api_query = urlencode({
        "near": f"{incident.location.x},{incident.location.y}",
        "radius_km": NEARBY_KM,
        "date_from": (incident.occurred_on - window).isoformat(),
        "date_to": (incident.occurred_on + window).isoformat(),
        "page_size": settings.API_MAX_PAGE_SIZE,
    })
    parts = map_parts(request, "incident", (incident.pk,), lambda: maps.incident_page_map(
        incident=incident,
        advisory_zones=advisory_zones_geojson(on=incident.occurred_on),
        # The map shows this incident: its pin, or its area when only an area is known.
        config={**incident_layer_config(), "focusIncident": incident.pk},
        incidents_url=f"{reverse('api:incident-list')}?{api_query}",
    ))
    return render_map(
        request,
        "incidents/detail.html",
        parts,
        {
            "incident": incident,
            "areas": [a for a in (incident.department, incident.province, incident.district) if a],
            "actors": incident.actors.all(),
            "sources": incident.sources.all(),
            "story": alert_story(incident.alert, visible_incidents(request.user)) if incident.alert else [],
            "nearby": nearby[:50],
            "nearby_km": NEARBY_KM,
            "nearby_days": NEARBY_DAYS,
            "advisories": advisories,
            "precision_word": PRECISION_WORDS[incident.geo_precision],
        },
    )

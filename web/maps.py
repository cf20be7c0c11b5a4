"""folium map builders. Coordinates are (longitude, latitude) everywhere except at folium's
door: `latlng()` is the one place in Python that converts to Leaflet's [latitude, longitude]
(static/js/explorer.js does the same for the API's GeoJSON in the browser)."""
import folium
from django.conf import settings

from regions.models import AdvisoryZone

from incidents.models import Incident

from .map_elements import DataAttribution, Legend, StartWithLayers, escape, local_assets

VRAEM_CENTRE = (-74.0, -12.3)  # (lon, lat)

# Colour per normalised severity (AdvisoryZone.Severity); reference areas (no severity) are
# drawn as a dashed outline. The legend and popups name the issuer and its own wording.
ADVISORY_COLOURS = {
    AdvisoryZone.Severity.NO_SPECIAL_ADVICE: "#2e7d32",
    AdvisoryZone.Severity.EXTRA_CARE: "#f9a825",
    AdvisoryZone.Severity.ESSENTIAL_ONLY: "#ef6c00",
    AdvisoryZone.Severity.DO_NOT_GO: "#c62828",
}
REFERENCE_AREA_COLOUR = "#5d4037"

# Marker colour and symbol per ACLED event type (white text on these passes WCAG AA).
EVENT_STYLES = {
    "Battles": {"colour": "#b71c1c", "symbol": "B"},
    "Explosions/Remote violence": {"colour": "#4a148c", "symbol": "E"},
    "Violence against civilians": {"colour": "#bf360c", "symbol": "V"},
    "Protests": {"colour": "#0d47a1", "symbol": "P"},
    "Riots": {"colour": "#006064", "symbol": "R"},
    "Strategic developments": {"colour": "#37474f", "symbol": "S"},
}

# Drawn around precision-2 points when the incident states no uncertainty of its own.
DEFAULT_UNCERTAINTY_KM = 10

OVERLAYS = [  # key, name in the layer control, shown at start
    ("incidents", "Incidents", True),
    ("uncertainty", "Location uncertainty (precision 2)", True),
    ("heat", "Heat map", False),
    ("districts", "Incidents per district", False),
]


def latlng(lon: float, lat: float) -> list[float]:
    """(lon, lat) → Leaflet's [lat, lng]."""
    return [lat, lon]


def base_map(*, centre=VRAEM_CENTRE, zoom: int = 7, incidents=False, explorer=False) -> folium.Map:
    m = local_assets(
        folium.Map(location=latlng(*centre), zoom_start=zoom, tiles=None, control_scale=True),
        incidents=incidents,
        explorer=explorer,
    )
    if settings.MAP_TILES_URL:
        folium.TileLayer(
            settings.MAP_TILES_URL, attr=settings.MAP_TILES_ATTRIBUTION, name="Basemap", max_zoom=18
        ).add_to(m)
    DataAttribution(settings.DATA_ATTRIBUTION).add_to(m)
    return m


def add_departments(m: folium.Map, departments: dict) -> None:
    for feature in departments["features"]:
        feature["properties"]["label"] = escape(feature["properties"]["name"])
    folium.GeoJson(
        departments,
        name="Departments",
        style_function=lambda f: {
            "color": "#37474f",
            "weight": 3 if f["properties"]["vraem"] else 1,
            "fillColor": "#90a4ae",
            "fillOpacity": 0.12 if f["properties"]["vraem"] else 0.0,
            "dashArray": None if f["properties"]["vraem"] else "4",
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)


def zone_popup_html(props: dict) -> str:
    valid = f"from {props['valid_from']}" + (f" until {props['valid_until']}" if props.get("valid_until") else "")
    exceptions = f"<p>Exceptions: {escape(props['exceptions'])}</p>" if props.get("exceptions") else ""
    return (
        f'<div class="zone-popup"><h3>{escape(props["name"])}</h3>'
        f"<p><strong>{escape(props['wording'])}</strong></p>"
        f"<p>Valid {escape(valid)}</p>"
        f"<p>{escape(props['definition'] or props['summary'])}</p>{exceptions}</div>"
    )


def zone_colour(props: dict) -> str:
    return ADVISORY_COLOURS.get(props.get("severity"), REFERENCE_AREA_COLOUR)


def add_advisory_zones(m: folium.Map, zones: dict) -> None:
    """Advice in one layer (filled, coloured by severity); reference areas (not advice) in
    another, as a dashed outline."""
    groups = {
        "advice": folium.FeatureGroup(name="Travel advisory zones").add_to(m),
        "reference": folium.FeatureGroup(name="Reference areas (not advice)").add_to(m),
    }
    for feature in zones["features"]:
        props = feature["properties"]
        colour = zone_colour(props)
        reference = props["kind"] == "reference"
        layer = folium.GeoJson(
            feature,
            style_function=lambda f, colour=colour, reference=reference: {
                "color": colour, "weight": 2, "fillColor": colour,
                "fillOpacity": 0 if reference else 0.2, "dashArray": "6 4" if reference else None,
            },
        )
        folium.Popup(folium.Html(zone_popup_html(props), script=True), max_width=320).add_to(layer)
        layer.add_to(groups["reference" if reference else "advice"])


def advisory_legend_rows(zones: dict) -> list[tuple[str, str, str]]:
    """One legend row per issuer and wording in force: "U.S. Department of State — Level 4:
    Do Not Travel", never a bare number."""
    rows = {}
    for feature in zones["features"]:
        props = feature["properties"]
        label = props["wording"]
        if props["kind"] == "reference":
            label = f"{props['name']} — {props['issuer']} (reference area, not advice)"
        rows.setdefault(label, (zone_colour(props), "", label))
    return list(rows.values())


def legend(*, zones: dict, event_types: bool = True, open: bool = True) -> Legend:
    sections = [
        ("Travel advisories", advisory_legend_rows(zones) or [("#ffffff", "", "None in force")]),
        ("Departments", [("#90a4ae", "", "VRAEM department (Ayacucho, Cusco, Huancavelica, Junín)")]),
    ]
    if event_types:
        sections.insert(0, ("Event types", [(s["colour"], s["symbol"], t) for t, s in EVENT_STYLES.items()]))
        sections.insert(1, ("Location precision", [
            ("#b71c1c", "B", "1: point at the town"),
            ("#b71c1c", "◯", f"2: near a town (circle ~{DEFAULT_UNCERTAINTY_KM} km unless stated)"),
            ("#b71c1c", "▭", "3: only an area is known (dashed outline, no pin)"),
        ]))
    return Legend(sections, open=open)


def explorer_config(*, api: dict, incident_url: str, tiles: dict | None = None) -> dict:
    return {
        "api": api,
        "tiles": tiles or {},
        # Above this many incidents in view the explorer draws vector tiles instead of GeoJSON.
        "tileThreshold": settings.EXPLORER_TILE_THRESHOLD,
        "incidentUrl": incident_url,
        "eventStyles": EVENT_STYLES,
        "geoPrecision": {k: str(v) for k, v in Incident.GeoPrecision.choices},
        "geoPrecisionShort": {1: "exact place", 2: "near a place", 3: "area only"},
        "datePrecision": {k: str(v) for k, v in Incident.DatePrecision.choices},
        "uncertaintyKm": DEFAULT_UNCERTAINTY_KM,
        "playIntervalMs": 1200,
    }


def explorer_map(*, departments: dict, advisory_zones: dict, config: dict) -> folium.Map:
    """The explorer: departments and advisory zones drawn here; incidents, heat map and
    district counts filled in the browser from the API (static/js/explorer.js)."""
    m = base_map(explorer=True)
    add_departments(m, departments)
    add_advisory_zones(m, advisory_zones)
    groups = {
        key: folium.FeatureGroup(name=name, show=show).add_to(m) for key, name, show in OVERLAYS
    }
    folium.LayerControl(collapsed=True).add_to(m)
    legend(zones=advisory_zones).add_to(m)
    StartWithLayers("VraemExplorer.start", groups, config).add_to(m)
    return m


def _incident_groups(m: folium.Map) -> dict:
    groups = {
        "incidents": folium.FeatureGroup(name="Incidents").add_to(m),
        "uncertainty": folium.FeatureGroup(name="Location uncertainty (precision 2)").add_to(m),
    }
    folium.LayerControl(collapsed=True).add_to(m)
    return groups


def incident_page_map(*, incident: Incident, advisory_zones: dict, config: dict, incidents_url: str):
    """One incident and its neighbours (from the API), with the advisory zones of that day."""
    m = base_map(centre=(incident.location.x, incident.location.y), zoom=9, incidents=True)
    add_advisory_zones(m, advisory_zones)
    StartWithLayers("VraemIncidents.show", _incident_groups(m), config, incidents_url).add_to(m)
    legend(zones=advisory_zones, open=False).add_to(m)
    return m


def region_page_map(*, area, outline: dict, advisory_zones: dict, config: dict, incidents_url: str):
    """An area's outline and its incidents (from the API), with today's advisory zones."""
    xmin, ymin, xmax, ymax = area.geom.extent
    m = base_map(centre=((xmin + xmax) / 2, (ymin + ymax) / 2), zoom=8, incidents=True)
    add_advisory_zones(m, advisory_zones)
    outline["features"][0]["properties"]["label"] = escape(area.name)
    folium.GeoJson(
        outline,
        name=area.name,
        style_function=lambda f: {"color": "#0d47a1", "weight": 3, "fillOpacity": 0.05},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)
    m.fit_bounds([latlng(xmin, ymin), latlng(xmax, ymax)])
    StartWithLayers("VraemIncidents.show", _incident_groups(m), config, incidents_url).add_to(m)
    legend(zones=advisory_zones, open=False).add_to(m)
    return m


def advisories_map(*, departments: dict, advisory_zones: dict) -> folium.Map:
    """Every advisory zone in force, coloured by level, over the departments."""
    m = base_map(zoom=6, centre=(-75.0, -9.2))
    add_departments(m, departments)
    add_advisory_zones(m, advisory_zones)
    folium.LayerControl(collapsed=True).add_to(m)
    legend(zones=advisory_zones, event_types=False).add_to(m)
    return m

"""folium map builders. Coordinates are (longitude, latitude) everywhere except at folium's
door: `latlng()` is the one place in Python that converts to Leaflet's [latitude, longitude]
(static/js/incident-layer.js does the same for the API's GeoJSON in the browser)."""
import folium
from django.conf import settings

from regions.models import AdvisoryZone

from .map_elements import DataAttribution, IncidentsFromApi, Legend, escape, local_assets
from .models import Incident

VRAEM_CENTRE = (-74.0, -12.3)  # (lon, lat)

ADVISORY_COLOURS = {
    AdvisoryZone.Level.NORMAL: "#2e7d32",
    AdvisoryZone.Level.INCREASED_CAUTION: "#f9a825",
    AdvisoryZone.Level.RECONSIDER: "#ef6c00",
    AdvisoryZone.Level.DO_NOT_TRAVEL: "#c62828",
}


def latlng(lon: float, lat: float) -> list[float]:
    """(lon, lat) → Leaflet's [lat, lng]."""
    return [lat, lon]


def _add_basemap(m: folium.Map) -> None:
    if settings.MAP_TILES_URL:
        folium.TileLayer(
            settings.MAP_TILES_URL,
            attr=settings.MAP_TILES_ATTRIBUTION,
            name="Basemap",
            max_zoom=18,
        ).add_to(m)


def _add_departments(m: folium.Map, departments: dict) -> None:
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


def _add_advisory_zones(m: folium.Map, zones: dict) -> None:
    group = folium.FeatureGroup(name="Travel advisory zones").add_to(m)
    for feature in zones["features"]:
        props = feature["properties"]
        colour = ADVISORY_COLOURS[props["level"]]
        layer = folium.GeoJson(
            feature,
            style_function=lambda f, colour=colour: {
                "color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25,
            },
        )
        popup = (
            f'<div class="zone-popup"><h3>{escape(props["name"])}</h3>'
            f"<p>{escape(props['level_label'])}</p><p>Issuer: {escape(props['issuer'])}</p>"
            f"<p>{escape(props['summary'])}</p></div>"
        )
        folium.Popup(folium.Html(popup, script=True), max_width=320).add_to(layer)
        layer.add_to(group)


def _add_incidents(m: folium.Map, api_url: str) -> None:
    group = folium.FeatureGroup(name="Incidents").add_to(m)
    labels = {"precision": {value: label for value, label in Incident.GeoPrecision.choices}}
    IncidentsFromApi(group=group, url=api_url, labels=labels).add_to(m)


def incident_map(*, incidents_url: str, departments: dict, advisory_zones: dict) -> folium.Map:
    """The public map: departments, advisory zones, and the published incidents from the API."""
    m = local_assets(
        folium.Map(location=latlng(*VRAEM_CENTRE), zoom_start=7, tiles=None, control_scale=True)
    )
    _add_basemap(m)
    _add_departments(m, departments)
    _add_advisory_zones(m, advisory_zones)
    _add_incidents(m, incidents_url)
    folium.LayerControl(collapsed=False).add_to(m)
    Legend(
        levels=[(ADVISORY_COLOURS[level], level.label) for level in AdvisoryZone.Level]
    ).add_to(m)
    DataAttribution(settings.DATA_ATTRIBUTION).add_to(m)
    return m

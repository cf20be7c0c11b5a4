"""folium map builders. Coordinates are (longitude, latitude) everywhere except at folium's
door: `latlng()` is the one place in Python that converts to Leaflet's [latitude, longitude]
(static/js/explorer.js does the same for the API's GeoJSON in the browser)."""
import json
from datetime import date

import folium
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from regions.models import AdvisoryZone

from incidents.models import Incident

from .map_elements import DataAttribution, HatchPatterns, Legend, ScaleLabels, StartWithLayers, escape, local_assets
from .precision import precision_legend_label, precision_words

VRAEM_CENTRE = (-74.0, -12.3)  # (lon, lat)

# Colours (#19 part 2): one palette for the whole site, safe for colour-blind readers. Event
# types take six of Okabe & Ito's colour-blind-safe colours (wine and near-black for the two
# that would otherwise need a seventh); advisory levels run light blue → yellow → orange → dark
# brown and are drawn hatched with a solid outline, so a zone never reads as an incident marker;
# the district counts are indigo. tests/web/test_palette.py checks that every pair stays
# distinct (CIEDE2000) for normal vision and simulated protan, deutan and tritan vision, and that
# each marker's symbol has WCAG AA contrast on its colour.
#
# Colour per normalised severity (AdvisoryZone.Severity); reference areas (no severity) are
# drawn as a dashed grey outline. The legend and popups name the issuer and its own wording.
ADVISORY_COLOURS = {
    AdvisoryZone.Severity.NO_SPECIAL_ADVICE: "#88ccee",
    AdvisoryZone.Severity.EXTRA_CARE: "#f7f07a",
    AdvisoryZone.Severity.ESSENTIAL_ONLY: "#ffa500",
    AdvisoryZone.Severity.DO_NOT_GO: "#6b4e16",
}
REFERENCE_AREA_COLOUR = "#777777"

# Marker colour, symbol and symbol colour per ACLED event type.
EVENT_STYLES = {
    "Battles": {"colour": "#d55e00", "symbol": "B", "text": "#000000"},
    "Explosions/Remote violence": {"colour": "#cc79a7", "symbol": "E", "text": "#000000"},
    "Violence against civilians": {"colour": "#882255", "symbol": "V", "text": "#ffffff"},
    "Protests": {"colour": "#0072b2", "symbol": "P", "text": "#ffffff"},
    "Riots": {"colour": "#009e73", "symbol": "R", "text": "#000000"},
    "Strategic developments": {"colour": "#222222", "symbol": "S", "text": "#ffffff"},
}

# The districts choropleth: one hue, more incidents = more opaque (static/js/explorer.js).
DISTRICT_COUNT_COLOUR = "#332288"
DISTRICT_COUNT_OPACITY = (0.15, 0.75)
# The heat map's gradient (leaflet.heat): magma's upper half, lighter = fewer, darker = more;
# one lightness ramp reads the same with any colour vision.
HEAT_GRADIENT = {"0.4": "#fcfdbf", "0.6": "#fc8961", "0.8": "#b73779", "1.0": "#51127c"}

# Drawn around precision-2 points when the incident states no uncertainty of its own.
DEFAULT_UNCERTAINTY_KM = 10

OVERLAYS = [  # key, name in the layer control, shown at start
    ("incidents", gettext_lazy("Incidents"), True),
    ("uncertainty", gettext_lazy("Location uncertainty (precision 2)"), True),
    ("heat", gettext_lazy("Heat map"), False),
    ("districts", gettext_lazy("Incidents per district"), False),
]


def latlng(lon: float, lat: float) -> list[float]:
    """(lon, lat) → Leaflet's [lat, lng]."""
    return [lat, lon]


def base_map(*, centre=VRAEM_CENTRE, zoom: int = 7, incidents=False, explorer=False) -> folium.Map:
    m = local_assets(
        folium.Map(location=latlng(*centre), zoom_start=zoom, tiles=None, control_scale=False),  # ScaleLabels instead
        incidents=incidents,
        explorer=explorer,
    )
    if settings.MAP_TILES_URL:
        folium.TileLayer(
            settings.MAP_TILES_URL, attr=settings.MAP_TILES_ATTRIBUTION, name=_("Basemap"), max_zoom=18
        ).add_to(m)
    DataAttribution(str(settings.DATA_ATTRIBUTION)).add_to(m)
    ScaleLabels().add_to(m)
    return m


def add_departments(m: folium.Map, departments: dict) -> None:
    for feature in departments["features"]:
        feature["properties"]["label"] = escape(feature["properties"]["name"])
    folium.GeoJson(
        departments,
        name=_("Departments"),
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
    """The zone's own texts as written, marked with their language (#14 part 5) when it is not
    the page's; dates in the page's language."""
    valid = _("Valid from %(start)s") % {"start": date_format(date.fromisoformat(props["valid_from"]))}
    if props.get("valid_until"):
        valid += " " + _("until %(end)s") % {"end": date_format(date.fromisoformat(props["valid_until"]))}
    language = props.get("language") or ""
    foreign = bool(language) and language != get_language()
    lang = f' lang="{escape(language)}"' if foreign else ""
    summary_lang = ' lang="en"' if get_language() != "en" else ""  # the summaries are ours, in English
    written_in = _("in %(language)s") % {"language": language_name(language)}
    label = f' <small class="text-language">({escape(written_in)})</small>' if foreign else ""
    exceptions_label = _("Exceptions:")
    exceptions = (
        f"<p>{escape(exceptions_label)} <span{lang}>{escape(props['exceptions'])}</span></p>"
        if props.get("exceptions") else ""
    )
    return (
        f'<div class="zone-popup"><h3>{escape(props["name"])}</h3>'
        f"<p><strong{lang}>{escape(props['wording'])}</strong>{label}</p>"
        f"<p>{escape(valid)}</p>"
        f"<p{lang if props['definition'] else summary_lang}>{escape(props['definition'] or props['summary'])}</p>"
        f"{exceptions}</div>"
    )


def event_type_labels(field: str = "event_type") -> dict[str, str]:
    """ACLED's English codes (stored and API values) → their labels in the active language."""
    return {value: str(label) for value, label in Incident._meta.get_field(field).flatchoices}


def language_name(code: str) -> str:
    """"inglés", "english": a language's name in the page's language, for "(en inglés)"."""
    try:
        name = str(get_language_info(code)["name_translated"])
        return name.lower() if (get_language() or "").startswith("es") else name  # "inglés", "English"
    except KeyError:
        return code


def zone_colour(props: dict) -> str:
    return ADVISORY_COLOURS.get(props.get("severity"), REFERENCE_AREA_COLOUR)


def hatch_id(colour: str) -> str:
    """The id of the SVG hatch pattern in this colour (HatchPatterns in map_elements.py)."""
    return "zone-hatch-" + colour.lstrip("#").lower()


def hatch_css(colour: str) -> str:
    """The same hatch as a CSS background, for the legend's swatch."""
    return (f"repeating-linear-gradient(45deg, {colour} 0 3px, transparent 3px 7px), "
            f"{colour}20")


def add_advisory_zones(m: folium.Map, zones: dict) -> None:
    """Advice in one layer (hatched and outlined in the colour of its severity, so that no zone
    reads as an event type's colour); reference areas (not advice) in another, as a dashed
    outline. The hatches are SVG patterns (HatchPatterns) that the paths fill with."""
    HatchPatterns(sorted(set(ADVISORY_COLOURS.values()))).add_to(m)
    groups = {
        "advice": folium.FeatureGroup(name=_("Travel advisory zones")).add_to(m),
        "reference": folium.FeatureGroup(name=_("Reference areas (not advice)")).add_to(m),
    }
    for feature in zones["features"]:
        props = feature["properties"]
        colour = zone_colour(props)
        reference = props["kind"] == "reference"
        layer = folium.GeoJson(
            feature,
            style_function=lambda f, colour=colour, reference=reference: {
                "color": colour, "weight": 2 if reference else 3, "opacity": 0.9,
                "fillColor": colour if reference else f"url(#{hatch_id(colour)})",
                "fillOpacity": 0 if reference else 1, "dashArray": "6 4" if reference else None,
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
            not_advice = _("reference area, not advice")
            label = f"{props['name']} — {props['issuer']} ({not_advice})"
        colour = zone_colour(props)
        swatch = f"#fff; border: 2px dashed {colour}" if props["kind"] == "reference" else hatch_css(colour)
        rows.setdefault(label, (swatch, "", label))
    return list(rows.values())


def layer_legend_rows() -> list[tuple[str, str, str]]:
    """The heat map and the district counts: what their colours mean (both start hidden; the
    layer control switches them on)."""
    heat = ", ".join(f"{colour} {float(stop) * 100:.0f}%" for stop, colour in HEAT_GRADIENT.items())
    low, high = DISTRICT_COUNT_OPACITY
    counts = f"linear-gradient(90deg, {DISTRICT_COUNT_COLOUR}{round(low * 255):02x}, {DISTRICT_COUNT_COLOUR}{round(high * 255):02x})"
    return [
        (f"linear-gradient(90deg, transparent 0%, {heat}); min-width: 48px", "",
         _("Heat map: incidents in view, few → many")),
        (f"{counts}; min-width: 48px", "", _("Incidents per district: few → many (with the filters)")),
    ]


def legend(*, zones: dict, event_types: bool = True) -> Legend:
    """The map's legend: folded on every screen until asked for (Legend)."""
    sections = [
        (_("Travel advisories"), advisory_legend_rows(zones) or [("#ffffff", "", _("None in force"))]),
        (_("Departments"), [("#90a4ae", "", _("VRAEM department (Ayacucho, Cusco, Huancavelica, Junín)"))]),
    ]
    if event_types:
        labels = event_type_labels()
        sections.insert(0, (_("Event types"), [(s["colour"], s["symbol"], labels.get(t, t), s["text"]) for t, s in EVENT_STYLES.items()]))
        sections.insert(1, (_("Location precision"), [  # the words of web/precision.py
            ("#555555", symbol, precision_legend_label(value, km=DEFAULT_UNCERTAINTY_KM))
            for value, symbol in ((1, "B"), (2, "◯"), (3, "▭"))
        ]))
        sections.insert(2, (_("Map layers"), layer_legend_rows()))
    return Legend(sections)


def explorer_config(*, api: dict, incident_url: str, tiles: dict | None = None) -> dict:
    return {
        "api": api,
        "tiles": tiles or {},
        # Above this many incidents in view the explorer draws vector tiles instead of GeoJSON.
        "tileThreshold": settings.EXPLORER_TILE_THRESHOLD,
        "incidentUrl": incident_url,
        "eventStyles": EVENT_STYLES,
        "districtCountColour": DISTRICT_COUNT_COLOUR,
        "districtCountOpacity": DISTRICT_COUNT_OPACITY,
        "heatGradient": HEAT_GRADIENT,
        # Labels in the page's language (the map parts are cached per language, map_cache.py);
        # the API's values (ACLED codes, precision numbers) are looked up in them.
        # One wording of precision (web/precision.py) in the list, the popups and the legend.
        "geoPrecision": precision_words(),
        "geoPrecisionShort": precision_words(),
        "datePrecision": {value: str(label) for value, label in Incident.DatePrecision.choices},
        "eventTypeLabels": event_type_labels(),
        "subEventTypeLabels": event_type_labels("sub_event_type"),
        "language": get_language(),
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
        key: folium.FeatureGroup(name=str(name), show=show).add_to(m) for key, name, show in OVERLAYS
    }
    folium.LayerControl(collapsed=True).add_to(m)
    legend(zones=advisory_zones).add_to(m)
    StartWithLayers("VraemExplorer.start", groups, config).add_to(m)
    return m


def _incident_groups(m: folium.Map) -> dict:
    groups = {
        "incidents": folium.FeatureGroup(name=_("Incidents")).add_to(m),
        "uncertainty": folium.FeatureGroup(name=_("Location uncertainty (precision 2)")).add_to(m),
    }
    folium.LayerControl(collapsed=True).add_to(m)
    return groups


def incident_page_map(*, incident: Incident, advisory_zones: dict, config: dict, incidents_url: str):
    """One incident and its neighbours (from the API), with the advisory zones of that day."""
    m = base_map(centre=(incident.location.x, incident.location.y), zoom=9, incidents=True)
    add_advisory_zones(m, advisory_zones)
    StartWithLayers("VraemIncidents.show", _incident_groups(m), config, incidents_url).add_to(m)
    legend(zones=advisory_zones).add_to(m)
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
    legend(zones=advisory_zones).add_to(m)
    return m


NEARBY_RING_COLOUR = "#0d47a1"


def nearby_map(*, area, outline: dict, rings: dict, incidents: list[dict]) -> folium.Map:
    """The district page's small map of what happened nearby: the area, its 25 and 50 km rings
    (geodesic buffers from PostGIS) and the incidents listed beside it (`incidents`: rows with
    id, title, occurred_on, event_type, distance_km, longitude, latitude). Every name is escaped."""
    widest = rings["features"][0]["geometry"] if rings["features"] else None
    xmin, ymin, xmax, ymax = _extent(widest) if widest else area.geom.extent
    m = base_map(centre=((xmin + xmax) / 2, (ymin + ymax) / 2), zoom=8)
    for feature in rings["features"]:
        km = feature["properties"]["km"]
        folium.GeoJson(
            feature,
            style_function=lambda f: {"color": NEARBY_RING_COLOUR, "weight": 1, "fillOpacity": 0,
                                      "dashArray": "5 5"},
            tooltip=escape(_("%(km)s km from %(name)s") % {"km": km, "name": area.name}),
        ).add_to(m)
    folium.GeoJson(
        outline,
        style_function=lambda f: {"color": NEARBY_RING_COLOUR, "weight": 3, "fillOpacity": 0.05},
        tooltip=escape(area.name),
    ).add_to(m)
    labels = event_type_labels()
    for row in incidents:
        style = EVENT_STYLES.get(row["event_type"], {"colour": "#37474f"})
        when = date_format(row["occurred_on"])
        away = _("%(km).0f km away") % {"km": row["distance_km"]} if row["distance_km"] >= 0.5 else _("in the area")
        popup = (f'<div class="incident-popup"><h3>{escape(row["title"])}</h3>'
                 f'<p>{escape(when)} · {escape(labels.get(row["event_type"], row["event_type"]))} · {escape(away)}</p>'
                 f'<p><a href="{escape(reverse("incident", args=[row["id"]]))}">{escape(_("Details"))}</a></p></div>')
        marker = folium.CircleMarker(latlng(row["longitude"], row["latitude"]), radius=6, color="#fff",
                                     weight=1, fill=True, fill_color=style["colour"], fill_opacity=0.9,
                                     tooltip=escape(row["title"]), class_name="nearby-incident")
        folium.Popup(folium.Html(popup, script=True), max_width=300).add_to(marker)
        marker.add_to(m)
    m.fit_bounds([latlng(xmin, ymin), latlng(xmax, ymax)])
    return m


def _extent(geometry: dict) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of a GeoJSON Polygon or MultiPolygon."""
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [
        ring for polygon in geometry["coordinates"] for ring in polygon]
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def advisories_map(*, departments: dict, advisory_zones: dict) -> folium.Map:
    """Every advisory zone in force, coloured by level, over the departments."""
    m = base_map(zoom=6, centre=(-75.0, -9.2))
    add_departments(m, departments)
    add_advisory_zones(m, advisory_zones)
    folium.LayerControl(collapsed=True).add_to(m)
    legend(zones=advisory_zones, event_types=False).add_to(m)
    return m


ROUTE_COLOUR = "#0d47a1"


def route_map(*, advisory_zones: dict, check=None, stops=(), config: dict) -> folium.Map:
    """The route check's map: the advisory zones in force, and — once a route is checked — the
    route, its places, the districts it passes through and the incidents near it. Drawing a
    line (static/js/route.js) works on the empty map as on a checked one. Every name shown
    comes from the gazetteer or the incidents and is escaped."""
    from django.utils.translation import gettext as _

    m = base_map(zoom=8)
    m.default_js = [*m.default_js, ("route", static("js/route.js"))]
    add_advisory_zones(m, advisory_zones)
    if check is not None:
        districts = folium.FeatureGroup(name=_("Districts passed through")).add_to(m)
        for row in check.districts:
            if row["outline"]:
                folium.GeoJson(
                    json.loads(row["outline"]),
                    style_function=lambda f: {"color": "#455a64", "weight": 1, "fillOpacity": 0,
                                              "dashArray": "3 3"},
                    tooltip=escape(f"{row['area'].name}: {row['km_inside']:.1f} km"),
                ).add_to(districts)
        coordinates = [latlng(x, y) for x, y in check.line.coords]
        folium.PolyLine(coordinates, color=ROUTE_COLOUR, weight=5, opacity=0.9,
                        tooltip=escape(_("Route: %(km).1f km") % {"km": check.length_km})).add_to(m)
        for number, stop in enumerate(stops, 1):
            folium.CircleMarker(latlng(stop.longitude, stop.latitude), radius=7, color="#fff",
                                weight=2, fill=True, fill_color=ROUTE_COLOUR, fill_opacity=1,
                                tooltip=escape(f"{number}. {stop.label}")).add_to(m)
        near = folium.FeatureGroup(name=_("Incidents near the route")).add_to(m)
        for row in check.incidents:
            style = EVENT_STYLES.get(row["event_type"], {"colour": "#37474f"})
            popup = (f'<div class="incident-popup"><h3>{escape(row["title"])}</h3>'
                     f'<p>{escape(row["occurred_on"].isoformat())} · {escape(row["event_type"])}</p>'
                     f'<p>{escape(_("%(km).1f km from the route") % {"km": row["distance_km"]})}</p>'
                     f'<p><a href="{escape(reverse("incident", args=[row["id"]]))}">'
                     f'{escape(_("Details"))}</a></p></div>')
            marker = folium.CircleMarker(latlng(row["longitude"], row["latitude"]), radius=6,
                                         color="#fff", weight=1, fill=True,
                                         fill_color=style["colour"], fill_opacity=0.9,
                                         tooltip=escape(row["title"]))
            folium.Popup(folium.Html(popup, script=True), max_width=300).add_to(marker)
            marker.add_to(near)
        xmin, ymin, xmax, ymax = check.line.extent
        pad = max(0.02, check.km / 111.0)
        m.fit_bounds([latlng(xmin - pad, ymin - pad), latlng(xmax + pad, ymax + pad)])
    folium.LayerControl(collapsed=True).add_to(m)
    legend(zones=advisory_zones).add_to(m)
    StartWithLayers("VraemRoute.start", {}, config).add_to(m)
    return m

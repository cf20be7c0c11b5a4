"""folium elements of our own: escaping, local assets, legend, scale, data attribution."""
import html

import folium
from branca.element import MacroElement
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import Template


def escape(text) -> str:
    """Escape user text for folium HTML.

    folium puts popup and tooltip HTML inside JavaScript template literals (`...`), so besides
    HTML escaping, the characters that are special there (` $ \\) become HTML entities too.
    """
    escaped = html.escape("" if text is None else str(text), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def local_assets(m: folium.Map, *, incidents: bool = False, explorer: bool = False) -> folium.Map:
    """Point the map's scripts and stylesheets at this app's static files instead of CDNs.

    Set on the instance: folium's class attributes (shared by every map) stay untouched.
    jQuery is needed because folium's popups call $(...).
    """
    m.default_js = [
        ("leaflet", static("vendor/leaflet/leaflet.js")),
        ("jquery", static("vendor/jquery/jquery.min.js")),
    ]
    m.default_css = [
        ("leaflet_css", static("vendor/leaflet/leaflet.css")),
        ("map_css", static("css/map.css")),
    ]
    if incidents or explorer:
        m.default_js += [
            ("markercluster", static("vendor/leaflet.markercluster/leaflet.markercluster.js")),
            ("heat", static("vendor/leaflet.heat/leaflet-heat.js")),
            ("incident_layer", static("js/incident-layer.js")),
        ]
        if explorer:
            m.default_js += [
                ("vectorgrid", static("vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js")),
                ("incident_tiles", static("js/incident-tiles.js")),
                ("html_to_image", static("vendor/html-to-image/html-to-image.js")),
                ("explorer", static("js/explorer.js")),
            ]
        m.default_css += [
            ("markercluster_css", static("vendor/leaflet.markercluster/MarkerCluster.css")),
            ("markercluster_default_css", static("vendor/leaflet.markercluster/MarkerCluster.Default.css")),
        ]
    return m


class Legend(MacroElement):
    """A Leaflet control with titled lists of (colour, symbol, label) rows."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var details = L.DomUtil.create("details", "map-legend");
                details.innerHTML = "<summary>" + {{ this.summary|tojson }} + "</summary>" + {{ this.html|tojson }};
                details.open = {{ this.open|tojson }} && window.innerWidth > 900;  // folded on phones
                L.DomEvent.disableClickPropagation(details);
                return details;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]], *, open: bool = True):
        super().__init__()
        self._name = "Legend"
        self.summary = escape(_("Legend"))
        self.open = open
        parts = []
        for title, rows in sections:
            items = "".join(
                f'<li><span class="swatch" style="background:{escape(colour)}">{escape(symbol)}</span>'
                f"{escape(label)}</li>"
                for colour, symbol, label in rows
            )
            parts.append(f"<strong>{escape(title)}</strong><ul>{items}</ul>")
        self.html = "".join(parts)


class DataAttribution(MacroElement):
    """Adds the reference data's attribution to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "DataAttribution"
        self.text = escape(text)


class ScaleLabels(MacroElement):
    """Leaflet's scale bar in the reader's units: metric only in Spanish (Peru measures in km),
    metric and imperial in English."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: {{ this.imperial|tojson }}}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "ScaleLabels"
        self.imperial = get_language() == "en"


class StartWithLayers(MacroElement):
    """Calls one of our scripts' entry points with the map, its (folium) overlay groups by key,
    and JSON arguments: `VraemExplorer.start(map, groups, config)` (static/js/explorer.js) or
    `VraemIncidents.show(map, groups, config, url)` (static/js/incident-layer.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.function }}({{ this._parent.get_name() }}, {
            {%- for key, group in this.groups.items() %}
            {{ key|tojson }}: {{ group.get_name() }},
            {%- endfor %}
        }{% for argument in this.arguments %}, {{ argument|tojson }}{% endfor %});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, groups: dict[str, folium.FeatureGroup], *arguments):
        super().__init__()
        self._name = "StartWithLayers"
        self.function = function
        self.groups = groups
        self.arguments = arguments

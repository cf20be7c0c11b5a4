"""folium elements of our own: escaping, local assets, legend, data attribution."""
import html

import folium
from branca.element import MacroElement
from django.templatetags.static import static
from jinja2 import Template


def escape(text) -> str:
    """Escape user text for folium HTML.

    folium puts popup and tooltip HTML inside JavaScript template literals (`...`), so besides
    HTML escaping, the characters that are special there (` $ \\) become HTML entities too.
    """
    escaped = html.escape("" if text is None else str(text), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def local_assets(m: folium.Map) -> folium.Map:
    """Point the map's scripts and stylesheets at this app's static files instead of CDNs.

    Set on the instance: folium's class attributes (shared by every map) stay untouched.
    jQuery is needed because folium's popups call $(...).
    """
    m.default_js = [
        ("leaflet", static("vendor/leaflet/leaflet.js")),
        ("jquery", static("vendor/jquery/jquery.min.js")),
        ("incident_layer", static("js/incident-layer.js")),
    ]
    m.default_css = [
        ("leaflet_css", static("vendor/leaflet/leaflet.css")),
        ("map_css", static("css/map.css")),
    ]
    return m


class Legend(MacroElement):
    """A Leaflet control listing advisory levels and the incident marker."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, *, levels: list[tuple[str, str]]):
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<li><span class="swatch" style="background:{escape(colour)}"></span>{escape(label)}</li>'
            for colour, label in levels
        )
        self.html = (
            "<strong>Travel advisories</strong><ul>" + rows + "</ul>"
            '<strong>Incidents</strong><ul><li><span class="pin"></span>Published incident</li>'
            '<li><span class="swatch outline"></span>VRAEM department</li></ul>'
        )


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


class IncidentsFromApi(MacroElement):
    """Fills a (folium) layer with the incidents the API returns, page after page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        loadIncidents({{ this._parent.get_name() }}, {{ this.group.get_name() }},
                      {{ this.url|tojson }}, {{ this.labels|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, group: folium.FeatureGroup, url: str, labels: dict):
        super().__init__()
        self._name = "IncidentsFromApi"
        self.group = group
        self.url = url
        self.labels = labels

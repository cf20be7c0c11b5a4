"""folium elements of our own: escaping, local assets, legend, hatch patterns, scale, data attribution."""
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
    """A Leaflet control with titled lists of (background, symbol, label[, symbol colour]) rows.

    Folded on every screen size until the reader opens it (#19 part 2). It sits at the top right,
    under the layer control, so it opens downwards, and never reaches past the map's bottom
    edge or the attribution there (it scrolls inside instead). It is never over a popup: a popup that opens folds the
    legend, and opening the legend closes the popup. Escape folds it and returns focus to its
    summary. A row's background is CSS for the swatch (a colour, a gradient; ours, never user
    text, and escaped all the same).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: "topright"});
            legend.onAdd = function () {
                var details = L.DomUtil.create("details", "map-legend");
                details.innerHTML = "<summary>" + {{ this.summary|tojson }} + "</summary>" +
                    "<div class=\\"map-legend-body\\">" + {{ this.html|tojson }} + "</div>";
                function fit() {
                    if (!details.open) return;
                    // Down to the map's bottom edge, or to the attribution and scale there.
                    var bottom = map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
                    var edge = bottom && bottom.offsetHeight ? bottom.getBoundingClientRect().top
                        : map.getContainer().getBoundingClientRect().bottom;
                    var room = edge - details.getBoundingClientRect().top - 8;
                    details.style.maxHeight = Math.max(80, room) + "px";
                }
                details.addEventListener("toggle", function () {
                    if (details.open) { map.closePopup(); fit(); }
                });
                details.addEventListener("keydown", function (event) {
                    if (event.key === "Escape" && details.open) {
                        details.open = false;
                        details.querySelector("summary").focus();
                    }
                });
                map.on("popupopen", function () { details.open = false; });
                map.on("resize", fit);
                L.DomEvent.disableClickPropagation(details);
                L.DomEvent.disableScrollPropagation(details);
                return details;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, sections: list[tuple[str, list[tuple[str, ...]]]]):
        super().__init__()
        self._name = "Legend"
        self.summary = escape(_("Legend"))
        parts = []
        for title, rows in sections:
            items = "".join(
                f'<li><span class="swatch" style="background:{escape(row[0])};'
                f'color:{escape(row[3] if len(row) > 3 else "#ffffff")}">{escape(row[1])}</span>'
                f"{escape(row[2])}</li>"
                for row in rows
            )
            parts.append(f"<strong>{escape(title)}</strong><ul>{items}</ul>")
        self.html = "".join(parts)


class HatchPatterns(MacroElement):
    """SVG hatch patterns, one per colour, for the advisory zones: a path filled with
    `url(#zone-hatch-RRGGBB)` (web.maps.hatch_id) is striped in that colour. The patterns live
    in a zero-size SVG inside the map's container, so the map's PNG (html-to-image) keeps them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var container = {{ this._parent.get_name() }}.getContainer();
            if (container.querySelector("svg.map-patterns")) return;
            var ns = "http://www.w3.org/2000/svg";
            var svg = document.createElementNS(ns, "svg");
            svg.setAttribute("class", "map-patterns");
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("width", "0");
            svg.setAttribute("height", "0");
            var defs = document.createElementNS(ns, "defs");
            {{ this.colours|tojson }}.forEach(function (colour) {
                var pattern = document.createElementNS(ns, "pattern");
                pattern.setAttribute("id", "zone-hatch-" + colour.slice(1).toLowerCase());
                pattern.setAttribute("patternUnits", "userSpaceOnUse");
                pattern.setAttribute("width", "10");
                pattern.setAttribute("height", "10");
                pattern.setAttribute("patternTransform", "rotate(45)");
                var wash = document.createElementNS(ns, "rect");
                wash.setAttribute("width", "10");
                wash.setAttribute("height", "10");
                wash.setAttribute("fill", colour);
                wash.setAttribute("fill-opacity", "0.12");
                var stripe = document.createElementNS(ns, "rect");
                stripe.setAttribute("width", "3");
                stripe.setAttribute("height", "10");
                stripe.setAttribute("fill", colour);
                stripe.setAttribute("fill-opacity", "0.55");
                pattern.appendChild(wash);
                pattern.appendChild(stripe);
                defs.appendChild(pattern);
            });
            svg.appendChild(defs);
            container.appendChild(svg);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, colours: list[str]):
        super().__init__()
        self._name = "HatchPatterns"
        self.colours = list(colours)


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

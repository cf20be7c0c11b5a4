"""#19 part 2: the map's palette is safe for colour-blind readers, advisory zones are hatched and
never share a colour with an event type, and the legend explains the heat map and the district
counts. Colour science by coloraide: WCAG 2.1 contrast, CIEDE2000 differences, and the Brettel /
Viénot simulations of protan, deutan and tritan vision."""
from itertools import combinations

import folium
from coloraide import Color
from django.utils import translation

from regions.models import AdvisoryZone
from web.maps import (
    ADVISORY_COLOURS,
    DISTRICT_COUNT_COLOUR,
    EVENT_STYLES,
    HEAT_GRADIENT,
    REFERENCE_AREA_COLOUR,
    add_advisory_zones,
    hatch_id,
    legend,
)

VISIONS = (None, "protan", "deutan", "tritan")  # normal vision and the three dichromacies
EVENT_COLOURS = {event_type: style["colour"] for event_type, style in EVENT_STYLES.items()}
AREA_COLOURS = {
    **{f"advisory {severity.value}": colour for severity, colour in ADVISORY_COLOURS.items()},
    "reference area": REFERENCE_AREA_COLOUR,
    "district counts": DISTRICT_COUNT_COLOUR,
}


def difference(a: str, b: str) -> float:
    """The smallest CIEDE2000 difference between two colours over the four kinds of vision."""
    def seen(colour, vision):
        return Color(colour) if vision is None else Color(colour).filter(vision)
    return round(min(seen(a, v).delta_e(seen(b, v), method="2000") for v in VISIONS), 1)


def test_each_marker_symbol_has_aa_contrast_on_its_colour():
    contrast = {t: round(Color(s["text"]).contrast(s["colour"], method="wcag21"), 2) for t, s in EVENT_STYLES.items()}
    assert contrast == {"Battles": 5.43, "Explosions/Remote violence": 6.86, "Violence against civilians": 8.72,
                        "Protests": 5.19, "Riots": 6.14, "Strategic developments": 15.91}
    assert min(contrast.values()) >= 4.5  # WCAG 2.1 AA for normal text


def test_event_types_stay_distinct_for_every_colour_vision():
    pairs = {(x, y): difference(a, b) for (x, a), (y, b) in combinations(EVENT_COLOURS.items(), 2)}
    assert min(pairs.values()) == 10.9  # Battles (vermilion) vs Explosions (reddish purple)
    assert min(pairs, key=pairs.get) == ("Battles", "Explosions/Remote violence")
    # The old Level-4 red and Battles red were 1-2 apart; 10 is a clearly different colour.
    assert all(d >= 10 for d in pairs.values()), pairs


def test_advisory_zones_and_district_counts_never_take_an_event_colour():
    pairs = {(x, y): difference(a, b) for x, a in AREA_COLOURS.items() for y, b in EVENT_COLOURS.items()}
    assert min(pairs.values()) == 10.3
    assert all(d >= 10 for d in pairs.values()), pairs
    among = {(x, y): difference(a, b) for (x, a), (y, b) in combinations(AREA_COLOURS.items(), 2)}
    assert min(among.values()) == 12.4  # advisory 2 (yellow) vs 3 (orange)
    assert all(d >= 10 for d in among.values()), among


def test_heat_gradient_grows_darker_so_it_reads_without_hue():
    lightness = [Color(colour).convert("lab")["lightness"] for _, colour in sorted(HEAT_GRADIENT.items())]
    assert lightness == sorted(lightness, reverse=True)
    assert [round(v) for v in lightness] == [98, 70, 45, 22]


ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[-74, -12], [-73, -12], [-73, -11], [-74, -12]]]},
     "properties": {"kind": "advice", "severity": AdvisoryZone.Severity.DO_NOT_GO.value, "name": "VRAEM",
                    "wording": "Level 4: Do Not Travel", "issuer": "U.S. Department of State", "language": "en",
                    "valid_from": "2024-01-01", "valid_until": None, "definition": "", "summary": "s",
                    "exceptions": ""}},
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[-75, -12], [-74, -12], [-74, -11], [-75, -12]]]},
     "properties": {"kind": "reference", "severity": None, "name": "CORAH", "wording": "reference",
                    "issuer": "DEVIDA", "language": "es", "valid_from": "2024-01-01", "valid_until": None,
                    "definition": "", "summary": "s", "exceptions": ""}},
]}


def test_advisory_zones_are_hatched_and_outlined_in_their_level_colour():
    m = folium.Map(tiles=None)
    with translation.override("en"):
        add_advisory_zones(m, ZONES)
    html = m.get_root().render()
    level4 = ADVISORY_COLOURS[AdvisoryZone.Severity.DO_NOT_GO]
    assert hatch_id(level4) == "zone-hatch-6b4e16"
    assert '"fillColor": "url(#zone-hatch-6b4e16)"' in html and '"weight": 3' in html
    assert '["#6b4e16", "#88ccee", "#f7f07a", "#ffa500"].forEach' in html  # one pattern per level
    assert '"dashArray": "6 4"' in html and '"fillOpacity": 0' in html  # the reference area: outline only


def test_legend_is_folded_top_right_with_heat_map_and_district_entries():
    with translation.override("en"):
        element = legend(zones=ZONES)
        m = folium.Map(tiles=None)
        element.add_to(m)
        html = m.get_root().render()
    assert 'L.control({position: "topright"})' in html
    assert "details.open =" not in html.replace("details.open = false", "")  # never opened by the page
    assert 'map.on("popupopen", function () { details.open = false; });' in html
    assert "Heat map: incidents in view, few \\u2192 many" in html
    assert "Incidents per district: few \\u2192 many (with the filters)" in html
    assert "linear-gradient(90deg, #33228826, #332288bf)" in html  # 0.15 → 0.75 opacity
    assert "repeating-linear-gradient(45deg, #6b4e16 0 3px" in html  # the level-4 row is hatched
    assert 'background:#d55e00;color:#000000\\"\\u003eB\\u003c' in html  # the Battles symbol in black


def test_legend_in_spanish():
    with translation.override("es"):
        m = folium.Map(tiles=None)
        legend(zones=ZONES).add_to(m)
        html = m.get_root().render()
    assert "Mapa de calor: incidentes a la vista, pocos \\u2192 muchos" in html
    assert "Incidentes por distrito: pocos \\u2192 muchos (con los filtros)" in html
    assert "Capas del mapa" in html

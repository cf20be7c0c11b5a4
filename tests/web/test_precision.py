"""#19 part 6: one wording of location precision in the list, the popups, the legend and the
incident page; folium's viewport tag that blocked pinch zoom is gone (#19 part 3)."""
import pytest
from django.utils import translation

from web import maps
from web.map_cache import render_parts
from web.map_elements import escape
from web.precision import precision_legend_label, precision_words


def config():
    return maps.explorer_config(api={}, incident_url="/incidents/")


@pytest.mark.parametrize("language, words", [
    ("en", {1: "exact place", 2: "near a place", 3: "area only"}),
    ("es", {1: "lugar exacto", 2: "cerca de un lugar", 3: "solo el área"}),
])
def test_list_popup_and_legend_share_the_words(language, words):
    with translation.override(language):
        assert precision_words() == words
        cfg = config()
        assert cfg["geoPrecision"] == cfg["geoPrecisionShort"] == words
        html = maps.legend(zones={"features": []}).html
        for value, word in words.items():
            label = precision_legend_label(value, km=maps.DEFAULT_UNCERTAINTY_KM)
            assert label.startswith(word + ": ")
            assert escape(label) in html


def test_legend_label_says_what_is_drawn():
    with translation.override("en"):
        assert precision_legend_label(3, km=5) == "area only: the area's dashed outline, no pin"
        assert precision_legend_label(2, km=5) == (
            "near a place: a pin with a dashed ring and a circle of ~5 km unless stated")


def test_map_header_has_no_viewport_that_blocks_pinch_zoom():
    header = render_parts(maps.base_map())["map_header"]
    assert "user-scalable" not in header and 'name="viewport"' not in header

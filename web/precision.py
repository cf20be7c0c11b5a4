"""One wording of location precision for every public page (#19 part 6): the explorer's list,
its popups, the legend and the incident page say the same words for the same precision."""
from django.utils.translation import gettext_lazy as _

# The word for each precision (Incident.GeoPrecision's values) and what the map draws for it.
PRECISION_WORDS = {1: _("exact place"), 2: _("near a place"), 3: _("area only")}
PRECISION_DRAWN = {
    1: _("a pin"),
    2: _("a pin with a dashed ring and a circle of ~%(km)s km unless stated"),
    3: _("the area's dashed outline, no pin"),
}


def precision_words() -> dict[int, str]:
    """{1: "exact place", …} in the current language (for the browser's configuration)."""
    return {value: str(word) for value, word in PRECISION_WORDS.items()}


def precision_legend_label(value: int, *, km) -> str:
    """"near a place: a pin with a dashed ring and a circle of ~5 km unless stated"."""
    return f"{PRECISION_WORDS[value]}: {PRECISION_DRAWN[value] % {'km': km}}"

"""Query parameters of the region and advisory endpoints."""
from django.utils.translation import gettext as _
import math
from datetime import date

from rest_framework import serializers

from core.params import LonLatField

from ..models import AdminArea


def tolerance_for_zoom(zoom: int) -> float:
    """Half a screen pixel at this web-map zoom, in degrees: finer detail is invisible."""
    return 360.0 / (256 * 2**zoom) / 2


# Above this zoom the stored outlines are drawn unsimplified: half a pixel at zoom 12 (~19 m)
# already keeps 95% of the districts' vertices (191,357 of 200,551; 98% at zoom 13).
FULL_DETAIL_ZOOM = 12


def snapped_tolerance(*, simplify: float | None = None, zoom: int | None = None) -> float:
    """The tolerance actually used: the half-pixel tolerance of the zoom level nearest to
    `simplify` (nearest on a log scale), or of `zoom`; 0 (the stored outlines) for 0 and above
    FULL_DETAIL_ZOOM. Threat line: a free tolerance made every value a new, uncacheable
    full-country simplification (0.5 s, 4.6 MB each, issue #12 second review, finding 8); with
    at most FULL_DETAIL_ZOOM + 2 tolerances every answer is cached."""
    if zoom is None:
        if not simplify:
            return 0
        ratio = tolerance_for_zoom(0) / simplify
        if not math.isfinite(ratio):  # a subnormal simplify (5e-324): far below full detail
            return 0
        zoom = max(0, round(math.log2(ratio)))
    return 0 if zoom > FULL_DETAIL_ZOOM else tolerance_for_zoom(zoom)


class SimplifyParams(serializers.Serializer):
    simplify = serializers.FloatField(
        required=False, min_value=0, max_value=1,
        help_text="Simplification tolerance in degrees (topology preserved), e.g. 0.01; rounded "
        "to the nearest zoom level's tolerance (half a pixel: 0.703 at zoom 0, halving per "
        f"level); below zoom {FULL_DETAIL_ZOOM}'s (~0.00017) the outlines come unsimplified.",
    )
    zoom = serializers.IntegerField(
        required=False, min_value=0, max_value=22,
        help_text="Web-map zoom the geometry is drawn at; sets the tolerance to half a pixel "
        f"(above {FULL_DETAIL_ZOOM}: unsimplified).",
    )

    def validate(self, attrs):
        if "simplify" in attrs and "zoom" in attrs:
            raise serializers.ValidationError({"zoom": _("Give simplify or zoom, not both.")})
        attrs["tolerance"] = snapped_tolerance(simplify=attrs.get("simplify"), zoom=attrs.get("zoom"))
        return attrs


# Outlines of the regions endpoints are simplified unless `detail=full`: half a pixel at the zoom
# a whole level is usually looked at. Full districts are 4.7 MB of GeoJSON; this default is
# 1.1 MB (docs/operations.md). Anyone may still ask for full detail: it is cached like every
# other tolerance (regions/api/views.py), and the anonymous rate bounds how often.
DEFAULT_ZOOM = {
    AdminArea.Level.DEPARTMENT: 6,
    AdminArea.Level.PROVINCE: 7,
    AdminArea.Level.DISTRICT: 7,
}


def default_tolerances() -> dict[str, float]:
    return {level: tolerance_for_zoom(zoom) for level, zoom in DEFAULT_ZOOM.items()}


class AreaSimplifyParams(SimplifyParams):
    """`tolerance` None: each area simplified for its level (DEFAULT_ZOOM); 0: full detail."""

    detail = serializers.ChoiceField(
        choices=["simplified", "full"], required=False, default="simplified",
        help_text="simplified (default): outlines simplified to half a pixel at zoom "
        f"{DEFAULT_ZOOM[AdminArea.Level.DEPARTMENT]} (departments) or "
        f"{DEFAULT_ZOOM[AdminArea.Level.DISTRICT]} (provinces, districts), unless simplify or "
        "zoom says otherwise; full: the stored outlines, unsimplified.",
    )

    def validate(self, attrs):
        explicit = "simplify" in attrs or "zoom" in attrs
        if attrs["detail"] == "full" and explicit:
            raise serializers.ValidationError({"detail": _("detail=full takes no simplify or zoom.")})
        attrs = super().validate(attrs)
        if not explicit:
            attrs["tolerance"] = 0 if attrs["detail"] == "full" else None
        return attrs


class RegionListParams(AreaSimplifyParams):
    level = serializers.ChoiceField(choices=AdminArea.Level.values, required=False)
    parent = serializers.RegexField(
        r"^(\d{2}|\d{4})$", required=False, help_text="Ubigeo of the parent department or province.",
        error_messages={"invalid": "Expected the ubigeo of a department (2 digits) or province (4)."},
    )

    ubigeo = serializers.RegexField(
        r"^(\d{2}|\d{4}|\d{6})(,(\d{2}|\d{4}|\d{6}))*$", required=False,
        help_text="Comma-separated ubigeos (at most 500): only these areas.",
        error_messages={"invalid": "Expected comma-separated ubigeos of 2, 4 or 6 digits."},
    )
    geometry = serializers.BooleanField(
        required=False, default=True, help_text="false: properties only (geometry null), for lists."
    )

    def validate_ubigeo(self, value):
        ubigeos = value.split(",")
        if len(ubigeos) > 500:
            raise serializers.ValidationError(_("At most 500 ubigeos, got %(count)s.") % {"count": len(ubigeos)})
        return ubigeos

    def validate_parent(self, ubigeo):
        if not AdminArea.objects.filter(ubigeo=ubigeo).exists():
            raise serializers.ValidationError(_("Unknown ubigeo %(ubigeo)r.") % {"ubigeo": ubigeo})
        return ubigeo


class RegionDetailParams(AreaSimplifyParams):
    date_from = serializers.DateField(required=False, help_text="YYYY-MM-DD: counts from this day.")
    date_to = serializers.DateField(required=False, help_text="YYYY-MM-DD: counts up to this day.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "date_from" in attrs and "date_to" in attrs and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": _("date_to must not be before date_from.")})
        return attrs


class AdvisoryParams(SimplifyParams):
    at = LonLatField(required=False, help_text="lon,lat: only zones containing this point.")
    on = serializers.DateField(required=False, help_text="YYYY-MM-DD: zones in force that day (default today).")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs.setdefault("on", date.today())
        return attrs

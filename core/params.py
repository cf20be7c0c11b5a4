"""Query-parameter fields and validation shared by every app's API endpoints.

A bad parameter is a 400 whose body names it and the accepted form (DRF's ValidationError,
raised by `validated`), never a 500. Coordinates are WGS 84 longitude, latitude throughout.
"""
from django.contrib.gis.geos import Point, Polygon
from django.utils.translation import gettext as _
from rest_framework import serializers


def _floats(value: str, count: int, form: str) -> list[float]:
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        raise serializers.ValidationError(_("Expected %(form)s, got %(value)r.") % {"form": form, "value": value})
    return numbers


def _check_lon_lat(lon: float, lat: float, form: str) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise serializers.ValidationError(
            _("Expected %(form)s with longitude in [-180, 180] and latitude in [-90, 90].") % {"form": form}
        )


class BBoxField(serializers.CharField):
    """`minlon,minlat,maxlon,maxlat` (WGS 84) → Polygon."""

    FORM = "bbox=minlon,minlat,maxlon,maxlat"

    def to_internal_value(self, data):
        minlon, minlat, maxlon, maxlat = _floats(super().to_internal_value(data), 4, self.FORM)
        _check_lon_lat(minlon, minlat, self.FORM)
        _check_lon_lat(maxlon, maxlat, self.FORM)
        if minlon >= maxlon or minlat >= maxlat:
            raise serializers.ValidationError(
                _("Expected %(form)s with minlon < maxlon and minlat < maxlat.") % {"form": self.FORM}
            )
        return Polygon.from_bbox((minlon, minlat, maxlon, maxlat))


class LonLatField(serializers.CharField):
    """`lon,lat` (WGS 84) → Point."""

    FORM = "lon,lat"

    def to_internal_value(self, data):
        lon, lat = _floats(super().to_internal_value(data), 2, self.FORM)
        _check_lon_lat(lon, lat, self.FORM)
        return Point(lon, lat, srid=4326)


def validated(params_class, query_params) -> dict:
    """Validate query parameters; unknown ones are ignored (e.g. `format`)."""
    params = params_class(data=query_params.dict())
    params.is_valid(raise_exception=True)
    return params.validated_data

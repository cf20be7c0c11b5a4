"""Query-parameter fields and validation shared by every app's API endpoints.

A bad parameter is a 400 whose body names it and the accepted form (DRF's ValidationError,
raised by `validated`), never a 500. Coordinates are WGS 84 longitude, latitude throughout.
"""
from django.conf import settings
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


class ValuesField(serializers.ListField):
    """A parameter that may be repeated (`event_type=Battles&event_type=Riots`): a list of the
    distinct values, in their order; a filter matches any of them. A single string (from a
    plain dict) is a list of one.

    Threat line: anyone sends these; each value is one more predicate (and, for a tile, one
    more cache key), so at most FILTER_MAX_VALUES values are taken, counted before any value
    is checked. An error names the value: `"War" is not a valid choice.`"""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", settings.FILTER_MAX_VALUES)
        super().__init__(allow_empty=False, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        if isinstance(data, (list, tuple)) and len(data) > self.max_length:
            raise serializers.ValidationError(
                f"At most {self.max_length} values (FILTER_MAX_VALUES), got {len(data)}.")
        values = []
        for value in super().to_internal_value(data):
            if value not in values:
                values.append(value)
        return values

    def run_child_validation(self, data):
        """The child's messages as one flat list (the API's 400s are {parameter: [messages]})."""
        result, errors = [], []
        for item in data:
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as error:
                detail = error.detail
                errors.extend(str(message) for message in (detail if isinstance(detail, list) else [detail]))
        if errors:
            raise serializers.ValidationError(errors)
        return result


def validated(params_class, query_params) -> dict:
    """Validate query parameters; unknown ones are ignored (e.g. `format`). A ValuesField
    takes every value of its parameter; any other parameter given twice is a 400 (rather than
    the last one silently winning)."""
    fields = params_class().fields
    data, repeated = {}, {}
    for name in query_params:
        values = query_params.getlist(name)
        if isinstance(fields.get(name), ValuesField):
            data[name] = values
        else:
            data[name] = values[-1]
            if name in fields and len(values) > 1:
                repeated[name] = [f"Expected one value, got {len(values)}: {values!r}."]
    if repeated:
        raise serializers.ValidationError(repeated)
    params = params_class(data=data)
    params.is_valid(raise_exception=True)
    return params.validated_data

"""Input of incident writes (GeoJSON Features). Reads are built in the database (features.py).

Validation of the input only: who may write what is decided by the services, which raise
WorkflowError (a 403) on the row as stored and locked.
"""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..models import Actor, Incident
from ..services.incidents import incident_create, incident_update


DEPRECATED_NAME = "location_uncertainty_km"


@extend_schema_field({"type": "number", "format": "double", "minimum": 0, "nullable": True,
                      "writeOnly": True, "deprecated": True})
class DeprecatedFloatField(serializers.FloatField):
    """A number still accepted under a former name: marked deprecated in the OpenAPI document."""


class IncidentSerializer(GeoFeatureModelSerializer):
    """A GeoJSON Feature: `geometry` is the Point (lon, lat), the rest are `properties`."""

    actors = serializers.SlugRelatedField(
        slug_field="name", queryset=Actor.objects.all(), many=True, required=False
    )
    department = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    province = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    district = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    # One name in reads and writes: `uncertainty_km`, as every read (API, OGC, tiles' popups) has
    # always published it. `location_uncertainty_km` (the model's name, which writes took until
    # issue #17) is still accepted on write, renamed in to_internal_value.
    uncertainty_km = serializers.FloatField(
        source="location_uncertainty_km", required=False, allow_null=True, min_value=0,
        help_text="Radius of the location's uncertainty in km, when the source states one (maps "
        "draw it around precision-2 points; null: a default is drawn). The same name as in reads.",
    )
    location_uncertainty_km = DeprecatedFloatField(
        write_only=True, required=False, allow_null=True, min_value=0,
        help_text="Deprecated: the former name of `uncertainty_km` on write, still accepted "
        "(send one of the two). Reads have only `uncertainty_km`.",
    )
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="Required on update (PUT and PATCH): the version you edited (from a read). "
        "If someone saved the incident since, the update is refused with 409 and what changed.",
    )

    class Meta:
        model = Incident
        geo_field = "location"
        fields = [
            "id", "title", "description", "language", "occurred_on", "date_precision", "event_type",
            "sub_event_type", "fatalities", "injuries", "actors", "location_name",
            "geo_precision", "uncertainty_km", "location_uncertainty_km", "area_level", "department", "province", "district", "status",
            "version", "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def to_internal_value(self, data):
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        if kind != "Feature" and not (self.partial and kind is None):
            raise serializers.ValidationError(
                {"type": [_("Expected one GeoJSON Feature (one incident), got %(kind)r.") % {"kind": kind}]}
            )
        properties = data.get("properties") if isinstance(data, dict) else None
        old, new = DEPRECATED_NAME, "uncertainty_km"
        if isinstance(properties, dict) and old in properties:
            if new in properties and properties[new] != properties[old]:
                raise serializers.ValidationError({old: [
                    _("Deprecated name of %(new)s: send one of the two, or the same value in both.") % {"new": new}]})
            properties = dict(properties)
            properties[new] = properties.pop(old)
            data = {**data, "properties": properties}
            try:
                return super().to_internal_value(data)
            except serializers.ValidationError as error:  # named as the client sent it
                detail = error.detail
                if isinstance(detail, dict) and new in detail:
                    detail[old] = detail.pop(new)
                raise
        return super().to_internal_value(data)

    def validate_location(self, value):
        if value.geom_type != "Point":
            raise serializers.ValidationError(_("Expected a GeoJSON Point geometry, got a %(geom_type)s.") % {"geom_type": value.geom_type})
        if value.srid not in (None, 4326):
            raise serializers.ValidationError(
                _("Coordinates must be WGS 84 longitude, latitude (RFC 7946, no 'crs' member); got SRID %(srid)s.") % {"srid": value.srid}
            )
        return value

    def validate(self, attrs):
        # Without it, an edit based on a copy read before someone else's save (a publish, say)
        # would silently overwrite it.
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Required on update: send the version you read (GET the incident), so that a change saved since is not overwritten.")]})
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return incident_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = validated_data.pop("version")
        return incident_update(user=self.context["request"].user, incident=instance,
                               expected_version=expected, **validated_data)

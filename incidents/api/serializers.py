"""Input of incident writes (GeoJSON Features). Reads are built in the database (features.py)."""
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..models import Actor, Incident
from ..services.incidents import incident_create, incident_update


class IncidentSerializer(GeoFeatureModelSerializer):
    """A GeoJSON Feature: `geometry` is the Point (lon, lat), the rest are `properties`."""

    actors = serializers.SlugRelatedField(
        slug_field="name", queryset=Actor.objects.all(), many=True, required=False
    )
    department = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    province = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    district = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)

    class Meta:
        model = Incident
        geo_field = "location"
        fields = [
            "id", "title", "description", "occurred_on", "date_precision", "event_type",
            "sub_event_type", "fatalities", "injuries", "actors", "location_name",
            "geo_precision", "location_uncertainty_km", "area_level", "department", "province", "district", "status",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def to_internal_value(self, data):
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        if kind != "Feature" and not (self.partial and kind is None):
            raise serializers.ValidationError(
                {"type": [f"Expected one GeoJSON Feature (one incident), got {kind!r}."]}
            )
        return super().to_internal_value(data)

    def validate_location(self, value):
        if value.geom_type != "Point":
            raise serializers.ValidationError(f"Expected a GeoJSON Point geometry, got a {value.geom_type}.")
        if value.srid not in (None, 4326):
            raise serializers.ValidationError(
                f"Coordinates must be WGS 84 longitude, latitude (RFC 7946, no 'crs' member); "
                f"got SRID {value.srid}."
            )
        return value

    def create(self, validated_data):
        return incident_create(**validated_data)

    def update(self, instance, validated_data):
        return incident_update(incident=instance, **validated_data)

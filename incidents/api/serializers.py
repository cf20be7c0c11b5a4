"""Input of incident writes (GeoJSON Features). Reads are built in the database (features.py)."""
from django.core.exceptions import PermissionDenied
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..models import Actor, Incident
from ..services.incidents import incident_create, incident_update
from ..services.workflow import REASONS, check_transition, may_edit


class IncidentSerializer(GeoFeatureModelSerializer):
    """A GeoJSON Feature: `geometry` is the Point (lon, lat), the rest are `properties`."""

    actors = serializers.SlugRelatedField(
        slug_field="name", queryset=Actor.objects.all(), many=True, required=False
    )
    department = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    province = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    district = serializers.SlugRelatedField(slug_field="ubigeo", read_only=True)
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="On update: the version you edited (from a read). If someone saved the "
        "incident since, the update is refused with 409 and what changed.",
    )

    class Meta:
        model = Incident
        geo_field = "location"
        fields = [
            "id", "title", "description", "occurred_on", "date_precision", "event_type",
            "sub_event_type", "fatalities", "injuries", "actors", "location_name",
            "geo_precision", "location_uncertainty_km", "area_level", "department", "province", "district", "status",
            "version", "updated_at",
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
        validated_data.pop("version", None)
        check_transition(self.context["request"].user, None,
                         validated_data.get("status", Incident.Status.DRAFT))
        return incident_create(**validated_data)

    def update(self, instance, validated_data):
        user = self.context["request"].user
        if not may_edit(user, instance):
            raise PermissionDenied(
                f"This incident is {instance.get_status_display().lower()}; only reviewers "
                "may change incidents that are in review, published or archived."
            )
        reason = ""
        if validated_data.get("status", instance.status) != instance.status:
            check_transition(user, instance, validated_data["status"])
            reason = REASONS[validated_data["status"]]
        expected = validated_data.pop("version", None)
        return incident_update(incident=instance, expected_version=expected,
                               change_reason=reason, **validated_data)

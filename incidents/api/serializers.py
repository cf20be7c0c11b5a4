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

    def create(self, validated_data):
        return incident_create(**validated_data)

    def update(self, instance, validated_data):
        return incident_update(incident=instance, **validated_data)

"""How an advisory zone looks as a GeoJSON Feature: the one list of its properties, shared by
/api/v1/advisories/ and the OGC API collection (ogcapi/)."""
from django.db.models import F

from .. import geojson


def zone_properties() -> dict:
    return {
        "slug": F("slug"), "name": F("name"), "level": F("level"), "issuer": F("issuer"),
        "summary": F("summary"), "source_url": F("source_url"),
        "valid_from": F("valid_from"), "valid_until": F("valid_until"),
    }


def zone_feature(geometry):
    """`geometry`: a GeoJSON geometry expression (geojson.geometry(...))."""
    return geojson.feature(id=F("slug"), geometry=geometry, properties=zone_properties())

"""How an advisory zone looks as a GeoJSON Feature: the one list of its properties, shared by
/api/v1/advisories/ and the OGC API collection (ogcapi/)."""
from django.db.models import F

from .. import geojson


def zone_properties() -> dict:
    # `severity` (1–4, normalised across issuers, see AdvisoryZone.Severity) replaced `level`;
    # show `issuer` and `issuer_level` (the issuer's own words) to people, never the number alone.
    return {
        "slug": F("slug"), "name": F("name"), "kind": F("kind"), "issuer": F("issuer"),
        "issuer_level": F("issuer_level"), "severity": F("severity"),
        "definition": F("definition"), "exceptions": F("exceptions"),
        "summary": F("summary"), "language": F("language"), "source_url": F("source_url"),
        "valid_from": F("valid_from"), "valid_until": F("valid_until"),
        "last_reviewed": F("last_reviewed"), "construction": F("construction"),
    }


def zone_feature(geometry):
    """`geometry`: a GeoJSON geometry expression (geojson.geometry(...))."""
    return geojson.feature(id=F("slug"), geometry=geometry, properties=zone_properties())

"""OpenAPI (drf-spectacular) schemas of GeoJSON responses (RFC 7946), typed instead of a bare
object: the geometry type and each property's JSON type, read from the database expression
that builds the feature (regions.geojson), so the documentation cannot drift from the data."""
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Value
from drf_spectacular.openapi import AutoSchema

JSON_TYPES = {
    "AutoField": "integer", "BigAutoField": "integer", "BigIntegerField": "integer",
    "IntegerField": "integer", "PositiveIntegerField": "integer", "SmallIntegerField": "integer",
    "PositiveSmallIntegerField": "integer", "FloatField": "number", "DecimalField": "number",
    "BooleanField": "boolean",
}
FORMATS = {"DateField": "date", "DateTimeField": "date-time", "URLField": "uri"}
POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3,
            "description": "longitude, latitude (WGS 84)"}
COORDINATES = {
    "Point": POSITION,
    "MultiPolygon": {"type": "array", "items": {"type": "array", "items": {
        "type": "array", "items": POSITION}}},
}


def _field_schema(model, path: str) -> dict:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    kind = field.get_internal_type()
    schema = {"type": JSON_TYPES.get(kind, "string")}
    if kind in FORMATS:
        schema["format"] = FORMATS[kind]
    if field.null or relations:
        schema["nullable"] = True
    return schema


def properties_schema(model, feature_expression) -> dict:
    """{name: schema} of the `properties` of a regions.geojson.feature() expression."""
    members = feature_expression.get_source_expressions()
    properties = members[members.index(next(m for m in members if isinstance(m, Value)
                                             and m.value == "properties")) + 1]
    parts = properties.get_source_expressions()
    schemas = {}
    for key, expression in zip(parts[0::2], parts[1::2]):
        if isinstance(expression, F):
            schemas[key.value] = _field_schema(model, expression.name)
        elif isinstance(expression, ArraySubquery):
            schemas[key.value] = {"type": "array", "items": {"type": "string"}}
        else:
            schemas[key.value] = {}
    return schemas


def feature_schema(model, feature_expression, geometry_type: str, id_type: str = "string") -> dict:
    return {
        "type": "object", "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": id_type},
            "geometry": {"type": "object", "nullable": True, "properties": {
                "type": {"type": "string", "enum": [geometry_type]},
                "coordinates": COORDINATES[geometry_type],
            }},
            "properties": {"type": "object",
                           "properties": properties_schema(model, feature_expression)},
        },
    }


def feature_collection_schema(feature: dict, **members) -> dict:
    """A FeatureCollection of `feature`s with extra top-level `members` ({name: schema})."""
    return {
        "type": "object", "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            **members,
            "features": {"type": "array", "items": feature},
        },
    }


COUNTS = {"incidents": {"type": "integer"},
          "fatalities": {"type": "integer", "nullable": True, "description": "null: none stated"},
          "injuries": {"type": "integer", "nullable": True, "description": "null: none stated"}}


def counts_schema(**members) -> dict:
    """An object with the incident counts (incidents.selectors.casualty_totals) and `members`."""
    return {"type": "object", "required": [*members, *COUNTS], "properties": {**members, **COUNTS}}


def with_properties(feature: dict, **properties) -> dict:
    """`feature` with more `properties` (added in Python to a database-built feature)."""
    inner = feature["properties"]["properties"]
    return {**feature, "properties": {**feature["properties"], "properties": {
        **inner, "properties": {**inner["properties"], **properties}}}}


class OneDocumentSchema(AutoSchema):
    """For a viewset whose `list` answers one document (a FeatureCollection), not an array of
    its serializer's objects: drf-spectacular would wrap the list's response schema in an array.
    Operation ids are then given explicitly (extend_schema(operation_id=…))."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

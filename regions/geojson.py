"""GeoJSON (RFC 7946) built by PostgreSQL: the database writes the JSON text, Python only
frames it, so a large page never becomes Python objects one feature at a time."""
import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func, JSONField, TextField, Value
from django.db.models.functions import Cast, JSONObject

from core.replicas import read_connection

from .functions import ForcePolygonCCW

COORDINATE_DECIMALS = 6  # ~0.1 m


class JSONBuildObject(JSONObject):
    """json_build_object(): the object as json text, keys in the order given. Features are only
    aggregated and sent, never queried, so json beats Django's jsonb_build_object (no binary
    conversion and re-serialisation): a 5,000-feature page is ~1.4x faster
    (docs/performance.md)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions([
            Cast(expression, TextField()) if index % 2 == 0 else expression
            for index, expression in enumerate(copy.get_source_expressions())
        ])
        return super(JSONObject, copy).as_sql(
            compiler, connection, function="JSON_BUILD_OBJECT", **extra_context
        )


class AsJSON(Func):
    """A JSON text expression typed as json (not jsonb)."""

    template = "(%(expressions)s)::json"
    output_field = JSONField()


def geometry(expression, decimals: int = COORDINATE_DECIMALS):
    """A geometry expression as a GeoJSON geometry object (json). Polygons are wound as RFC 7946
    requires (exterior rings counter-clockwise; strict readers such as some GDAL and QGIS
    versions otherwise warn or draw holes as shells); points pass through unchanged."""
    return AsJSON(AsGeoJSON(ForcePolygonCCW(expression), precision=decimals))


def feature(*, id, geometry, properties: dict):
    return JSONBuildObject(
        type=Value("Feature"), id=id, geometry=geometry, properties=JSONBuildObject(**properties)
    )


def _sql(queryset, feature_expression):
    return queryset.annotate(_feature=feature_expression).values("_feature").query.sql_with_params()


def features_json(queryset, feature_expression) -> str:
    """The queryset's features as one JSON array text, in the queryset's order."""
    sql, params = _sql(queryset, feature_expression)
    with read_connection().cursor() as cursor:
        # The aggregate reads the ordered subquery in order.
        cursor.execute(f"SELECT coalesce(json_agg(f._feature), '[]')::text FROM ({sql}) AS f", params)
        return cursor.fetchone()[0]


def feature_json(queryset, feature_expression) -> str | None:
    """The first feature of the queryset as JSON text, or None."""
    sql, params = _sql(queryset[:1], feature_expression)
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT f._feature::text FROM ({sql}) AS f", params)
        row = cursor.fetchone()
    return row and row[0]


def stream_features(queryset, feature_expression, chunk_rows: int = 2000):
    """Yield the features' JSON texts one by one from a server-side cursor."""
    sql, params = _sql(queryset, feature_expression)
    with read_connection().chunked_cursor() as cursor:
        cursor.execute(f"SELECT f._feature::text FROM ({sql}) AS f", params)
        while rows := cursor.fetchmany(chunk_rows):
            for (text,) in rows:
                yield text


def feature_collection(features_text: str, **members) -> str:
    """Frame a features array text as a FeatureCollection with extra top-level members."""
    head = json.dumps({"type": "FeatureCollection", **members})
    return f'{head[:-1]}, "features": {features_text}}}'

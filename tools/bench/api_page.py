"""(a) A 5,000-feature page of /api/v1/incidents/ for a bounding box: ours (GeoJSON written by
PostgreSQL, through Django's whole request stack) against a plain djangorestframework-gis
serializer over the same rows, and against the raw SQL of the same page (the floor)."""
from django.db import connection
from django.test import Client
from rest_framework.renderers import JSONRenderer

from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident
from . import Row, ms, p50, p95, timed

BBOX = (-74.0, -12.7, -73.7, -12.4)  # around Pichari, in the VRAEM
PAGE = 5000

# The same page and count, written by hand: what the database cannot do faster for us. The same
# properties as incidents.api.features.incident_feature (a floor with fewer would not be one).
RAW_SQL = """
SELECT (SELECT count(*) FROM incidents_incident
         WHERE status = 'published' AND is_synthetic
           AND ST_Intersects(location, ST_MakeEnvelope(%(b0)s, %(b1)s, %(b2)s, %(b3)s, 4326))),
       coalesce(json_agg(f ORDER BY f.occurred_on DESC, f.id DESC), '[]')::text
  FROM (
    SELECT i.id, i.occurred_on, json_build_object(
             'type', 'Feature', 'id', i.id, 'geometry', ST_AsGeoJSON(i.location, 6)::json,
             'properties', json_build_object(
               'id', i.id, 'title', i.title, 'description', i.description,
               'language', i.language, 'occurred_on', i.occurred_on, 'date_precision', i.date_precision,
               'event_type', i.event_type, 'sub_event_type', i.sub_event_type,
               'fatalities', i.fatalities, 'injuries', i.injuries,
               'actors', ARRAY(SELECT a.name FROM incidents_incident_actors ia
                                 JOIN incidents_actor a ON a.id = ia.actor_id
                                WHERE ia.incident_id = i.id ORDER BY a.name),
               'location_name', i.location_name, 'geo_precision', i.geo_precision,
               'uncertainty_km', i.location_uncertainty_km, 'area_level', i.area_level,
               'department', dep.ubigeo, 'department_name', dep.name,
               'province', prov.ubigeo, 'province_name', prov.name,
               'district', dist.ubigeo, 'district_name', dist.name,
               'status', i.status, 'external_source', i.external_source, 'external_id', i.external_id,
               'dataset', i.dataset_id, 'dataset_name', ds.name, 'licence', ds.licence_name,
               'licence_url', ds.licence_url, 'citation', ds.citation,
               'version', i.version, 'updated_at', i.updated_at)) AS feature
      FROM incidents_incident i
      LEFT JOIN regions_adminarea dep ON dep.id = i.department_id
      LEFT JOIN regions_adminarea prov ON prov.id = i.province_id
      LEFT JOIN regions_adminarea dist ON dist.id = i.district_id
      LEFT JOIN incidents_dataset ds ON ds.slug = i.dataset_id
     WHERE i.status = 'published' AND i.is_synthetic
       AND ST_Intersects(i.location, ST_MakeEnvelope(%(b0)s, %(b1)s, %(b2)s, %(b3)s, 4326))
     ORDER BY i.occurred_on DESC, i.id DESC
     LIMIT %(page)s
  ) AS f
"""


def run(repeat: int = 20, plain_repeat: int = 3) -> tuple[list[Row], dict]:
    client = Client(HTTP_HOST="localhost")
    bbox = ",".join(str(v) for v in BBOX)
    url = f"/api/v1/incidents/?bbox={bbox}&page_size={PAGE}&synthetic=only"
    sizes = {}

    def ours():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        sizes["ours"] = len(response.content)

    queryset = (
        Incident.objects.filter(status="published", is_synthetic=True, location__intersects=_box())
        .select_related("department", "province", "district").prefetch_related("actors")
        .order_by("-occurred_on", "-id")
    )

    def plain():
        count = queryset.count()
        data = IncidentSerializer(queryset[:PAGE], many=True).data
        sizes["plain"] = len(JSONRenderer().render({"count": count, **data}))

    params = {"b0": BBOX[0], "b1": BBOX[1], "b2": BBOX[2], "b3": BBOX[3], "page": PAGE}

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            count, text = cursor.fetchone()
        sizes["raw"] = len(text)
        sizes["in_bbox"] = count

    t_ours, t_plain, t_raw = timed(ours, repeat), timed(plain, plain_repeat), timed(raw, repeat)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + RAW_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    what = f"5,000-feature page, bbox holding {sizes['in_bbox']:,} incidents"
    rows = [
        Row("a", what + ", vs plain drf-gis serializer",
            f"p50 {ms(p50(t_ours))}, p95 {ms(p95(t_ours))}",
            f"p50 {ms(p50(t_plain))}, p95 {ms(p95(t_plain))} ({plain_repeat} runs)",
            f"{p50(t_plain) / p50(t_ours):.1f}x", "p95 <= 150 ms, >= 10x",
            p95(t_ours) <= 0.150 and p50(t_plain) / p50(t_ours) >= 10),
        Row("a", what + ", vs raw SQL (floor)",
            f"p50 {ms(p50(t_ours))}", f"p50 {ms(p50(t_raw))}, p95 {ms(p95(t_raw))}",
            f"{p50(t_raw) / p50(t_ours):.2f}x", "ours <= 2x raw", p50(t_ours) <= 2 * p50(t_raw)),
    ]
    rows[0].notes.append(
        f"response sizes: ours {sizes['ours'] / 1e6:.2f} MB, plain {sizes['plain'] / 1e6:.2f} MB, "
        f"raw {sizes['raw'] / 1e6:.2f} MB (features only)")
    return rows, {"a_plan": plan}


def _box():
    from django.contrib.gis.geos import Polygon

    box = Polygon.from_bbox(BBOX)
    box.srid = 4326
    return box

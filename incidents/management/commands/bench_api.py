"""Time a 5,000-feature page of /api/v1/incidents/ against a plain djangorestframework-gis
serializer over the same rows, in one run, on throwaway data (rolled back at the end)."""
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from rest_framework.renderers import JSONRenderer

from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident

SYNTHETIC_SQL = """
INSERT INTO incidents_incident (
    title, description, occurred_on, date_precision, event_type, sub_event_type, location,
    location_name, geo_precision, area_level, fatalities, injuries, status, created_at, updated_at)
SELECT 'Synthetic clash ' || n, 'Benchmark row', DATE '2000-01-01' + (n %% 9000),
       1, 'Battles', 'Armed clash',
       ST_SetSRID(ST_MakePoint(-74.6 + random() * 1.2, -12.9 + random() * 1.2), 4326),
       'VRAEM', 1, 'district', n %% 5, NULL, 'published', now(), now()
FROM generate_series(1, %s) AS n
"""


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the incident list endpoint against a plain DRF-gis serializer."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, rows, repeat, **options):
        try:
            with transaction.atomic():
                self._run(rows, repeat)
                raise Rollback
        except Rollback:
            self.stdout.write("(benchmark rows rolled back)")

    def _run(self, rows, repeat):
        with connection.cursor() as cursor:
            cursor.execute(SYNTHETIC_SQL, [rows])
        client = Client(HTTP_HOST="localhost")
        url = f"/api/v1/incidents/?page_size={rows}&ordering=-occurred_on"
        queryset = (
            Incident.objects.filter(status="published")
            .select_related("department", "province", "district")
            .prefetch_related("actors")
            .order_by("-occurred_on", "-id")[:rows]
        )

        def ours():
            response = client.get(url)
            assert response.status_code == 200
            return len(response.content)

        def plain():
            data = IncidentSerializer(queryset.all(), many=True).data
            return len(JSONRenderer().render(data))

        results = {}
        for name, fn in (("ours (PostGIS-built GeoJSON, via HTTP stack)", ours),
                         ("plain djangorestframework-gis serializer", plain)):
            fn()  # warm up
            times, size = [], 0
            for _ in range(repeat):
                start = time.perf_counter()
                size = fn()
                times.append(time.perf_counter() - start)
            results[name] = statistics.median(times)
            self.stdout.write(f"{name}: median {results[name] * 1000:.0f} ms over {repeat} runs, {size / 1e6:.2f} MB")
        ours_t, plain_t = results.values()
        self.stdout.write(f"ratio plain/ours: {plain_t / ours_t:.1f}x")

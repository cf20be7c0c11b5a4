"""Streamed downloads of a filtered incident list: ACLED-compatible CSV and GeoJSON."""
import csv
import io

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Subquery
from django.http import StreamingHttpResponse

from regions import geojson

from ..models import Incident
from .features import incident_feature

# ACLED's column names where we hold the same information, then ours.
CSV_COLUMNS = [
    ("event_id_cnty", "#event+code"),
    ("event_date", "#date+occurred"),
    ("year", "#date+year"),
    ("time_precision", "#date+precision"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"),
    ("actor1", "#group+name+first"),
    ("inter1", "#group+type+first+code"),
    ("actor2", "#group+name+second"),
    ("inter2", "#group+type+second+code"),
    ("country", "#country+name"),
    ("iso", "#country+code+num"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("admin3", "#adm3+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("source", "#meta+source"),
    ("notes", "#description"),
    ("fatalities", "#affected+killed"),
    ("injuries", "#affected+injured"),
    ("title", "#event+title"),
    ("admin3_ubigeo", "#adm3+code"),
]
PERU_ISO_NUMERIC = 604


def _nth_actor(n: int, field: str):
    through = Incident.actors.through
    return Subquery(
        through.objects.filter(incident_id=OuterRef("pk")).order_by("pk").values(f"actor__{field}")[n : n + 1]
    )


def _csv_rows(queryset):
    rows = queryset.annotate(
        actor1=_nth_actor(0, "name"),
        inter1=_nth_actor(0, "kind"),
        actor2=_nth_actor(1, "name"),
        inter2=_nth_actor(1, "kind"),
        admin1=F("department__name"),
        admin2=F("province__name"),
        admin3=F("district__name"),
        admin3_ubigeo=F("district__ubigeo"),
        source_names=ArraySubquery(
            Incident.sources.through.objects.filter(incident_id=OuterRef("pk"))
            .order_by("source__name").values("source__name")
        ),
    ).values(
        "id", "occurred_on", "date_precision", "event_type", "sub_event_type", "actor1", "inter1",
        "actor2", "inter2", "admin1", "admin2", "admin3", "location_name", "location",
        "geo_precision", "source_names", "description", "fatalities", "injuries", "title",
        "admin3_ubigeo",
    )
    for r in rows.iterator(chunk_size=2000):
        yield [
            f"PER{r['id']}", r["occurred_on"].isoformat(), r["occurred_on"].year,
            r["date_precision"], r["event_type"], r["sub_event_type"], r["actor1"] or "",
            r["inter1"] or "", r["actor2"] or "", r["inter2"] or "", "Peru", PERU_ISO_NUMERIC,
            r["admin1"] or "", r["admin2"] or "", r["admin3"] or "", r["location_name"],
            f"{r['location'].y:.6f}", f"{r['location'].x:.6f}", r["geo_precision"],
            "; ".join(r["source_names"]), r["description"],
            "" if r["fatalities"] is None else r["fatalities"],
            "" if r["injuries"] is None else r["injuries"], r["title"], r["admin3_ubigeo"] or "",
        ]


def _csv_lines(queryset, hxl: bool):
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([name for name, _ in CSV_COLUMNS])
    if hxl:
        writer.writerow([tag for _, tag in CSV_COLUMNS])
    yield flush()
    for row in _csv_rows(queryset):
        writer.writerow(row)
        yield flush()


def csv_response(queryset, *, hxl: bool = False) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(queryset, hxl), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response


def _geojson_chunks(queryset):
    yield '{"type": "FeatureCollection", "features": ['
    for i, feature in enumerate(geojson.stream_features(queryset, incident_feature())):
        yield ("," if i else "") + feature
    yield "]}"


def geojson_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_geojson_chunks(queryset), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="incidents.geojson"'
    return response

"""Read queries over incidents."""
from .models import Incident


def published_incidents():
    return (
        Incident.objects.filter(status=Incident.Status.PUBLISHED)
        .select_related("department", "province", "district")
        .prefetch_related("actors")
    )


def areas_at(point, *, finest: str) -> dict[str, str | None]:
    """The department/province/district ubigeos the database would assign to `point`
    (the same SQL function as the trigger), without writing anything."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT dep.ubigeo, prov.ubigeo, dist.ubigeo
              FROM incidents_areas_at(ST_GeomFromEWKT(%s), %s) a
              LEFT JOIN regions_adminarea dep ON dep.id = a.department_id
              LEFT JOIN regions_adminarea prov ON prov.id = a.province_id
              LEFT JOIN regions_adminarea dist ON dist.id = a.district_id
            """,
            [point.ewkt, finest],
        )
        department, province, district = cursor.fetchone()
    return {"department": department, "province": province, "district": district}


def earlier_alert_of_story(*, story: str, before):
    """The latest bulletin of the same story published before `before`, or None."""
    from .models import Alert

    return Alert.objects.filter(story=story, published_at__lt=before).order_by("-published_at").first()


def incidents_for_export(*, status: str | None = None):
    query = Incident.objects.select_related("department", "province", "district").prefetch_related(
        "actors", "sources"
    ).order_by("occurred_on", "id")
    return query.filter(status=status) if status else query

"""Read queries over incidents."""
from .models import Incident


def published_incidents():
    return (
        Incident.objects.filter(status=Incident.Status.PUBLISHED)
        .select_related("department", "province", "district")
        .prefetch_related("actors")
    )

"""Merge a duplicate report into the incident that survives it."""
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Incident
from .incidents import incident_update, lock_for_write
from .workflow import WorkflowError, may_merge

S = Incident.Status
# Taken from the duplicate when the survivor has nothing there.
FILL_IF_EMPTY = ["location_name", "fatalities", "injuries", "location_uncertainty_km", "alert"]
# Taken together from the duplicate when its location is more precise (a lower number).
PLACE_FIELDS = ["location", "location_name", "geo_precision", "location_uncertainty_km",
                "area_level"]


def merged_fields(survivor: Incident, duplicate: Incident) -> dict:
    """The survivor's fields after the merge: the richer value of each pair."""
    fields = {}
    for name in FILL_IF_EMPTY:
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            fields[name] = getattr(duplicate, name)
    if len(duplicate.description) > len(survivor.description):
        fields["description"] = duplicate.description
    if duplicate.geo_precision < survivor.geo_precision:
        fields.update({name: getattr(duplicate, name) for name in PLACE_FIELDS
                       if getattr(duplicate, name) not in (None, "")})
    if duplicate.date_precision < survivor.date_precision:
        fields.update(occurred_on=duplicate.occurred_on, date_precision=duplicate.date_precision)
    return fields


@transaction.atomic
def incident_merge(*, user, survivor: Incident, duplicate: Incident) -> Incident:
    """Keep the richer fields and every source and actor on `survivor`; archive `duplicate`
    with a pointer to it. Both changes are in the incidents' history."""
    if survivor.pk == duplicate.pk:
        raise ValueError(_("An incident cannot be merged into itself."))
    # Judged on the rows as stored, locked in id order (the order every writer uses).
    first, second = sorted([survivor.pk, duplicate.pk])
    stored = {first: lock_for_write(first), second: lock_for_write(second)}
    survivor, duplicate = stored[survivor.pk], stored[duplicate.pk]
    if not may_merge(user, survivor):
        raise WorkflowError(_("You may not merge incidents."))
    for incident in (survivor, duplicate):
        if incident.status == S.ARCHIVED:
            raise ValueError(_("Incident #%(id)s is archived; restore it before merging.") % {"id": incident.pk})
    actors = {*survivor.actors.all(), *duplicate.actors.all()}
    sources = {*survivor.sources.all(), *duplicate.sources.all()}
    incident_update(
        user=user, incident=survivor, actors=sorted(actors, key=lambda a: a.pk),
        sources=sorted(sources, key=lambda s: s.pk),
        change_reason=f"Merged duplicate #{duplicate.pk} into this incident",
        **merged_fields(survivor, duplicate),
    )
    incident_update(user=user, incident=duplicate, status=S.ARCHIVED, duplicate_of=survivor,
                    change_reason=f"Merged into #{survivor.pk} as a duplicate")
    return survivor

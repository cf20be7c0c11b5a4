"""Writes to incidents. Every path (admin, API, imports, bulletins, merges, demo data) ends
here, with the acting user (`workflow.OPERATOR` for manage.py), and the rules of
services/workflow.py are checked here, on the row as it is stored and locked."""
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..models import Actor, Alert, Dataset, Incident, Source
from .workflow import (
    REASONS, WorkflowError, check_delete, check_edit, check_sourced, check_transition, has_source, may_create,
)

AREA_FIELDS = ["department", "province", "district"]


@transaction.atomic
def incident_create(
    *,
    user,
    title: str,
    occurred_on: date,
    event_type: str,
    sub_event_type: str,
    location: Point,
    description: str = "",
    language: str = "",
    date_precision: int = Incident.DatePrecision.DAY,
    location_name: str = "",
    geo_precision: int = Incident.GeoPrecision.EXACT,
    location_uncertainty_km: float | None = None,
    area_level: str = "district",
    fatalities: int | None = None,
    injuries: int | None = None,
    actors: list[Actor] = (),
    sources: list[Source] = (),
    alert: Alert | None = None,
    status: str = Incident.Status.DRAFT,
    external_source: str = "",
    external_id: str = "",
    geocoder_alternatives: list[dict] = (),
    dataset: Dataset | str | None = None,
) -> Incident:
    """Validate and save an incident as `user`; the database assigns its areas from `location`.

    `dataset` (a Dataset or its slug) says where it comes from; by default "bulletin" when it
    comes from an `alert`, else "editor" (the admin, the API)."""
    if not may_create(user):
        raise WorkflowError(_("You may not create incidents."))
    check_transition(user, None, status)
    incident = Incident(
        title=title,
        description=description,
        language=language,
        occurred_on=occurred_on,
        date_precision=date_precision,
        event_type=event_type,
        sub_event_type=sub_event_type,
        location=location,
        location_name=location_name,
        geo_precision=geo_precision,
        location_uncertainty_km=location_uncertainty_km,
        area_level=area_level,
        fatalities=fatalities,
        injuries=injuries,
        alert=alert,
        status=status,
        external_source=external_source,
        external_id=external_id,
        geocoder_alternatives=list(geocoder_alternatives),
        dataset_id=dataset_slug(dataset, alert=alert),
    )
    # Field choices already cover the check constraints; the database enforces them and the
    # (source, external id) uniqueness (importers upsert). Skipping Django's per-constraint
    # SELECTs halves the cost of a bulk import.
    incident.full_clean(validate_constraints=False)
    record_as(incident, user)
    incident.save()
    # add() sends m2m_changed, so the history also records the incident's actors and sources.
    if actors:
        incident.actors.add(*dict.fromkeys(actors))
    if sources:
        incident.sources.add(*dict.fromkeys(sources))
    check_sourced(user, incident)  # after the links: they may be its source
    incident.refresh_from_db(fields=AREA_FIELDS)
    return incident


def dataset_slug(dataset: Dataset | str | None, *, alert: Alert | None = None) -> str:
    if isinstance(dataset, Dataset):
        return dataset.pk
    if dataset:
        if not Dataset.objects.filter(pk=dataset).exists():
            known = ", ".join(Dataset.objects.values_list("slug", flat=True))
            raise ValidationError({"dataset": _("Unknown dataset %(dataset)r (known: %(known)s).") % {
                "dataset": dataset, "known": known}})
        return dataset
    return "bulletin" if alert is not None else "editor"


UPDATABLE_FIELDS = {
    "title", "description", "occurred_on", "date_precision", "event_type", "sub_event_type",
    "location", "location_name", "geo_precision", "location_uncertainty_km", "area_level",
    "fatalities", "injuries", "status", "alert", "duplicate_of", "dataset",
}


class EditConflict(Exception):
    """The incident was saved by someone else after the caller loaded version `expected`."""

    def __init__(self, incident: Incident, expected: int, changes: list[str], by: str):
        self.incident, self.expected, self.changes, self.by = incident, expected, changes, by
        listed = "; ".join(changes) if changes else _("no field-level changes recorded")
        super().__init__(
            _("%(by)s saved this incident (now version %(version)s) after you opened version "
              "%(expected)s. Their changes: %(changes)s. Your edits were not saved: reload the "
              "page and apply them again.") % {
                "by": by, "version": incident.version, "expected": expected, "changes": listed}
        )


def lock_data_version() -> None:
    """Lock the single row of incidents_data_version until the transaction ends: the first
    lock every writer of incidents (and of what they show) takes, always in this order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM incidents_data_version WHERE id = 1 FOR UPDATE")


def lock_for_write(incident_id: int) -> Incident:
    """Lock the incident's row until the transaction ends and return it as stored.

    Every write to incidents also updates the single row of incidents_data_version (a
    statement trigger), so that row is locked first: all writers take the two locks in the
    same order and cannot deadlock each other.
    """
    lock_data_version()
    return Incident.objects.select_for_update().get(pk=incident_id)


def check_version(incident_id: int, expected: int) -> None:
    """Lock the incident for writing; raise EditConflict if it moved on from `expected`."""
    from .history import changes_between  # history needs the models' registry; import late

    current = lock_for_write(incident_id)
    if current.version == expected:
        return
    changes, by = changes_between(current, expected)
    raise EditConflict(current, expected, changes, by)


@transaction.atomic
def incident_update(
    *, user, incident: Incident, actors: list[Actor] | None = None,
    sources: list[Source] | None = None, expected_version: int | None = None,
    change_reason: str = "", **fields,
) -> Incident:
    """Save the given fields (and actors/sources when given) on top of the stored incident as
    `user`; areas follow the point.

    The row is locked and re-read first, so a change saved by someone else since `incident`
    was loaded is kept, not overwritten, and the rules are checked on the stored row: a
    Reviewer's publish that lands first is what an Editor's later edit is judged against.
    With `expected_version`, a save based on an out-of-date copy raises EditConflict instead.
    """
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"incident_update() cannot set {', '.join(sorted(unknown))}")
    if expected_version is not None:
        check_version(incident.pk, expected_version)
    else:
        lock_for_write(incident.pk)
    incident.refresh_from_db()
    check_edit(user, incident)
    target = fields.get("status", incident.status)
    publishing = target == Incident.Status.PUBLISHED and target != incident.status
    sourced_before = has_source(sources=incident.sources.exists(), alert=incident.alert_id,
                                external_source=incident.external_source)
    if target != incident.status:
        check_transition(user, incident.status, target)
        change_reason = change_reason or REASONS[target]
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean(validate_constraints=False)
    record_as(incident, user)
    save_new_version(incident, change_reason=change_reason)
    if actors is not None:
        incident.actors.set(actors)
    if sources is not None:
        incident.sources.set(sources)
    if publishing or sourced_before:
        # After the links; raising rolls the whole save back. A published incident that had a
        # source keeps one; one that never had any (legacy rows) may still be corrected.
        check_sourced(user, incident)
    incident.refresh_from_db(fields=AREA_FIELDS)
    return incident


@transaction.atomic
def incident_transition(*, user, incident: Incident, to: str) -> Incident:
    """Change one incident's status, recorded in its history with who and why."""
    stored = lock_for_write(incident.pk)
    if stored.status == to:
        return stored
    return incident_update(user=user, incident=stored, status=to, change_reason=REASONS[to])


@transaction.atomic
def incident_delete(*, user, incident: Incident) -> None:
    """Delete a draft or an incident in review; published and archived ones are archived
    instead (ProtectedError when merged duplicates point to it)."""
    stored = lock_for_write(incident.pk)
    check_delete(user, stored)
    stored.delete()


def record_as(incident: Incident, user) -> None:
    """The history versions this object writes (its saves and its actor/source links) name
    `user`: django-simple-history reads the user from the web request only, so a command acting
    as `--user NAME` or a script calling the services was recorded as nobody. The operator
    (OPERATOR, not an account) stays nobody."""
    if isinstance(user, AbstractBaseUser):
        incident._history_user = user


def save_new_version(incident: Incident, *, change_reason: str = "") -> None:
    """Save as the next version (the history row records it, with the reason when given)."""
    stored = Incident.objects.select_for_update().values_list("version", flat=True).get(pk=incident.pk)
    incident.version = stored + 1
    if change_reason:
        incident._change_reason = change_reason
    incident.save()

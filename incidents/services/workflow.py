"""The rules: who may edit what, and move an incident draft → in review → published → archived.

One table of allowed status changes, each guarded by a permission (see core/roles.py),
and one predicate per kind of write. Only the services (incidents.py, records.py,
duplicates.py, importers, bulletin ingestion) decide with these, on the row as it is stored
and locked; the admin and the API ask them only to decide what to offer (buttons, choices).

Anything shown on a published page (an incident's fields, its actors' and sources' names and
URLs, its bulletin) changes only through a Reviewer: an Editor's writes reach drafts only.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _, gettext_noop

from ..models import Actor, Alert, Incident, Source

S = Incident.Status

# (from, to) → the permission it needs.
TRANSITIONS = {
    (S.DRAFT, S.IN_REVIEW): "incidents.submit_incident",
    (S.IN_REVIEW, S.DRAFT): "incidents.publish_incident",
    (S.DRAFT, S.PUBLISHED): "incidents.publish_incident",
    (S.IN_REVIEW, S.PUBLISHED): "incidents.publish_incident",
    (S.DRAFT, S.ARCHIVED): "incidents.archive_incident",
    (S.IN_REVIEW, S.ARCHIVED): "incidents.archive_incident",
    (S.PUBLISHED, S.ARCHIVED): "incidents.archive_incident",
    (S.ARCHIVED, S.PUBLISHED): "incidents.archive_incident",
}

# Stored in English as each history record's change reason; shown translated (gettext(reason)).
REASONS = {
    S.DRAFT: gettext_noop("Sent back to draft"),
    S.IN_REVIEW: gettext_noop("Submitted for review"),
    S.PUBLISHED: gettext_noop("Published"),
    S.ARCHIVED: gettext_noop("Archived"),
}

# Changing what is already past the draft stage is reviewers' work.
REVIEWED = "incidents.change_reviewed_incident"


class WorkflowError(PermissionDenied):
    """The acting user may not make this write; the message says why."""


@dataclass(frozen=True)
class Operator:
    """Whoever runs manage.py on the server (set-up, imports, ingestion from the shell).

    Shell access to the server already grants every right, so the operator may do everything;
    a command given `--user NAME` acts with that user's rights instead.
    """

    name: str = "manage.py"
    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def get_username(self) -> str:
        return self.name


OPERATOR = Operator()


def acting_user(username: str | None):
    """The user a management command acts as: `--user NAME` (an active account), else OPERATOR."""
    if not username:
        return OPERATOR
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"no active user named {username!r}")
    return user


def may_transition(user, current: str, target: str) -> bool:
    if current == target:
        return True
    permission = TRANSITIONS.get((current, target))
    return permission is not None and user.has_perm(permission)


def allowed_statuses(user, current: str | None) -> list[str]:
    """Statuses the user may give an incident now in `current` (None: a new incident)."""
    if current is None:
        return [s for s in S.values if s == S.DRAFT or may_transition(user, S.DRAFT, s)]
    return [s for s in S.values if may_transition(user, current, s)]


def may_create(user) -> bool:
    return user.has_perm("incidents.add_incident")


def may_edit(user, incident: Incident | None) -> bool:
    """Editors change drafts; changing what is in review, published or archived is reviewers' work."""
    if not user.has_perm("incidents.change_incident"):
        return False
    return incident is None or incident.status == S.DRAFT or user.has_perm(REVIEWED)


def may_delete(user, incident: Incident | None) -> bool:
    """Nobody deletes a published or archived incident: archiving hides it and keeps it."""
    if not user.has_perm("incidents.delete_incident"):
        return False
    return incident is None or incident.status in (S.DRAFT, S.IN_REVIEW)


def may_merge(user, survivor: Incident | None = None) -> bool:
    return user.has_perm("incidents.merge_incident") and may_edit(user, survivor)


def may_import_status(user) -> bool:
    """An import file's status column counts only for those who may publish; else drafts."""
    return may_transition(user, S.DRAFT, S.PUBLISHED)


def _beyond_draft(queryset) -> bool:
    return queryset.exclude(status=S.DRAFT).exists()


def may_change_record(user, record: Actor | Source | Alert) -> bool:
    """Actors, sources and bulletins are shown on the incidents that use them: an Editor may
    change one only while no incident past the draft stage uses it."""
    if not user.has_perm(f"incidents.change_{record._meta.model_name}"):
        return False
    return record.pk is None or user.has_perm(REVIEWED) or not _beyond_draft(used_by(record))


def may_relink_alert(user, alert: Alert) -> bool:
    """Ingesting an earlier bulletin of a story links the later one to it: part of ingesting
    (adding incidents) while the later one's incidents are drafts, reviewers' work after."""
    return may_create(user) and (user.has_perm(REVIEWED) or not _beyond_draft(used_by(alert)))


def used_by(record: Actor | Source | Alert):
    """The incidents that show `record`."""
    if isinstance(record, Alert):
        return Incident.objects.filter(alert=record)
    if isinstance(record, Actor):
        return Incident.objects.filter(actors=record)
    return Incident.objects.filter(sources=record)


def check_transition(user, current: str | None, target: str) -> None:
    if target not in S.values:  # not a rule but bad input: named like the model's own check
        raise ValidationError(
            {"status": ValidationError(_("%(value)r is not a status (%(statuses)s)."),
                                       code="invalid_choice",
                                       params={"value": target, "statuses": ", ".join(S.values)})})
    if target not in allowed_statuses(user, current):
        start = str(S(current).label).lower() if current else _("new")
        raise WorkflowError(
            _("You may not move an incident from %(start)s to %(target)s; your statuses from "
              "here: %(allowed)s.") % {"start": start, "target": str(S(target).label).lower(),
                                       "allowed": ", ".join(allowed_statuses(user, current))}
        )


class Unsourced(WorkflowError):
    """The incident would be published without naming where it comes from."""


def has_source(*, sources, alert, external_source: str) -> bool:
    """Where an incident comes from, as a reader can check it: a linked source, the bulletin
    it was ingested from, or the dataset record it was imported from (ACLED, UCDP, a file)."""
    return bool(alert) or bool(external_source) or bool(sources)


def check_sourced(user, incident: Incident) -> None:
    """Publishing needs at least one source (#19 part 8), on every path that publishes: the
    admin's form and actions, the API, imports and bulletins (all through services/incidents).
    The operator (manage.py: demo data, the test builders) is exempt like from every rule."""
    if user is OPERATOR or incident.status != S.PUBLISHED:
        return
    if not has_source(sources=incident.sources.exists(), alert=incident.alert_id,
                      external_source=incident.external_source):
        raise Unsourced(
            _("Incident #%(id)s names no source: add a source (or the bulletin it comes from) "
              "before publishing it.") % {"id": incident.pk})


def check_edit(user, incident: Incident) -> None:
    if not may_edit(user, incident):
        raise WorkflowError(
            _("Incident #%(id)s is %(status)s; only reviewers may change incidents that are in "
              "review, published or archived.") % {
                "id": incident.pk, "status": str(incident.get_status_display()).lower()}
            if user.has_perm("incidents.change_incident") else _("You may not change incidents.")
        )


def check_delete(user, incident: Incident) -> None:
    if not may_delete(user, incident):
        raise WorkflowError(
            _("Published and archived incidents are never deleted; archive it instead.")
            if incident.status in (S.PUBLISHED, S.ARCHIVED) else _("You may not delete incidents.")
        )


def check_change_record(user, record: Actor | Source | Alert) -> None:
    if not may_change_record(user, record):
        raise WorkflowError(
            _("This %(kind)s is shown on incidents that are in review, published or archived; "
              "only reviewers may change it.") % {"kind": record._meta.verbose_name}
            if user.has_perm(f"incidents.change_{record._meta.model_name}")
            else _("You may not change %(kinds)s.") % {"kinds": record._meta.verbose_name_plural}
        )


# E-mail alerts (alerts/) ---------------------------------------------------------------------

def may_subscribe(user) -> bool:
    """Saving an alert: the Subscribers role and the editorial roles (core/roles.py)."""
    return user.is_active and user.has_perm("alerts.add_subscription")


def may_manage_alert(user, alert) -> bool:
    """Pausing, resuming or deleting an alert: its owner only, or whoever may change every
    alert (administrators). Nobody else reads or changes it."""
    return (user.is_active and alert.user_id == user.pk) or user.has_perm("alerts.change_subscription")

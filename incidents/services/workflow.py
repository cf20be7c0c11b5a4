"""Who may edit an incident and move it draft → in review → published → archived.

One table of allowed status changes, each guarded by a permission (see incidents/roles.py).
The admin, its bulk actions and the API all ask these functions.
"""
from django.core.exceptions import PermissionDenied

from ..models import Incident
from .incidents import incident_update

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

REASONS = {
    S.DRAFT: "Sent back to draft",
    S.IN_REVIEW: "Submitted for review",
    S.PUBLISHED: "Published",
    S.ARCHIVED: "Archived",
}


class WorkflowError(PermissionDenied):
    pass


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


def may_edit(user, incident: Incident | None) -> bool:
    """Editors change drafts; changing what is in review, published or archived is reviewers' work."""
    if not user.has_perm("incidents.change_incident"):
        return False
    return (incident is None or incident.status == S.DRAFT
            or user.has_perm("incidents.change_reviewed_incident"))


def may_delete(user, incident: Incident | None) -> bool:
    """Nobody deletes a published or archived incident: archiving hides it and keeps it."""
    if not user.has_perm("incidents.delete_incident"):
        return False
    return incident is None or incident.status in (S.DRAFT, S.IN_REVIEW)


def check_transition(user, incident: Incident | None, target: str) -> None:
    current = incident.status if incident is not None else None
    if target not in allowed_statuses(user, current):
        start = S(current).label.lower() if current else "new"
        raise WorkflowError(
            f"You may not move an incident from {start} to {S(target).label.lower()}; "
            f"your statuses from here: {', '.join(allowed_statuses(user, current))}."
        )


def transition(*, incident: Incident, to: str, user) -> Incident:
    """Change one incident's status, recorded in its history with who and why."""
    check_transition(user, incident, to)
    if incident.status == to:
        return incident
    return incident_update(incident=incident, status=to, change_reason=REASONS[to])

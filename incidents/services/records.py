"""Writes to actors, sources and bulletins (Alert), with the acting user.

They are shown on every incident that uses them, so the rule (workflow.may_change_record) is
the incidents' own: an Editor may change one only while no incident past the draft stage
uses it; anything shown on a published page changes only through a Reviewer.
"""
from django.db import transaction

from ..models import Actor, Alert, Source
from .workflow import WorkflowError, check_change_record, may_relink_alert

Record = Actor | Source | Alert


@transaction.atomic
def record_save(*, user, record: Record) -> Record:
    """Create or change an actor, source or bulletin as `user`."""
    opts = record._meta
    if record.pk is None:
        if not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise WorkflowError(f"You may not add {opts.verbose_name_plural}.")
    else:
        # Judged on the stored row, locked: its links, not the edited copy's.
        stored = type(record).objects.select_for_update().get(pk=record.pk)
        check_change_record(user, stored)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def record_delete(*, user, record: Record) -> None:
    opts = record._meta
    if not user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"):
        raise WorkflowError(f"You may not delete {opts.verbose_name_plural}.")
    check_change_record(user, type(record).objects.select_for_update().get(pk=record.pk))
    record.delete()


def alert_relink(*, user, alert: Alert, previous: Alert) -> bool:
    """Point `alert` (a later update of a story) at `previous`; False, changing nothing, when
    `user` may not (an Editor, when `alert`'s incidents are past the draft stage)."""
    if not may_relink_alert(user, alert):
        return False
    alert.previous = previous
    alert.save(update_fields=["previous"])
    return True

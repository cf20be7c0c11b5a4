"""Writes to actors, sources and bulletins (Alert), with the acting user.

They are shown on every incident that uses them, so the rule (workflow.may_change_record) is
the incidents' own: an Editor may change one only while no incident past the draft stage
uses it; anything shown on a published page changes only through a Reviewer.
"""
from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..models import Actor, Alert, Incident, Source
from .incidents import lock_data_version
from .workflow import WorkflowError, check_change_record, may_relink_alert, used_by

Record = Actor | Source | Alert


def _lock_for_rule(record: Record):
    """Lock what the rule reads, in lock_for_write's order, and return the record as stored.

    The rule ("only drafts use this") reads the statuses of the incidents that use the record:
    they are locked FOR SHARE, after the data-version row, so a Reviewer's publish of one of
    them either commits before this check (which then sees it) or waits until this write
    commits — never lands between the check and the write. Then the record's own row."""
    lock_data_version()
    query = used_by(record).order_by("pk").values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE OF {Incident._meta.db_table}", params)
    return type(record).objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def record_save(*, user, record: Record) -> Record:
    """Create or change an actor, source or bulletin as `user`."""
    opts = record._meta
    if record.pk is None:
        if not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            raise WorkflowError(_("You may not add %(kinds)s.") % {"kinds": opts.verbose_name_plural})
    else:
        # Judged on the stored row and the incidents using it, locked: not the edited copy.
        check_change_record(user, _lock_for_rule(record))
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def record_delete(*, user, record: Record) -> None:
    opts = record._meta
    if not user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"):
        raise WorkflowError(_("You may not delete %(kinds)s.") % {"kinds": opts.verbose_name_plural})
    check_change_record(user, _lock_for_rule(record))
    record.delete()


@transaction.atomic
def alert_relink(*, user, alert: Alert, previous: Alert) -> bool:
    """Point `alert` (a later update of a story) at `previous`; False, changing nothing, when
    `user` may not (an Editor, when `alert`'s incidents are past the draft stage)."""
    if not may_relink_alert(user, _lock_for_rule(alert)):
        return False
    alert.previous = previous
    alert.save(update_fields=["previous"])
    return True

"""Readable differences between versions of an incident (its simple-history records)."""
from django.utils.translation import gettext as _

from ..models import Incident

MAX_VALUE = 80


def _shown(value) -> str:
    if value in (None, ""):
        return _("(empty)")
    if isinstance(value, list):  # many-to-many: the through rows, one dict per link
        names = [str(next((v for k, v in row.items() if k != "incident"), row)) for row in value]
        return ", ".join(sorted(names)) or _("(none)")
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def describe_changes(newer, older) -> list[str]:
    """'Field: old → new' for each field that differs between two historical records."""
    delta = newer.diff_against(older, foreign_keys_are_objs=True)
    lines = []
    for change in delta.changes:
        if change.field == "version":
            continue
        label = str(Incident._meta.get_field(change.field).verbose_name).capitalize()
        lines.append(f"{label}: {_shown(change.old)} → {_shown(change.new)}")
    return lines


def changes_between(current: Incident, expected_version: int) -> tuple[list[str], str]:
    """What changed since `expected_version`, and who saved the latest version."""
    records = current.history.order_by("-history_date", "-history_id")
    latest = records.first()
    seen = records.filter(version=expected_version).first()
    by = _("Someone else")
    if latest is not None and latest.history_user is not None:
        by = latest.history_user.get_username()
    if latest is None or seen is None:
        return [], by
    return describe_changes(latest, seen), by

"""django-simple-history's admin, with reverting treated as what it is: a change."""
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """Anyone who may view a record sees its history; only who may change the record as it is
    now may revert it (simple-history itself asks only for the view permission)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        request.history_current = current
        if request.method == "POST" and not self._may_revert(request, current):
            raise PermissionDenied(_("Reverting is a change, and you may not change this record."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        current = getattr(request, "history_current", None)
        return super().revert_disabled(request, obj) or not self._may_revert(request, current)

    def _may_revert(self, request, current) -> bool:
        return current is not None and self.has_change_permission(request, current)

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .lockout import unlock
from .models import LoginFailure, LoginSuccess


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "attempted_at"]
    list_filter = ["attempted_at"]
    search_fields = ["username", "ip_address"]
    actions = ["unlock_pairs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unlock: forget all failures of the selected username/address pairs"),
                  permissions=["delete"])
    def unlock_pairs(self, request, queryset):
        pairs = set(queryset.values_list("username", "ip_address"))
        removed = sum(unlock(username, address) for username, address in pairs)
        self.message_user(request, _("Unlocked %(pairs)s username/address pair(s); %(removed)s "
                                     "failure(s) forgotten.") % {"pairs": len(pairs), "removed": removed},
                          messages.SUCCESS)


@admin.register(LoginSuccess)
class LoginSuccessAdmin(admin.ModelAdmin):
    """Where each username logged in from lately: there, failures of that username from other
    addresses do not lock it (security.lockout). Deleting a row makes the address unknown."""

    list_display = ["username", "ip_address", "last_success_at"]
    search_fields = ["username", "ip_address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

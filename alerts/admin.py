"""Alerts in the admin: read-only (administrators see them; writes go through the services),
with one action, pausing, done as the acting user."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from . import services
from .models import Delivery, Subscription


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly, LeafletGeoAdmin):
    list_display = ["name", "user", "area_kind", "frequency", "language", "paused", "created_at"]
    list_filter = ["area_kind", "frequency", "language", "paused"]
    search_fields = ["name", "user__username", "user__email"]
    actions = ["pause"]

    @admin.action(description=_("Pause selected alerts"), permissions=["view"])
    def pause(self, request, queryset):
        for subscription in queryset:
            services.subscription_set_paused(user=request.user, subscription=subscription, paused=True)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["subscription", "incident", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    raw_id_fields = ["subscription", "incident"]

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import AdminArea, AdvisoryZone


@admin.register(AdminArea)
class AdminAreaAdmin(LeafletGeoAdmin):
    list_display = ["ubigeo", "name", "level", "parent", "area_km2"]
    list_filter = ["level"]
    search_fields = ["ubigeo", "name"]
    readonly_fields = ["area_km2"]
    raw_id_fields = ["parent"]


@admin.register(AdvisoryZone)
class AdvisoryZoneAdmin(LeafletGeoAdmin):
    list_display = ["name", "level", "issuer", "valid_from", "valid_until"]
    list_filter = ["level", "issuer"]
    search_fields = ["name", "summary"]
    filter_horizontal = ["areas"]

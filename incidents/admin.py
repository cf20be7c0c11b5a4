from django.contrib import admin
from django.db import models
from leaflet.admin import LeafletGeoAdmin

from regions.models import AdminArea

from .admin_ingest import ingest_bulletin_view
from .models import Actor, Alert, Incident, Source
from .services.incidents import AREA_FIELDS


class DepartmentFilter(admin.SimpleListFilter):
    title = "department"
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).values_list("ubigeo", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(department__ubigeo=self.value())
        return queryset


@admin.register(Incident)
class IncidentAdmin(LeafletGeoAdmin):
    list_display = [
        "title", "occurred_on", "event_type", "sub_event_type", "department", "district",
        "fatalities", "injuries", "status",
    ]
    list_filter = [
        "status", "alert", "event_type", "sub_event_type", DepartmentFilter,
        ("occurred_on", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "description", "location_name"]
    date_hierarchy = "occurred_on"
    list_select_related = ["department", "district"]
    readonly_fields = [*AREA_FIELDS, "external_source", "external_id", "created_at", "updated_at"]
    autocomplete_fields = ["actors", "sources"]
    raw_id_fields = ["alert"]
    fieldsets = [
        (None, {"fields": ["title", "description", "status"]}),
        ("When", {"fields": ["occurred_on", "date_precision"]}),
        ("What", {"fields": ["event_type", "sub_event_type", "fatalities", "injuries", "actors"]}),
        (
            "Where",
            {
                "fields": [
                    "location", "location_name", "geo_precision", "location_uncertainty_km",
                    "area_level", *AREA_FIELDS,
                ],
                "description": "Department, province and district are assigned from the point.",
            },
        ),
        ("Provenance", {"fields": ["sources", "alert", "external_source", "external_id",
                                   "created_at", "updated_at"]}),
    ]

    change_list_template = "admin/incidents/incident_change_list.html"

    def get_urls(self):
        from django.urls import path

        return [
            path("ingest-bulletin/", self.admin_site.admin_view(ingest_bulletin_view),
                 name="incidents_incident_ingest_bulletin"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=AREA_FIELDS)


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "published_on"]
    search_fields = ["name", "url"]


class AlertIncidentInline(admin.TabularInline):
    model = Incident
    fields = ["title", "occurred_on", "sub_event_type", "location_name", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    inlines = [AlertIncidentInline]
    readonly_fields = ["story"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["headline", "published_at", "severity", "update_number", "previous"]
    list_filter = ["severity"]
    search_fields = ["headline", "raw_text"]
    raw_id_fields = ["previous"]

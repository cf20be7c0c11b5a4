from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as gettext_now, gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from core.history_admin import GuardedHistoryAdmin

from .models import AdminArea, AdvisoryZone, PlaceCorrection
from .services.advisories import zone_geometry, zone_preview


@admin.register(AdminArea)
class AdminAreaAdmin(LeafletGeoAdmin):
    list_display = ["ubigeo", "name", "level", "parent", "area_km2"]
    list_filter = ["level"]
    search_fields = ["ubigeo", "name"]
    readonly_fields = ["area_km2"]
    raw_id_fields = ["parent"]


class AdvisoryZoneForm(forms.ModelForm):
    """A zone is the union of the chosen areas (optionally buffered), or else the drawn shape."""

    source_url = forms.URLField(required=False, assume_scheme="https", label=_("Source URL"))

    class Meta:
        model = AdvisoryZone
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["geom"].required = False
        self.fields["geom"].label = _("Outline (computed from the areas when saved, or drawn)")

    def clean(self):
        cleaned = super().clean()
        areas, buffer_km = cleaned.get("areas"), cleaned.get("buffer_km") or 0
        if areas:
            cleaned["geom"] = zone_geometry([a.pk for a in areas], buffer_km=buffer_km)
        elif not cleaned.get("geom"):
            self.add_error("geom", _("Choose departments, provinces or districts, or draw the zone."))
        elif buffer_km:
            self.add_error("buffer_km", _("The buffer widens chosen areas; for a drawn zone, "
                                          "draw the wider outline instead."))
        kind, severity = cleaned.get("kind"), cleaned.get("severity")
        if kind == AdvisoryZone.Kind.ADVICE:
            if severity is None:
                self.add_error("severity", _("Advice needs a severity (for colouring and filtering)."))
            if not cleaned.get("issuer_level"):
                self.add_error("issuer_level", _("Give the issuer's own level name, as published."))
        elif kind == AdvisoryZone.Kind.REFERENCE and severity is not None:
            self.add_error("severity", _("A reference area is not advice: leave severity empty."))
        return cleaned


@admin.register(AdvisoryZone)
class AdvisoryZoneAdmin(GuardedHistoryAdmin, LeafletGeoAdmin):
    form = AdvisoryZoneForm
    list_display = ["name", "issuer", "issuer_level", "kind", "valid_from", "valid_until",
                    "last_reviewed"]
    list_filter = ["kind", "severity", "issuer"]
    search_fields = ["name", "summary", "definition"]
    autocomplete_fields = ["areas"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "issuer", "issuer_level", "severity",
                           "definition", "exceptions", "summary", "source_url",
                           "valid_from", "valid_until", "last_reviewed"]}),
        (_("Where"), {
            "fields": ["areas", "buffer_km", "preview", "geom", "construction",
                       "construction_note", "same_as"],
            "description": _("Choose departments, provinces or districts (their union is computed "
                             "in PostGIS when you save, widened by the buffer) or leave them empty "
                             "and draw the zone on the map."),
        }),
    ]

    class Media:
        js = ["js/admin-zone-builder.js"]

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view),
                 name="regions_advisoryzone_preview"),
            *super().get_urls(),
        ]

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return format_html(
            '<div class="zone-preview" data-url="{}"><button type="button" class="button '
            'zone-preview-button">{}</button> '
            '<span class="zone-preview-result" aria-live="polite"></span></div>',
            reverse("admin:regions_advisoryzone_preview"), _("Preview the zone on the map"),
        )

    def preview_view(self, request):
        """GET ?areas=<id>,<id>&buffer_km=5 → the zone as a GeoJSON Feature, not saved."""
        if not (request.user.has_perm("regions.add_advisoryzone")
                or request.user.has_perm("regions.change_advisoryzone")):
            raise PermissionDenied
        try:
            ids = [int(i) for i in request.GET.get("areas", "").split(",") if i.strip()]
            buffer_km = float(request.GET.get("buffer_km") or 0)
        except ValueError:
            return JsonResponse({"error": gettext_now("areas: comma-separated area ids; buffer_km: a number.")},
                                status=400)
        if not ids:
            return JsonResponse({"error": gettext_now("areas: choose at least one area.")}, status=400)
        if not 0 <= buffer_km <= 200:
            return JsonResponse({"error": gettext_now("buffer_km: between 0 and 200.")}, status=400)
        known = AdminArea.objects.filter(pk__in=ids).count()
        if known != len(set(ids)):
            return JsonResponse({"error": gettext_now("areas: unknown area id(s).")}, status=400)
        area_km2, geometry = zone_preview(ids, buffer_km=buffer_km)
        body = (f'{{"type":"Feature","properties":{{"area_km2":{area_km2:.1f},"areas":{known}}},'
                f'"geometry":{geometry}}}')
        return HttpResponse(body, content_type="application/geo+json")


@admin.register(PlaceCorrection)
class PlaceCorrectionAdmin(admin.ModelAdmin):
    """Data quality: gazetteer places whose INEI point lies outside the district INEI lists them
    under (computed when the gazetteer is loaded). Read-only: the list is rebuilt from the data.
    Threat line: the search box (staff with the view permission) is an icontains filter through
    the ORM; no write is offered to anyone."""

    list_display = ["place_name", "listed_under", "point_lies_in", "distance", "split"]
    list_filter = ["split"]
    search_fields = ["place__name", "place__code", "place__ubigeo", "found_in__name"]
    list_select_related = ["place", "place__district", "found_in"]
    fields = ["place", "listed_under", "point_lies_in", "distance", "split", "inside_point"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("place"), ordering="place__name")
    def place_name(self, obj):
        return f"{obj.place.name} ({obj.place.code})"

    @admin.display(description=_("its district code"), ordering="place__ubigeo")
    def listed_under(self, obj):
        district = obj.place.district
        return f"{district.name} ({district.ubigeo})" if district else obj.place.ubigeo

    @admin.display(description=_("district its point falls in"), ordering="found_in__ubigeo")
    def point_lies_in(self, obj):
        return f"{obj.found_in.name} ({obj.found_in.ubigeo})" if obj.found_in else gettext_now("none")

    @admin.display(description=_("distance (km)"), ordering="distance_km")
    def distance(self, obj):
        return f"{obj.distance_km:.1f}"

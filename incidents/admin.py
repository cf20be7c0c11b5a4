import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from core.history_admin import GuardedHistoryAdmin
from regions.models import AdminArea
from regions.selectors import advisories_at

from . import admin_views
from .admin_ingest import ingest_bulletin_view
from .models import Actor, Alert, Incident, ReviewItem, Source
from .selectors import possible_duplicates, with_duplicate_ids
from .services.duplicates import incident_merge
from .services.incidents import (
    AREA_FIELDS, UPDATABLE_FIELDS, EditConflict, check_version, incident_create, incident_delete,
    incident_transition, incident_update,
)
from .services.records import record_delete, record_save
from .taxonomy import EVENT_TYPE_LABELS, EVENT_TYPES, SUB_EVENT_TYPE_LABELS
from .services.workflow import (
    REASONS, Unsourced, WorkflowError, allowed_statuses, has_source, may_change_record,
    may_delete, may_edit, may_transition,
)

S = Incident.Status


class DepartmentFilter(admin.SimpleListFilter):
    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return AdminArea.objects.filter(level=AdminArea.Level.DEPARTMENT).values_list("ubigeo", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(department__ubigeo=self.value())
        return queryset


class IncidentAdminForm(forms.ModelForm):
    """Offers only the statuses the user may move to, and refuses a save based on an old version."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None  # set by IncidentAdmin.get_form
    revert_record = None  # the historical record being restored, set when reverting

    class Meta:
        model = Incident
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = None
        self.stored_status = None
        if self.instance.pk:
            # From the database: when reverting, the instance is an earlier version.
            stored = Incident.objects.filter(pk=self.instance.pk).values_list(
                "version", "status").first()
            if stored is not None:
                self.fields["expected_version"].initial, current = stored
                self.stored_status = current
        if "status" in self.fields and self.user is not None:
            allowed = allowed_statuses(self.user, current)
            self.fields["status"].choices = [c for c in S.choices if c[0] in allowed]
            if current and self.initial.get("status") not in allowed:
                self.initial["status"] = current  # an earlier version's status is not offered
        if "sub_event_type" in self.fields:
            # Grouped under their event type; static/js/admin-event-types.js shows only the
            # chosen type's group (the model's clean() refuses a mismatch whatever is sent).
            field = self.fields["sub_event_type"]
            field.choices = [("", "---------")] + [
                (EVENT_TYPE_LABELS[event], [(sub, SUB_EVENT_TYPE_LABELS[sub]) for sub in subs])
                for event, subs in EVENT_TYPES.items()]
            field.widget.attrs["data-event-types"] = json.dumps(EVENT_TYPES)
        if self.revert_record is not None and not self.is_bound:
            # The historical instance carries no links: take them from the record.
            self.initial["actors"] = [r.actor_id for r in self.revert_record.actors.all()]
            self.initial["sources"] = [r.source_id for r in self.revert_record.sources.all()]

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is None:
            raise forms.ValidationError(_("This form carries no version number: reload the page "
                                          "and make your changes again."), code="no_version")
        if self.instance.pk:
            # Locks the row until the admin's transaction (which includes the save) ends.
            try:
                check_version(self.instance.pk, expected)
            except EditConflict as conflict:
                raise forms.ValidationError(str(conflict), code="edit_conflict") from conflict
        # The service refuses it too (workflow.check_sourced); here it is said beside the field.
        if (cleaned.get("status") == S.PUBLISHED and self.stored_status != S.PUBLISHED
                and "sources" in self.fields
                and not has_source(sources=cleaned.get("sources"), alert=cleaned.get("alert"),
                                   external_source=self.instance.external_source)):
            self.add_error("sources", forms.ValidationError(
                _("Publishing needs at least one source: add one here (or link the bulletin "
                  "it comes from)."), code="unsourced"))
        elif (cleaned.get("status") == S.PUBLISHED and self.stored_status == S.PUBLISHED
              and "sources" in self.fields and self.instance.pk
              and has_source(sources=self.instance.sources.exists(), alert=self.instance.alert_id,
                             external_source=self.instance.external_source)
              and not has_source(sources=cleaned.get("sources"), alert=cleaned.get("alert"),
                                 external_source=self.instance.external_source)):
            self.add_error("sources", forms.ValidationError(
                _("A published incident keeps at least one source: add another before removing "
                  "this one."), code="unsourced"))
        return cleaned


def _incident_link(incident_id, label=None):
    url = reverse("admin:incidents_incident_change", args=[incident_id])
    return format_html('<a href="{}">{}</a>', url, label or f"#{incident_id}")


def _alternatives(incident) -> str:
    return format_html_join(
        "", "<div>{} ({}, {}) – {}</div>",
        ((c.get("name"), c.get("kind"), c.get("ubigeo"), c.get("reason"))
         for c in incident.geocoder_alternatives),
    ) or "—"


# Messages live only in a signed cookie of at most 2 KB (MESSAGE_STORAGE): one listing every
# incident of a large selection would not fit and be dropped with the others. Lists in messages
# name at most this many, then how many more.
MESSAGE_LIST_MAX = 20


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:MESSAGE_LIST_MAX])
    more = len(items) - MESSAGE_LIST_MAX
    return _("%(shown)s and %(more)s more") % {"shown": shown, "more": more} if more > 0 else shown


class WorkflowActions:
    """Bulk status changes, each allowed per incident by incidents.services.workflow."""

    @staticmethod
    def _incidents(queryset):
        # The review queue lists ReviewItem proxies; history is recorded for Incident saves.
        return Incident.objects.filter(pk__in=queryset.values("pk")).order_by("pk")

    def _bulk_transition(self, request, queryset, target):
        moved, refused, unsourced = 0, [], []
        for incident in self._incidents(queryset):
            try:
                incident_transition(user=request.user, incident=incident, to=target)
                moved += 1
            except Unsourced:
                unsourced.append(f"#{incident.pk}")
            except WorkflowError:
                refused.append(f"#{incident.pk} ({str(incident.get_status_display()).lower()})")
        if moved:
            self.message_user(request, _("%(reason)s: %(count)s incident(s).") % {
                "reason": gettext(REASONS[target]), "count": moved}, messages.SUCCESS)
        if refused:
            self.message_user(
                request, _("Not changed (not allowed from their status): %(list)s.") % {"list": _some(refused)},
                messages.WARNING,
            )
        if unsourced:
            self.message_user(
                request, _("Not published (no source; add one first): %(list)s.") % {
                    "list": _some(unsourced)}, messages.WARNING,
            )

    @admin.action(description=_("Submit selected for review"), permissions=["submit"])
    def submit_for_review(self, request, queryset):
        self._bulk_transition(request, queryset, S.IN_REVIEW)

    @admin.action(description=_("Publish selected"), permissions=["publish"])
    def publish(self, request, queryset):
        self._bulk_transition(request, queryset, S.PUBLISHED)

    @admin.action(description=_("Send selected back to draft"), permissions=["publish"])
    def send_back_to_draft(self, request, queryset):
        self._bulk_transition(request, queryset, S.DRAFT)

    @admin.action(description=_("Archive selected (hidden, kept with history)"), permissions=["archive"])
    def archive(self, request, queryset):
        self._bulk_transition(request, queryset, S.ARCHIVED)

    @admin.action(description=_("Merge two selected duplicates…"), permissions=["merge"])
    def merge_duplicates(self, request, queryset):
        incidents = list(self._incidents(queryset))
        if len(incidents) != 2:
            self.message_user(request, _("Select exactly two incidents to merge."), messages.ERROR)
            return None
        survivor_id = request.POST.get("survivor")
        if request.POST.get("confirm") == "yes" and survivor_id:
            survivor = next((i for i in incidents if str(i.pk) == survivor_id), None)
            if survivor is None:
                self.message_user(request, _("Choose one of the two incidents."), messages.ERROR)
                return None
            duplicate = next(i for i in incidents if i is not survivor)
            try:
                incident_merge(user=request.user, survivor=survivor, duplicate=duplicate)
            except (ValueError, WorkflowError) as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                format_html(_("Merged #{} into {}; #{} is archived and points to it."),
                            duplicate.pk, _incident_link(survivor.pk), duplicate.pk),
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "incidents": incidents,
            "opts": self.model._meta,
            "action": "merge_duplicates",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/incidents/merge_duplicates.html", context)

    def has_submit_permission(self, request):
        return request.user.has_perm("incidents.submit_incident")

    def has_publish_permission(self, request):
        return request.user.has_perm("incidents.publish_incident")

    def has_archive_permission(self, request):
        return request.user.has_perm("incidents.archive_incident")

    def has_merge_permission(self, request):
        return request.user.has_perm("incidents.merge_incident")


@admin.register(Incident)
class IncidentAdmin(WorkflowActions, GuardedHistoryAdmin, LeafletGeoAdmin):
    form = IncidentAdminForm
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
    readonly_fields = [
        "place_search", "location_shown", *AREA_FIELDS, "advisory_in_force", "possible_duplicates",
        "geocoder_alternatives_shown", "duplicate_of", "external_source", "external_id",
        "version", "created_at", "updated_at",
    ]
    autocomplete_fields = ["actors", "sources"]
    raw_id_fields = ["alert"]
    actions = ["submit_for_review", "publish", "send_back_to_draft", "archive", "merge_duplicates"]
    history_list_display = ["status", "version"]
    fieldsets = [
        (None, {"fields": ["title", "description", "status", "expected_version"]}),
        (_("When"), {"fields": ["occurred_on", "date_precision"]}),
        (_("What"), {"fields": ["event_type", "sub_event_type", "fatalities", "injuries", "actors"]}),
        (
            _("Where"),
            {
                "fields": [
                    "place_search", "location", "location_name", "geo_precision",
                    "location_uncertainty_km", "area_level", *AREA_FIELDS, "advisory_in_force",
                    "geocoder_alternatives_shown",
                ],
                "description": _("Search the gazetteer or click the map to place the incident. "
                                 "Department, province and district are assigned from the point when saved."),
            },
        ),
        (_("Review"), {"fields": ["possible_duplicates", "duplicate_of", "version"]}),
        (_("Provenance"), {"fields": ["sources", "alert", "external_source", "external_id",
                                   "created_at", "updated_at"]}),
    ]

    change_list_template = "admin/incidents/incident_change_list.html"
    change_form_template = "admin/incidents/incident_change_form.html"

    # The buttons on an incident's page for its reviewer, in this order (#19 part 8).
    REVIEW_BUTTONS = {S.PUBLISHED: _("Publish"), S.DRAFT: _("Send back to draft")}

    class Media:
        js = ["js/admin-placement.js", "js/admin-event-types.js"]
        css = {"all": ["css/admin-placement.css"]}

    def get_urls(self):
        return [
            path("ingest-bulletin/", self.admin_site.admin_view(ingest_bulletin_view),
                 name="incidents_incident_ingest_bulletin"),
            path("import/", self.admin_site.admin_view(admin_views.import_file_view),
                 name="incidents_incident_import"),
            path("places/", self.admin_site.admin_view(admin_views.place_search_view),
                 name="incidents_incident_places"),
            path("<int:object_id>/status/", self.admin_site.admin_view(self.status_view),
                 name="incidents_incident_status"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.revert_record = getattr(request, "reverting_to", None)
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # published incidents are archived, never deleted
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the point as coordinates and place, not as EWKT ("SRID=4326;POINT(…)").
        return [(name, {**options, "fields": [
                    "location_shown" if f == "location" else f
                    for f in options["fields"] if f != "place_search"]})
                for name, options in fieldsets]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        incident = Incident.objects.filter(pk=object_id).only("status").first()
        buttons = [] if incident is None else [
            (target, label) for target, label in self.REVIEW_BUTTONS.items()
            if target != incident.status and may_transition(request.user, incident.status, target)]
        return super().change_view(request, object_id, form_url,
                                   {"review_buttons": buttons, **(extra_context or {})})

    def status_view(self, request, object_id):
        """POST to=published|draft: the Publish / Send back buttons of an incident's page.

        Threat line: any staff user can post it (the admin checks its CSRF token); `to` must be
        one of the two buttons' statuses (else 400), and incidents.services decides on the
        locked row whether this user may (else the refusal is shown as a message)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        incident = get_object_or_404(Incident, pk=object_id)
        target = request.POST.get("to", "")
        if target not in self.REVIEW_BUTTONS:
            return HttpResponseBadRequest(gettext("to: expected one of %(statuses)s.") % {
                "statuses": ", ".join(self.REVIEW_BUTTONS)}, content_type="text/plain")
        try:
            incident_transition(user=request.user, incident=incident, to=target)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("%(reason)s: %(count)s incident(s).") % {
                "reason": gettext(REASONS[target]), "count": 1}, messages.SUCCESS)
        return redirect(reverse("admin:incidents_incident_change", args=[incident.pk]))

    def has_change_permission(self, request, obj=None):
        return may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user, obj) if obj is not None else False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting saves through the same form, whose version check locks the row.
        request.reverting_to = Incident.history.filter(pk=version_id).first()
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Through the services, which decide (on the locked row) whether the user may."""
        data = form.cleaned_data
        fields = {name: data[name] for name in form.fields
                  if name in UPDATABLE_FIELDS and name in data}
        links = {name: list(data[name]) for name in ("actors", "sources") if name in data}
        try:
            if change:
                reason = ""
                record = getattr(request, "reverting_to", None)
                if record is not None:
                    # Only the form's fields are written: a merged duplicate stays merged.
                    reason = (f"Reverted to version {record.version} "  # stored: English
                              f"of {record.history_date:%Y-%m-%d %H:%M}")
                saved = incident_update(user=request.user, incident=obj,
                                        expected_version=data.get("expected_version"),
                                        change_reason=reason, **fields, **links)
            else:
                saved = incident_create(user=request.user, **fields, **links)
        except WorkflowError as error:
            # The form offered only what the rules allow, so this is a race lost to another
            # user's change (e.g. a publish); the transaction is rolled back.
            raise PermissionDenied(str(error)) from error
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """Actors and sources were written by the service (save_model); inlines, if any, here."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        incident_delete(user=request.user, incident=obj)

    def response_change(self, request, obj):
        self._warn_duplicates(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _warn_duplicates(self, request, obj):
        duplicates = list(possible_duplicates(obj)[:MESSAGE_LIST_MAX + 1])
        if duplicates:
            more = possible_duplicates(obj).count() - MESSAGE_LIST_MAX
            self.message_user(request, format_html(
                _("Possible duplicate(s) of this incident: {}{}. Merge them from the review queue "
                  "or the incident list (action “Merge two selected duplicates”)."),
                format_html_join(", ", "{}", ((_incident_link(d.pk, f"#{d.pk} {d.title[:80]}"),)
                                              for d in duplicates[:MESSAGE_LIST_MAX])),
                _(" and %(more)s more") % {"more": more} if more > 0 else "",
            ), messages.WARNING)

    @admin.display(description=_("Find a place"))
    def place_search(self, obj):
        return format_html(
            '<div class="place-search" data-url="{}" data-outlines-url="{}">'
            '<input type="search" class="place-search-input vTextField" autocomplete="off" '
            'placeholder="{}" aria-label="{}">'
            '<button type="button" class="button place-search-button">{}</button>'
            '<ul class="place-search-results" aria-live="polite"></ul>'
            '<p class="place-search-chosen" aria-live="polite"></p></div>',
            reverse("admin:incidents_incident_places"), reverse("api:region-list"),
            _("e.g. Natividad, Pichari"),
            _("Place name, then its district or province after a comma"), _("Search"),
        )

    @admin.display(description=_("Location"))
    def location_shown(self, obj):
        if obj is None or obj.location is None:
            return "—"
        areas = ", ".join(a.name for a in (obj.district, obj.province, obj.department) if a)
        return format_html(
            "{}<br>{}", _("latitude %(lat)s; longitude %(lon)s") % {
                "lat": floatformat(obj.location.y, 5), "lon": floatformat(obj.location.x, 5)},
            " – ".join(part for part in (obj.location_name, areas) if part) or "—")

    @admin.display(description=_("Advisory in force"))
    def advisory_in_force(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown once saved (the place search shows it at once).")
        zones = advisories_at(obj.location, on=obj.occurred_on or timezone.localdate())
        return format_html_join(
            ", ", "{} ({})", ((z.name, z.wording) for z in zones)
        ) or _("None at this point on this date.")

    @admin.display(description=_("Possible duplicates"))
    def possible_duplicates(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html_join(
            "", "<div>{} – {} ({})</div>",
            ((_incident_link(d.pk), d.title, d.occurred_on) for d in possible_duplicates(obj)),
        ) or _("None found.")

    @admin.display(description=_("Geocoder's other candidates"))
    def geocoder_alternatives_shown(self, obj):
        return _alternatives(obj) if obj is not None else "—"


class QueueStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(S.DRAFT, S.DRAFT.label), (S.IN_REVIEW, S.IN_REVIEW.label)]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(ReviewItem)
class ReviewQueueAdmin(WorkflowActions, admin.ModelAdmin):
    """Drafts and incidents in review, with their bulletin, geocoder alternatives and duplicates."""

    list_display = ["incident", "status", "occurred_on", "event_type", "place", "bulletin",
                    "alternatives", "duplicates"]
    list_display_links = None
    list_filter = [QueueStatusFilter, "event_type", DepartmentFilter]
    search_fields = ["title", "location_name"]
    list_select_related = ["alert", "district", "province", "department"]
    actions = ["submit_for_review", "publish", "send_back_to_draft", "archive", "merge_duplicates"]
    ordering = ["status", "-occurred_on", "-id"]

    class Media:
        css = {"all": ["css/admin-review-queue.css"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(status__in=[S.DRAFT, S.IN_REVIEW])
        return with_duplicate_ids(queryset)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Review queue: drafts and incidents in review"),
                         # "Select all 2 incidents", not "… 2 review queue" (the count: the
                         # template admin/incidents/reviewitem/pagination.html).
                         "module_name": _("incidents"),
                         **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # The queue is a view of incidents: the incident permissions apply.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("incidents.view_incident")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Incident"), ordering="title")
    def incident(self, obj):
        return _incident_link(obj.pk, obj.title)

    @admin.display(description=_("Place"))
    def place(self, obj):
        areas = " / ".join(a.name for a in (obj.district, obj.province, obj.department) if a)
        return format_html("{}<br><small>{}</small>", obj.location_name or "—", areas)

    @admin.display(description=_("Bulletin"))
    def bulletin(self, obj):
        if obj.alert is None:
            return "—"
        url = reverse("admin:incidents_alert_change", args=[obj.alert_id])
        return format_html('<a href="{}">{}</a>', url, obj.alert.headline)

    @admin.display(description=_("Geocoder's other candidates"))
    def alternatives(self, obj):
        return _alternatives(obj)

    @admin.display(description=_("Possible duplicates"))
    def duplicates(self, obj):
        return format_html_join(" ", "{}", ((_incident_link(i),) for i in obj.duplicate_ids)) or "—"


class RecordRulesMixin:
    """Actors, sources and bulletins are written through services.records, which applies the
    rule (an Editor changes one only while every incident using it is a draft)."""

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return may_change_record(request.user, obj)

    def save_model(self, request, obj, form, change):
        try:
            record_save(user=request.user, record=obj)
        except WorkflowError as error:
            raise PermissionDenied(str(error)) from error

    def delete_model(self, request, obj):
        record_delete(user=request.user, record=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one record at a time, through the service
        return actions


@admin.register(Actor)
class ActorAdmin(RecordRulesMixin, GuardedHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]


@admin.register(Source)
class SourceAdmin(RecordRulesMixin, GuardedHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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
class AlertAdmin(RecordRulesMixin, admin.ModelAdmin):
    inlines = [AlertIncidentInline]
    readonly_fields = ["story"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["headline", "published_at", "severity", "update_number", "previous"]
    list_filter = ["severity"]
    search_fields = ["headline", "raw_text"]
    raw_id_fields = ["previous"]

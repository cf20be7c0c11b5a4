"""Query parameters of the incident endpoints, validated: a bad one is a 400 naming it."""
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.params import BBoxField, LonLatField, ValuesField
from regions.models import AdminArea

from ..models import Dataset
from ..taxonomy import EVENT_TYPES

SYNTHETIC_CHOICES = ["exclude", "include", "only"]
ORDERINGS = ["occurred_on", "-occurred_on", "fatalities", "-fatalities", "id", "-id"]
ALL_SUB_EVENT_TYPES = [sub for subs in EVENT_TYPES.values() for sub in subs]
# The trigram index (incidents/sql/text_search.sql) can only narrow a search that holds a
# trigram: a run of 3 letters or digits. Shorter text would read the whole index and every row
# behind it.
MIN_SEARCH_RUN = 3
REPEAT = settings.FILTER_MAX_VALUES


class IncidentFilterParams(serializers.Serializer):
    bbox = BBoxField(required=False, help_text="minlon,minlat,maxlon,maxlat (WGS 84): incidents inside.")
    date_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    date_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    # Repeatable: `event_type=Battles&event_type=Riots` matches either (core.params.ValuesField).
    event_type = ValuesField(
        child=serializers.ChoiceField(choices=list(EVENT_TYPES)), required=False,
        help_text=f"ACLED event type; repeat for any of several (at most {REPEAT} values).",
    )
    sub_event_type = ValuesField(
        child=serializers.ChoiceField(choices=ALL_SUB_EVENT_TYPES), required=False,
        help_text="ACLED sub-event type; repeat for any of several. With event_type, each must "
        "belong to one of them.",
    )
    actor = ValuesField(
        child=serializers.CharField(max_length=200), required=False,
        help_text="Part of an actor's name or alias, ignoring case and accents (\"shining\" finds "
        "Shining Path); repeat for incidents of any of several.",
    )
    region = ValuesField(
        child=serializers.RegexField(
            r"^(\d{2}|\d{4}|\d{6})$",
            error_messages={"invalid": "Expected an ubigeo of 2, 4 or 6 digits."},
        ),
        required=False,
        help_text="INEI ubigeo of a department (2 digits), province (4) or district (6); repeat "
        "for incidents in any of several.",
    )
    dataset = ValuesField(
        child=serializers.SlugField(max_length=20), required=False,
        help_text="Dataset slug (e.g. vraem, acled); repeat for any of several.",
    )
    near = LonLatField(required=False, help_text="lon,lat: centre of a radius search (needs radius_km).")
    radius_km = serializers.FloatField(
        required=False, min_value=0, max_value=2000, help_text="Geodesic radius in km around `near`."
    )
    q = serializers.CharField(
        required=False, max_length=200,
        help_text="Text in title, description or location, ignoring case and accents; at least "
        f"{MIN_SEARCH_RUN} letters or digits in a row.",
    )
    min_fatalities = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    synthetic = serializers.ChoiceField(
        choices=SYNTHETIC_CHOICES, required=False, default="exclude",
        help_text="Synthetic load-test incidents (manage.py generate_synthetic): exclude (default), "
        "include them with the real ones, or only them.",
    )

    def validate_q(self, text: str) -> str:
        """Threat line: any stranger sends q (list, count, stats, tiles); it is one indexed
        LIKE with the wildcards escaped, and a text without a trigram is refused here."""
        if not re.search(rf"[^\W_]{{{MIN_SEARCH_RUN}}}", text):
            raise serializers.ValidationError(
                _("Expected at least %(count)s letters or digits in a row, got %(text)r.") % {
                    "count": MIN_SEARCH_RUN, "text": text}
            )
        return text

    def validate_region(self, ubigeos: list[str]) -> list:
        """The areas, in the order given (one query); an unknown ubigeo is named."""
        areas = {a.ubigeo: a for a in AdminArea.objects.filter(ubigeo__in=ubigeos).only("id", "level", "ubigeo")}
        unknown = [u for u in ubigeos if u not in areas]
        if unknown:
            raise serializers.ValidationError(_("Unknown ubigeo %(ubigeo)r.") % {"ubigeo": unknown[0]})
        return [areas[u] for u in ubigeos]

    def validate_dataset(self, slugs: list[str]) -> list[str]:
        """Threat line: dataset names are public (licence and citation travel with the data);
        a restricted dataset's rows stay hidden by visible_incidents whatever is asked here."""
        known = set(Dataset.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise serializers.ValidationError(_("Unknown dataset %(slug)r.") % {"slug": unknown[0]})
        return slugs

    def validate(self, attrs):
        errors = {}
        if "date_from" in attrs and "date_to" in attrs and attrs["date_from"] > attrs["date_to"]:
            errors["date_to"] = _("date_to must not be before date_from.")
        if ("near" in attrs) != ("radius_km" in attrs):
            missing = "radius_km" if "near" in attrs else "near"
            errors[missing] = _("near=lon,lat and radius_km=<km> go together.")
        if "event_type" in attrs and "sub_event_type" in attrs:
            allowed = {sub for kind in attrs["event_type"] for sub in EVENT_TYPES[kind]}
            stray = [sub for sub in attrs["sub_event_type"] if sub not in allowed]
            if stray:
                kinds = _(" or ").join(repr(kind) for kind in attrs["event_type"])
                errors["sub_event_type"] = _("%(sub)r is not a sub-event type of %(event)s.") % {"sub": stray[0], "event": kinds}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class IncidentListParams(IncidentFilterParams):
    format = serializers.ChoiceField(
        choices=["json", "geojson", "csv", "gpkg", "kml"], required=False, default="json",
        help_text="json: one page as GeoJSON; geojson, csv (ACLED columns), gpkg (GeoPackage) or "
        "kml: every match as a download "
        "(at most API_EXPORT_RATE downloads per client, default 10/minute; anonymous downloads "
        "of more than EXPORT_MAX_ROWS_ANON incidents, default 100,000, are refused with a 400).",
    )
    hxl = serializers.BooleanField(
        required=False, default=False, help_text="With format=csv: add an HXL hashtag row."
    )
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-occurred_on")
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**6, default=1)
    count_max = serializers.IntegerField(
        required=False, min_value=1, max_value=10**7,
        help_text="Stop counting at this many matches: `count` is then at most count_max and "
        "`count_capped` says whether there were more (cheap on large sets).",
    )
    page_size = serializers.IntegerField(
        required=False, min_value=0, max_value=settings.API_MAX_PAGE_SIZE, default=500,
        help_text=f"Features per page, at most {settings.API_MAX_PAGE_SIZE}; 0: only the count.",
    )

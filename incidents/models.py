from datetime import date

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import AdminArea

from .taxonomy import EVENT_TYPE_CHOICES, SUB_EVENT_TYPE_CHOICES, sub_event_belongs


class Actor(models.Model):
    """An armed, state or civilian actor, typed by ACLED's inter codes 1–8."""

    class Kind(models.IntegerChoices):
        STATE_FORCES = 1, _("State forces")
        REBEL_GROUP = 2, _("Rebel group")
        POLITICAL_MILITIA = 3, _("Political militia")
        IDENTITY_MILITIA = 4, _("Identity militia")
        RIOTERS = 5, _("Rioters")
        PROTESTERS = 6, _("Protesters")
        CIVILIANS = 7, _("Civilians")
        EXTERNAL_OTHER = 8, _("External/other forces")

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    kind = models.PositiveSmallIntegerField(verbose_name=_("kind"), choices=Kind.choices)
    aliases = ArrayField(models.CharField(max_length=200), verbose_name=_("aliases"), blank=True, default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return self.name


class Source(models.Model):
    """Where a report came from: a bulletin, an article, a dataset row."""

    name = models.CharField(verbose_name=_("name"), max_length=300)
    url = models.URLField(verbose_name=_("URL"), blank=True, max_length=500)
    published_on = models.DateField(verbose_name=_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "url"], name="source_name_url_unique")]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name


class Dataset(models.Model):
    """Where incidents come from as a whole (a bulletin, ACLED, UCDP, the editors, the demo
    seed), with the licence its rows are under and the citation its users owe.

    `redistribution` False: the licence forbids handing out its rows; unless
    RESTRICTED_DATASETS_PUBLIC is on, anonymous readers never receive them (map tiles may count
    them in clusters, nothing more). Rows are created by migration 0011; `release` is the last
    release loaded (e.g. UCDP GED "24.1", set by `manage.py load_ucdp`)."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=20, primary_key=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    url = models.URLField(verbose_name=_("URL"), blank=True, max_length=500)
    licence_name = models.CharField(verbose_name=_("licence name"), max_length=200)
    licence_url = models.URLField(verbose_name=_("licence URL"), blank=True, max_length=500)
    citation = models.TextField(verbose_name=_("citation"), blank=True)
    redistribution = models.BooleanField(verbose_name=_("redistribution"),
        default=True, help_text=_("The licence allows handing its rows out to anyone.")
    )
    attribution_required = models.BooleanField(verbose_name=_("attribution required"), default=True)
    release = models.CharField(verbose_name=_("release"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self):
        return self.name


class Alert(models.Model):
    """A received security bulletin, kept verbatim; incidents are drawn from it."""

    class Severity(models.TextChoices):
        INFORMATIONAL = "informational", _("Informational")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    headline = models.CharField(verbose_name=_("headline"), max_length=500)
    published_at = models.DateTimeField(verbose_name=_("published at"))
    severity = models.CharField(verbose_name=_("severity"), max_length=20, choices=Severity.choices)
    update_number = models.PositiveSmallIntegerField(verbose_name=_("update number"), null=True, blank=True)
    sections = models.JSONField(verbose_name=_("sections"), default=dict, blank=True, help_text=_("Section title → text."))
    source_url = models.URLField(verbose_name=_("source URL"), blank=True, max_length=500)
    raw_text = models.TextField(verbose_name=_("raw text"))
    story = models.CharField(verbose_name=_("story"),
        max_length=500, blank=True, db_index=True,
        help_text=_("The headline without '/update N', lower-cased: the same for every update."),
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("previous"), null=True, blank=True, on_delete=models.SET_NULL, related_name="updates",
        help_text=_("The earlier bulletin of the same story."),
    )

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["headline", "published_at"], name="alert_headline_published_unique"
            )
        ]

    def __str__(self):
        return self.headline


class Incident(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class DatePrecision(models.IntegerChoices):
        DAY = 1, _("Exact day")
        WEEK = 2, _("Within a week")
        MONTH = 3, _("Within a month")

    class GeoPrecision(models.IntegerChoices):
        EXACT = 1, _("Exact town or village")
        NEAR = 2, _("Near a town, or a small part of a region")
        AREA = 3, _("Only a larger area is known (its representative point)")

    title = models.CharField(verbose_name=_("title"), max_length=300)
    description = models.TextField(verbose_name=_("description"), blank=True)
    # #14 part 5: the language the description was written in (ISO 639-1: "es", "en"; blank:
    # not known). Pages show it as written, marked lang="…" and labelled in the other language.
    language = models.CharField(
        verbose_name=_("language"), max_length=2, blank=True, default="",
        db_default="",  # also for rows inserted by SQL (synthetic.py, tools/bench)
        help_text=_("ISO 639-1 code of the description as written (es, en); blank if not known."))
    occurred_on = models.DateField(verbose_name=_("occurred on"))
    date_precision = models.PositiveSmallIntegerField(verbose_name=_("date precision"),
        choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    event_type = models.CharField(verbose_name=_("event type"), max_length=40, choices=EVENT_TYPE_CHOICES)
    sub_event_type = models.CharField(verbose_name=_("sub-event type"), max_length=40, choices=SUB_EVENT_TYPE_CHOICES)
    location = models.PointField(verbose_name=_("location"), srid=4326)
    location_name = models.CharField(verbose_name=_("location name"), max_length=300, blank=True)
    geo_precision = models.PositiveSmallIntegerField(verbose_name=_("geo precision"),
        choices=GeoPrecision.choices, default=GeoPrecision.EXACT
    )
    location_uncertainty_km = models.FloatField(verbose_name=_("location uncertainty (km)"),
        null=True, blank=True, validators=[MinValueValidator(0)],
        help_text=_("Radius of the location's uncertainty in km, when the source states one "
        "(maps draw it around precision-2 points; empty: a default is drawn)."),
    )
    area_level = models.CharField(verbose_name=_("area level"),
        max_length=10,
        choices=AdminArea.Level.choices,
        default=AdminArea.Level.DISTRICT,
        help_text=_("The finest administrative level the location is known to. Areas below it "
        "stay empty (e.g. 'department' for 'in the Huancavelica region')."),
    )
    # Assigned by the database from `location` (trigger incidents_incident_assign_areas,
    # incidents/sql/assign_areas.sql).
    department = models.ForeignKey(
        AdminArea, verbose_name=_("department"), null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "department"},
    )
    province = models.ForeignKey(
        AdminArea, verbose_name=_("province"), null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "province"},
    )
    district = models.ForeignKey(
        AdminArea, verbose_name=_("district"), null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "district"},
    )
    fatalities = models.PositiveIntegerField(verbose_name=_("fatalities"), null=True, blank=True, help_text=_("Empty: unknown."))
    injuries = models.PositiveIntegerField(verbose_name=_("injuries"), null=True, blank=True, help_text=_("Empty: unknown."))
    actors = models.ManyToManyField(Actor, verbose_name=_("actors"), blank=True, related_name="incidents")
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="incidents")
    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    status = models.CharField(verbose_name=_("status"),
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="incidents", default="editor", db_default="editor",
        help_text=_("Where the incident comes from, with that dataset's licence and citation."),
    )
    external_source = models.CharField(verbose_name=_("external source"),
        max_length=20, blank=True, help_text=_("Namespace of external_id: the format or dataset the "
        "record was imported from (acled, ucdp, geojson).")
    )
    external_id = models.CharField(verbose_name=_("external ID"),
        max_length=100, blank=True, help_text=_("The record's id in that dataset.")
    )
    geocoder_alternatives = models.JSONField(verbose_name=_("geocoder alternatives"),
        default=list, db_default=[], blank=True, editable=False,
        help_text=_("Other gazetteer candidates the bulletin geocoder considered for the place."),
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="merged_duplicates",
        help_text=_("Set when this incident was merged into another (it is then archived)."),
    )
    # Optimistic locking: every save increments it; a save based on an older version is refused.
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, db_default=1, editable=False)
    is_synthetic = models.BooleanField(verbose_name=_("is synthetic"),
        default=False, db_default=False, editable=False,
        help_text=_("Made by `manage.py generate_synthetic` for load tests: never shown with real "
        "data unless a reader asks for it (synthetic=include|only)."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    # Areas are derived from the point by the database, so they are not history of their own.
    history = HistoricalRecords(
        excluded_fields=["department", "province", "district", "updated_at"],
        m2m_fields=[actors, sources],
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        permissions = [
            ("submit_incident", "Can submit a draft incident for review"),
            ("publish_incident", "Can publish an incident or send it back to draft"),
            ("archive_incident", "Can archive or restore an incident"),
            ("change_reviewed_incident", "Can edit incidents in review, published or archived"),
            ("merge_incident", "Can merge duplicate incidents"),
        ]
        indexes = [models.Index(fields=["occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(geo_precision__in=[1, 2, 3]), name="incident_geo_precision_1_3"
            ),
            models.CheckConstraint(
                condition=models.Q(date_precision__in=[1, 2, 3]), name="incident_date_precision_1_3"
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="incident_external_id_unique",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.event_type and self.sub_event_type and not sub_event_belongs(
            self.event_type, self.sub_event_type
        ):
            errors["sub_event_type"] = _("%(sub)r is not a sub-event type of %(event)r.") % {
                "sub": self.sub_event_type, "event": self.event_type}
        if self.occurred_on and self.occurred_on > date.today():
            errors["occurred_on"] = _("%(date)s is in the future.") % {"date": self.occurred_on.isoformat()}
        if self.location is not None and not AdminArea.objects.exists():
            errors["location"] = _("No boundaries are loaded: run `manage.py load_boundaries`.")
        elif self.location is not None and not AdminArea.objects.covering(self.location).exists():
            errors["location"] = _(
                "The point (longitude %(lon).5f, latitude %(lat).5f) is outside Peru's boundaries."
            ) % {"lon": self.location.x, "lat": self.location.y}
        if errors:
            raise ValidationError(errors)


class ReviewItem(Incident):
    """The admin's review queue: drafts and incidents in review (a view of Incident)."""

    class Meta:
        proxy = True
        verbose_name = _("review queue item")
        verbose_name_plural = _("review queue")

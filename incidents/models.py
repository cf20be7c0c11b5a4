from datetime import date

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from simple_history.models import HistoricalRecords

from regions.models import AdminArea

from .taxonomy import EVENT_TYPE_CHOICES, SUB_EVENT_TYPE_CHOICES, sub_event_belongs


class Actor(models.Model):
    """An armed, state or civilian actor, typed by ACLED's inter codes 1–8."""

    class Kind(models.IntegerChoices):
        STATE_FORCES = 1, "State forces"
        REBEL_GROUP = 2, "Rebel group"
        POLITICAL_MILITIA = 3, "Political militia"
        IDENTITY_MILITIA = 4, "Identity militia"
        RIOTERS = 5, "Rioters"
        PROTESTERS = 6, "Protesters"
        CIVILIANS = 7, "Civilians"
        EXTERNAL_OTHER = 8, "External/other forces"

    name = models.CharField(max_length=200, unique=True)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    aliases = ArrayField(models.CharField(max_length=200), blank=True, default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """Where a report came from: a bulletin, an article, a dataset row."""

    name = models.CharField(max_length=300)
    url = models.URLField(blank=True, max_length=500)
    published_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "url"], name="source_name_url_unique")]

    def __str__(self):
        return self.name


class Dataset(models.Model):
    """Where incidents come from as a whole (a bulletin, ACLED, UCDP, the editors, the demo
    seed), with the licence its rows are under and the citation its users owe.

    `redistribution` False: the licence forbids handing out its rows; unless
    RESTRICTED_DATASETS_PUBLIC is on, anonymous readers never receive them (map tiles may count
    them in clusters, nothing more). Rows are created by migration 0011; `release` is the last
    release loaded (e.g. UCDP GED "24.1", set by `manage.py load_ucdp`)."""

    slug = models.SlugField(max_length=20, primary_key=True)
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True, max_length=500)
    licence_name = models.CharField(max_length=200)
    licence_url = models.URLField(blank=True, max_length=500)
    citation = models.TextField(blank=True)
    redistribution = models.BooleanField(
        default=True, help_text="The licence allows handing its rows out to anyone."
    )
    attribution_required = models.BooleanField(default=True)
    release = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Alert(models.Model):
    """A received security bulletin, kept verbatim; incidents are drawn from it."""

    class Severity(models.TextChoices):
        INFORMATIONAL = "informational", "Informational"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    headline = models.CharField(max_length=500)
    published_at = models.DateTimeField()
    severity = models.CharField(max_length=20, choices=Severity.choices)
    update_number = models.PositiveSmallIntegerField(null=True, blank=True)
    sections = models.JSONField(default=dict, blank=True, help_text="Section title → text.")
    source_url = models.URLField(blank=True, max_length=500)
    raw_text = models.TextField()
    story = models.CharField(
        max_length=500, blank=True, db_index=True,
        help_text="The headline without '/update N', lower-cased: the same for every update.",
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="updates",
        help_text="The earlier bulletin of the same story.",
    )

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["headline", "published_at"], name="alert_headline_published_unique"
            )
        ]

    def __str__(self):
        return self.headline


class Incident(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class DatePrecision(models.IntegerChoices):
        DAY = 1, "Exact day"
        WEEK = 2, "Within a week"
        MONTH = 3, "Within a month"

    class GeoPrecision(models.IntegerChoices):
        EXACT = 1, "Exact town or village"
        NEAR = 2, "Near a town, or a small part of a region"
        AREA = 3, "Only a larger area is known (its representative point)"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # #14 part 5: the language the description was written in (ISO 639-1: "es", "en"; blank:
    # not known). Pages show it as written, marked lang="…" and labelled in the other language.
    language = models.CharField(
        max_length=2, blank=True, default="", db_default="",  # also for rows inserted by SQL (synthetic.py, tools/bench)
        help_text="ISO 639-1 code of the description as written (es, en); blank if not known.")
    occurred_on = models.DateField()
    date_precision = models.PositiveSmallIntegerField(
        choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    event_type = models.CharField(max_length=40, choices=EVENT_TYPE_CHOICES)
    sub_event_type = models.CharField(max_length=40, choices=SUB_EVENT_TYPE_CHOICES)
    location = models.PointField(srid=4326)
    location_name = models.CharField(max_length=300, blank=True)
    geo_precision = models.PositiveSmallIntegerField(
        choices=GeoPrecision.choices, default=GeoPrecision.EXACT
    )
    location_uncertainty_km = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Radius of the location's uncertainty in km, when the source states one "
        "(maps draw it around precision-2 points; empty: a default is drawn).",
    )
    area_level = models.CharField(
        max_length=10,
        choices=AdminArea.Level.choices,
        default=AdminArea.Level.DISTRICT,
        help_text="The finest administrative level the location is known to. Areas below it "
        "stay empty (e.g. 'department' for 'in the Huancavelica region').",
    )
    # Assigned by the database from `location` (trigger incidents_incident_assign_areas,
    # incidents/sql/assign_areas.sql).
    department = models.ForeignKey(
        AdminArea, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "department"},
    )
    province = models.ForeignKey(
        AdminArea, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "province"},
    )
    district = models.ForeignKey(
        AdminArea, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": "district"},
    )
    fatalities = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unknown.")
    injuries = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unknown.")
    actors = models.ManyToManyField(Actor, blank=True, related_name="incidents")
    sources = models.ManyToManyField(Source, blank=True, related_name="incidents")
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="incidents", default="editor", db_default="editor",
        help_text="Where the incident comes from, with that dataset's licence and citation.",
    )
    external_source = models.CharField(
        max_length=20, blank=True, help_text="Namespace of external_id: the format or dataset the "
        "record was imported from (acled, ucdp, geojson)."
    )
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The record's id in that dataset."
    )
    geocoder_alternatives = models.JSONField(
        default=list, db_default=[], blank=True, editable=False,
        help_text="Other gazetteer candidates the bulletin geocoder considered for the place.",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="merged_duplicates",
        help_text="Set when this incident was merged into another (it is then archived).",
    )
    # Optimistic locking: every save increments it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    is_synthetic = models.BooleanField(
        default=False, db_default=False, editable=False,
        help_text="Made by `manage.py generate_synthetic` for load tests: never shown with real "
        "data unless a reader asks for it (synthetic=include|only).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Areas are derived from the point by the database, so they are not history of their own.
    history = HistoricalRecords(
        excluded_fields=["department", "province", "district", "updated_at"],
        m2m_fields=[actors, sources],
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
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
            errors["sub_event_type"] = (
                f"{self.sub_event_type!r} is not a sub-event type of {self.event_type!r}."
            )
        if self.occurred_on and self.occurred_on > date.today():
            errors["occurred_on"] = f"{self.occurred_on.isoformat()} is in the future."
        if self.location is not None and not AdminArea.objects.exists():
            errors["location"] = "No boundaries are loaded: run `manage.py load_boundaries`."
        elif self.location is not None and not AdminArea.objects.covering(self.location).exists():
            errors["location"] = (
                f"The point (longitude {self.location.x:.5f}, latitude {self.location.y:.5f}) "
                "is outside Peru's boundaries."
            )
        if errors:
            raise ValidationError(errors)


class ReviewItem(Incident):
    """The admin's review queue: drafts and incidents in review (a view of Incident)."""

    class Meta:
        proxy = True
        verbose_name = "review queue item"
        verbose_name_plural = "review queue"

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from simple_history.models import HistoricalRecords


class AdminAreaQuerySet(models.QuerySet):
    def covering(self, point):
        """Departments whose polygon contains or touches the point (so: is it in Peru?)."""
        return self.filter(level=AdminArea.Level.DEPARTMENT, geom__intersects=point)


class AdminArea(models.Model):
    """A department, province or district of Peru, keyed by its short INEI ubigeo."""

    class Level(models.TextChoices):
        DEPARTMENT = "department", "Department"
        PROVINCE = "province", "Province"
        DISTRICT = "district", "District"

    UBIGEO_LENGTH = {Level.DEPARTMENT: 2, Level.PROVINCE: 4, Level.DISTRICT: 6}

    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    ubigeo = models.CharField(
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^(\d{2}|\d{4}|\d{6})$", "An ubigeo has 2, 4 or 6 digits.")],
        help_text="INEI code in short form: 2 digits (department), 4 (province), 6 (district).",
    )
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField(srid=4326)
    area_km2 = models.FloatField(help_text="Area in km² in an Albers equal-area projection.")
    label_point = models.PointField(srid=4326, help_text="A representative point inside the area.")

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        ordering = ["ubigeo"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="department", ubigeo__regex=r"^\d{2}$")
                    | models.Q(level="province", ubigeo__regex=r"^\d{4}$")
                    | models.Q(level="district", ubigeo__regex=r"^\d{6}$")
                ),
                name="adminarea_ubigeo_matches_level",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.ubigeo})"


class AdvisoryZone(models.Model):
    """An area a government advises travellers about, or a reference area (not advice).

    Each zone says what its issuer says: `issuer`, the issuer's own level name (`issuer_level`,
    e.g. "Level 4: Do Not Travel" or "Advise against all but essential travel"), the defining
    sentence quoted (`definition`) and its stated exceptions, the source URL, validity and when
    the definition was last checked against the source. `severity` only orders and colours
    zones across issuers; pages and the API always show issuer and wording next to it.
    """

    class Kind(models.TextChoices):
        ADVICE = "advice", "Travel advice"
        REFERENCE = "reference", "Reference area (not advice)"

    class Severity(models.IntegerChoices):
        # One scale across issuers, for colouring and filtering only; never shown on its own.
        # 1: no special advice (U.S. Level 1 "Exercise normal precautions"; UK: no FCDO warning;
        #    Canada "Take normal security precautions").
        # 2: take extra care (U.S. Level 2 "Exercise increased caution"; Canada "Exercise a
        #    high degree of caution"; UK: a see-travel-advice note without an advise-against).
        # 3: avoid unless essential (U.S. Level 3 "Reconsider travel"; UK "Advise against all
        #    but essential travel"; Canada "Avoid non-essential travel").
        # 4: do not go (U.S. Level 4 "Do Not Travel"; UK "Advise against all travel"; Canada
        #    "Avoid all travel").
        NO_SPECIAL_ADVICE = 1, "1 – no special advice"
        EXTRA_CARE = 2, "2 – take extra care"
        ESSENTIAL_ONLY = 3, "3 – avoid unless essential"
        DO_NOT_GO = 4, "4 – do not go"

    class Construction(models.TextChoices):
        AREAS = "areas", "Union of administrative areas"
        BORDER_BUFFER = "border_buffer", "Geodesic buffer of a border line, clipped to the department"
        REFERENCE = "reference", "By reference to another zone"
        DRAWN = "drawn", "Drawn or chosen in the admin"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ADVICE)
    issuer = models.CharField(max_length=200)
    issuer_level = models.CharField(
        max_length=200, blank=True,
        help_text='The issuer\'s own level name, as published ("Level 4: Do Not Travel", '
        '"Advise against all but essential travel", "Avoid all travel"). Empty for reference areas.',
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Normalised across issuers, for colouring and filtering (advice only).",
    )
    definition = models.TextField(
        blank=True, help_text="The sentence that defines the zone, quoted from the source.")
    exceptions = models.TextField(
        blank=True, help_text="Exceptions the source states (kept as text; not cut from the shape).")
    summary = models.TextField(blank=True)
    # #14 part 5: the language of wording, definition, exceptions and summary as the issuer
    # wrote them (ISO 639-1; U.S. and UK advice: "en"). Shown as written, labelled with it.
    language = models.CharField(
        max_length=2, blank=True, default="", db_default="",  # also for rows inserted by SQL (synthetic.py, tools/bench)
        help_text="ISO 639-1 code of the issuer's texts (es, en); blank if not known.")
    source_url = models.URLField(blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the definition was last checked against the source.")
    construction = models.CharField(
        max_length=20, choices=Construction.choices, default=Construction.DRAWN)
    construction_note = models.TextField(
        blank=True, help_text="How the shape was built from the definition, and what it leaves out.")
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="referenced_by",
        help_text="For zones defined by reference to another zone.",
    )
    geom = models.MultiPolygonField(srid=4326)
    areas = models.ManyToManyField(
        AdminArea, blank=True, related_name="advisory_zones",
        help_text="When given, the zone is the union of these areas (computed in PostGIS).",
    )
    buffer_km = models.FloatField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text="Widen the union of the areas by this many km (0: the areas exactly).",
    )
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["kind", "-severity", "issuer", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="advice", severity__gte=1, severity__lte=4)
                | models.Q(kind="reference", severity__isnull=True),
                name="advisoryzone_severity_for_advice_only",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="advisoryzone_valid_until_after_from",
            ),
        ]

    @property
    def wording(self) -> str:
        """Issuer and the issuer's own words: "U.S. Department of State — Level 4: Do Not Travel"."""
        if self.kind == self.Kind.REFERENCE:
            return f"{self.issuer} — reference area, not travel advice"
        return f"{self.issuer} — {self.issuer_level}"

    def __str__(self):
        return f"{self.name} ({self.wording})"


class Place(models.Model):
    """A gazetteer entry: a populated place, a district capital or an administrative area's name.

    `name_norm` is the name lower-cased without accents or punctuation (see regions.text), so
    lookups are case- and accent-insensitive; a trigram index serves misspellings. `ubigeo` is
    the finest area the place lies in (6 digits), or the area's own code for area names, so
    `ubigeo__startswith` filters by department or province.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        PROVINCE = "province", "Province"
        DISTRICT = "district", "District"
        CAPITAL = "capital", "District capital"
        POPULATED_PLACE = "populated_place", "Populated place"

    AREA_KINDS = (Kind.DEPARTMENT, Kind.PROVINCE, Kind.DISTRICT)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=12, help_text="INEI place code (ccpp) or ubigeo.")
    name = models.CharField(max_length=200)
    name_norm = models.CharField(max_length=200, db_index=True)
    ubigeo = models.CharField(max_length=6, db_index=True)
    point = models.PointField(srid=4326)
    district = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.CASCADE, related_name="places",
        help_text="The district the place lies in (empty for department and province names).",
    )
    area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="For an area's name: the area itself.",
    )
    urban = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="place_kind_code_unique")]
        indexes = [
            GinIndex(name="place_name_norm_trgm", fields=["name_norm"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.ubigeo})"


class PlaceCorrection(models.Model):
    """A gazetteer place whose INEI point lies outside the polygon of the district INEI lists it
    under (1,531 populated places and 5 capitals in the shipped data), computed in PostGIS by
    `regions.services.gazetteer.refresh_place_corrections` whenever the gazetteer is loaded.

    The geocoder reads it to keep an incident in the district the text (or the gazetteer's own
    code) names; the admin lists it as a data-quality report."""

    place = models.OneToOneField(
        Place, on_delete=models.CASCADE, primary_key=True, related_name="correction",
    )
    found_in = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="The district the INEI point falls in (empty: in none, e.g. on a lake).",
    )
    distance_km = models.FloatField(
        help_text="Geodesic distance from the INEI point to its own district's polygon, km.")
    inside_point = models.PointField(
        srid=4326,
        help_text="Where the place goes when kept in its own district: the nearest point inside "
        "it, or the district's representative point when the INEI point is implausibly far.",
    )
    split = models.BooleanField(
        default=False,
        help_text="The point falls in a district of the same department that has no place of "
        "its own in the gazetteer: a district created after the gazetteer was made.",
    )

    class Meta:
        ordering = ["-distance_km", "place_id"]
        verbose_name = "gazetteer place outside its district"
        verbose_name_plural = "gazetteer places outside their district"

    def __str__(self):
        return f"{self.place.name}: {self.distance_km:.1f} km outside {self.place.ubigeo}"


class DistrictIndicators(models.Model):
    """Context for a district from INEI/RENIEC (ubigeo-peru-aumentado's district table).

    Empty values stay NULL (a few districts lack some indicators)."""

    district = models.OneToOneField(
        AdminArea, on_delete=models.CASCADE, primary_key=True, related_name="indicators",
        limit_choices_to={"level": "district"},
    )
    capital = models.CharField(max_length=200, blank=True)
    altitude_m = models.FloatField(null=True, help_text="Altitude of the capital, metres.")
    surface_km2 = models.FloatField(null=True, help_text="Official surface, km².")
    density_2020 = models.FloatField(null=True, help_text="Inhabitants per km², 2020.")
    poverty_pct = models.FloatField(null=True, help_text="Share of people in poverty, %.")
    extreme_poverty_pct = models.FloatField(null=True, help_text="Share in extreme poverty, %.")
    hdi_2019 = models.FloatField(null=True, help_text="Human development index, 2019 (0–1).")
    food_vulnerability = models.FloatField(null=True, help_text="Food vulnerability index (0–1).")

    class Meta:
        verbose_name_plural = "district indicators"

    def __str__(self):
        return f"Indicators of {self.district}"

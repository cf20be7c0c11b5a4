from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AdminAreaQuerySet(models.QuerySet):
    def covering(self, point):
        """Departments whose polygon contains or touches the point (so: is it in Peru?)."""
        return self.filter(level=AdminArea.Level.DEPARTMENT, geom__intersects=point)


class AdminArea(models.Model):
    """A department, province or district of Peru, keyed by its short INEI ubigeo."""

    class Level(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")

    UBIGEO_LENGTH = {Level.DEPARTMENT: 2, Level.PROVINCE: 4, Level.DISTRICT: 6}

    level = models.CharField(verbose_name=_("level"), max_length=10, choices=Level.choices, db_index=True)
    ubigeo = models.CharField(verbose_name=_("ubigeo"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^(\d{2}|\d{4}|\d{6})$", _("An ubigeo has 2, 4 or 6 digits."))],
        help_text=_("INEI code in short form: 2 digits (department), 4 (province), 6 (district)."),
    )
    name = models.CharField(verbose_name=_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField(verbose_name=_("geometry"), srid=4326)
    area_km2 = models.FloatField(verbose_name=_("area (km²)"), help_text=_("Area in km² in an Albers equal-area projection."))
    label_point = models.PointField(verbose_name=_("label point"), srid=4326, help_text=_("A representative point inside the area."))

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        ordering = ["ubigeo"]
        verbose_name = _("admin area")
        verbose_name_plural = _("admin areas")
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
        ADVICE = "advice", _("Travel advice")
        REFERENCE = "reference", _("Reference area (not advice)")

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
        NO_SPECIAL_ADVICE = 1, _("1 – no special advice")
        EXTRA_CARE = 2, _("2 – take extra care")
        ESSENTIAL_ONLY = 3, _("3 – avoid unless essential")
        DO_NOT_GO = 4, _("4 – do not go")

    class Construction(models.TextChoices):
        AREAS = "areas", _("Union of administrative areas")
        BORDER_BUFFER = "border_buffer", _("Geodesic buffer of a border line, clipped to the department")
        REFERENCE = "reference", _("By reference to another zone")
        DRAWN = "drawn", _("Drawn or chosen in the admin")

    slug = models.SlugField(verbose_name=_("slug"), unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=Kind.choices, default=Kind.ADVICE)
    issuer = models.CharField(verbose_name=_("issuer"), max_length=200)
    issuer_level = models.CharField(verbose_name=_("issuer level"),
        max_length=200, blank=True,
        help_text=_('The issuer\'s own level name, as published ("Level 4: Do Not Travel", '
        '"Advise against all but essential travel", "Avoid all travel"). Empty for reference areas.'),
    )
    severity = models.PositiveSmallIntegerField(verbose_name=_("severity"),
        choices=Severity.choices, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Normalised across issuers, for colouring and filtering (advice only)."),
    )
    definition = models.TextField(verbose_name=_("definition"),
        blank=True, help_text=_("The sentence that defines the zone, quoted from the source."))
    exceptions = models.TextField(verbose_name=_("exceptions"),
        blank=True, help_text=_("Exceptions the source states (kept as text; not cut from the shape)."))
    summary = models.TextField(verbose_name=_("summary"), blank=True)
    # #14 part 5: the language of wording, definition, exceptions and summary as the issuer
    # wrote them (ISO 639-1; U.S. and UK advice: "en"). Shown as written, labelled with it.
    language = models.CharField(
        verbose_name=_("language"), max_length=2, blank=True, default="",
        db_default="",  # also for rows inserted by SQL
        help_text=_("ISO 639-1 code of the issuer's texts (es, en); blank if not known."))
    source_url = models.URLField(verbose_name=_("source URL"), blank=True)
    valid_from = models.DateField(verbose_name=_("valid from"))
    valid_until = models.DateField(verbose_name=_("valid until"), null=True, blank=True)
    last_reviewed = models.DateField(verbose_name=_("last reviewed"),
        null=True, blank=True, help_text=_("When the definition was last checked against the source."))
    construction = models.CharField(verbose_name=_("construction"),
        max_length=20, choices=Construction.choices, default=Construction.DRAWN)
    construction_note = models.TextField(verbose_name=_("construction note"),
        blank=True, help_text=_("How the shape was built from the definition, and what it leaves out."))
    same_as = models.ForeignKey(
        "self", verbose_name=_("same as"), null=True, blank=True, on_delete=models.PROTECT, related_name="referenced_by",
        help_text=_("For zones defined by reference to another zone."),
    )
    geom = models.MultiPolygonField(verbose_name=_("geometry"), srid=4326)
    areas = models.ManyToManyField(
        AdminArea, verbose_name=_("areas"), blank=True, related_name="advisory_zones",
        help_text=_("When given, the zone is the union of these areas (computed in PostGIS)."),
    )
    buffer_km = models.FloatField(verbose_name=_("buffer (km)"),
        default=0, validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_("Widen the union of the areas by this many km (0: the areas exactly)."),
    )
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["kind", "-severity", "issuer", "name"]
        verbose_name = _("advisory zone")
        verbose_name_plural = _("advisory zones")
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
        DEPARTMENT = "department", _("Department")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        CAPITAL = "capital", _("District capital")
        POPULATED_PLACE = "populated_place", _("Populated place")

    AREA_KINDS = (Kind.DEPARTMENT, Kind.PROVINCE, Kind.DISTRICT)

    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(verbose_name=_("code"), max_length=12, help_text=_("INEI place code (ccpp) or ubigeo."))
    name = models.CharField(verbose_name=_("name"), max_length=200)
    name_norm = models.CharField(verbose_name=_("normalised name"), max_length=200, db_index=True)
    ubigeo = models.CharField(verbose_name=_("ubigeo"), max_length=6, db_index=True)
    point = models.PointField(verbose_name=_("point"), srid=4326)
    district = models.ForeignKey(
        AdminArea, verbose_name=_("district"), null=True, blank=True, on_delete=models.CASCADE, related_name="places",
        help_text=_("The district the place lies in (empty for department and province names)."),
    )
    area = models.ForeignKey(
        AdminArea, verbose_name=_("area"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("For an area's name: the area itself."),
    )
    urban = models.BooleanField(verbose_name=_("urban"), default=False)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
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
        Place, verbose_name=_("place"), on_delete=models.CASCADE, primary_key=True, related_name="correction",
    )
    found_in = models.ForeignKey(
        AdminArea, verbose_name=_("found in"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("The district the INEI point falls in (empty: in none, e.g. on a lake)."),
    )
    distance_km = models.FloatField(verbose_name=_("distance (km)"),
        help_text=_("Geodesic distance from the INEI point to its own district's polygon, km."))
    inside_point = models.PointField(verbose_name=_("inside point"),
        srid=4326,
        help_text=_("Where the place goes when kept in its own district: the nearest point inside "
        "it, or the district's representative point when the INEI point is implausibly far."),
    )
    split = models.BooleanField(verbose_name=_("split"),
        default=False,
        help_text=_("The point falls in a district of the same department that has no place of "
        "its own in the gazetteer: a district created after the gazetteer was made."),
    )

    class Meta:
        ordering = ["-distance_km", "place_id"]
        verbose_name = _("gazetteer place outside its district")
        verbose_name_plural = _("gazetteer places outside their district")

    def __str__(self):
        return f"{self.place.name}: {self.distance_km:.1f} km outside {self.place.ubigeo}"


class DistrictIndicators(models.Model):
    """Context for a district from INEI/RENIEC (ubigeo-peru-aumentado's district table).

    Empty values stay NULL (a few districts lack some indicators)."""

    district = models.OneToOneField(
        AdminArea, verbose_name=_("district"), on_delete=models.CASCADE, primary_key=True, related_name="indicators",
        limit_choices_to={"level": "district"},
    )
    capital = models.CharField(verbose_name=_("capital"), max_length=200, blank=True)
    altitude_m = models.FloatField(verbose_name=_("altitude (m)"), null=True, help_text=_("Altitude of the capital, metres."))
    surface_km2 = models.FloatField(verbose_name=_("surface (km²)"), null=True, help_text=_("Official surface, km²."))
    density_2020 = models.FloatField(verbose_name=_("density 2020"), null=True, help_text=_("Inhabitants per km², 2020."))
    poverty_pct = models.FloatField(verbose_name=_("poverty (%)"), null=True, help_text=_("Share of people in poverty, %."))
    extreme_poverty_pct = models.FloatField(verbose_name=_("extreme poverty (%)"), null=True, help_text=_("Share in extreme poverty, %."))
    hdi_2019 = models.FloatField(verbose_name=_("HDI 2019"), null=True, help_text=_("Human development index, 2019 (0–1)."))
    food_vulnerability = models.FloatField(verbose_name=_("food vulnerability"), null=True, help_text=_("Food vulnerability index (0–1)."))

    class Meta:
        verbose_name = _("district indicators")
        verbose_name_plural = _("district indicators")

    def __str__(self):
        return f"Indicators of {self.district}"

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
    """An area a government advises travellers about, built from administrative areas."""

    class Level(models.IntegerChoices):
        NORMAL = 1, "1 – Exercise normal precautions"
        INCREASED_CAUTION = 2, "2 – Exercise increased caution"
        RECONSIDER = 3, "3 – Reconsider travel / avoid all but essential travel"
        DO_NOT_TRAVEL = 4, "4 – Do not travel / avoid all travel"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        choices=Level.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    issuer = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source_url = models.URLField(blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
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
        ordering = ["-level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="advisoryzone_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="advisoryzone_valid_until_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.name} (level {self.level})"


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

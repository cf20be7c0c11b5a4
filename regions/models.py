from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator


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
    areas = models.ManyToManyField(AdminArea, blank=True, related_name="advisory_zones")

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

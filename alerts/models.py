"""Saved views that e-mail their owner about newly published incidents (issue #15 part 2).

An alert (`Subscription`) is an area (a region, a drawn polygon, or a radius around a point
or a gazetteer place) plus filters; a `Delivery` row per (alert, incident) makes each
incident reach each alert at most once, whatever re-saves, re-publishing or merges follow.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regions.models import AdminArea, Place

LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]


class Subscription(models.Model):
    class AreaKind(models.TextChoices):
        REGION = "region", _("A department, province or district")
        POLYGON = "polygon", _("A drawn polygon")
        RADIUS = "radius", _("A radius around a point or a place")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("Daily digest")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="alert_subscriptions", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=100)
    area_kind = models.CharField(_("area"), max_length=10, choices=AreaKind.choices)
    region = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("region"))
    polygon = models.MultiPolygonField(_("polygon"), srid=4326, null=True, blank=True)
    center = models.PointField(_("centre"), srid=4326, null=True, blank=True)
    radius_km = models.FloatField(_("radius (km)"), null=True, blank=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("place"))
    event_types = ArrayField(models.CharField(max_length=40), default=list, blank=True,
                             verbose_name=_("event types"),
                             help_text=_("Empty: every event type."))
    min_fatalities = models.PositiveIntegerField(_("at least this many fatalities"),
                                                 null=True, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="es")
    paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("e-mail", "alert")
        verbose_name_plural = pgettext_lazy("e-mail", "alerts")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="alert_area_matches_kind",
                condition=(
                    models.Q(area_kind="region", region__isnull=False)
                    | models.Q(area_kind="polygon", polygon__isnull=False)
                    | models.Q(area_kind="radius", center__isnull=False, radius_km__gt=0)
                ),
            ),
        ]

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One incident for one alert: claimed once (unique pair), sent once."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped (archived, merged or paused before sending)")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "incident"],
                                    name="alert_delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "subscription"])]

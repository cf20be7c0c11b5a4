"""Every write to alerts, with the acting user; matching and sending, set-based in PostGIS.

Threat line (what a user sends here and what it could make us do):
- a signed-in account sends an alert's name, area and filters: the name is plain text (no
  control characters, so no header injection; escaped in pages and HTML mail); a polygon is
  checked valid, at most ALERTS_MAX_VERTICES vertices and ALERTS_MAX_AREA_KM2 (geodesic),
  inside Peru's bounding box; a radius is ALERTS_MIN_RADIUS_KM..ALERTS_MAX_RADIUS_KM around a
  point in Peru; a place is looked up in the gazetteer; at most ALERTS_MAX_PER_USER alerts per
  account (counted under a lock on the account's row, so parallel posts cannot pass it);
- an owner pauses, resumes or deletes an alert: only their own (workflow.may_manage_alert);
- anyone holding a link from a message (no login) unsubscribes or pauses that one alert: the
  link carries a signature made with SECRET_KEY, so ids of other alerts cannot be guessed.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident
from incidents.services.workflow import WorkflowError, may_manage_alert, may_subscribe
from incidents.taxonomy import EVENT_TYPES
from regions.geocoding import geocode
from regions.models import AdminArea, Place

from .links import make_token, read_token  # noqa: F401  (callers use services.*)
from .models import Delivery, Subscription

log = logging.getLogger(__name__)
Kind = Subscription.AreaKind
# Peru with a margin: a drawn shape or point outside it can never match an incident.
PERU_BBOX = (-82.0, -19.0, -68.0, 0.5)


# Input -------------------------------------------------------------------------------------

def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the alert a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationError({"name": _("The name may not contain line breaks or control characters.")})
    return name


def _in_peru_bbox(geom) -> bool:
    xmin, ymin, xmax, ymax = geom.extent
    west, south, east, north = PERU_BBOX
    return west <= xmin and xmax <= east and south <= ymin and ymax <= north


def clean_polygon(value) -> MultiPolygon:
    """A drawn polygon (GEOS or GeoJSON text): valid, small enough, in Peru."""
    if value in (None, ""):
        raise ValidationError({"polygon": _("Draw the area on the map.")})
    try:
        geom = value if hasattr(value, "geom_type") else GEOSGeometry(str(value))
    except (ValueError, TypeError, Exception) as error:  # GDALException, GEOSException
        raise ValidationError({"polygon": _("The polygon could not be read (%(error)s).")
                               % {"error": str(error)[:200]}}) from error
    if geom.srid is None:
        geom.srid = 4326
    if geom.srid != 4326:
        geom.transform(4326)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    if not isinstance(geom, MultiPolygon) or geom.empty:
        raise ValidationError({"polygon": _("Draw a polygon (an area), not a line or a point.")})
    if geom.num_coords > settings.ALERTS_MAX_VERTICES:
        raise ValidationError({"polygon": _("The polygon has %(n)s vertices; at most %(max)s.")
                               % {"n": geom.num_coords, "max": settings.ALERTS_MAX_VERTICES}})
    if not geom.valid:
        raise ValidationError({"polygon": _("The polygon is not valid (%(reason)s).")
                               % {"reason": geom.valid_reason}})
    if not _in_peru_bbox(geom):
        raise ValidationError({"polygon": _("The polygon reaches outside Peru.")})
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKB(%s)::geography) / 1e6", [bytes(geom.ewkb)])
        area_km2 = cursor.fetchone()[0]
    if area_km2 > settings.ALERTS_MAX_AREA_KM2:
        raise ValidationError({"polygon": _("The polygon covers %(area)s km²; at most %(max)s km².")
                               % {"area": f"{area_km2:,.0f}", "max": f"{settings.ALERTS_MAX_AREA_KM2:,}"}})
    return geom


def clean_radius(radius_km) -> float:
    try:
        radius = float(radius_km)
    except (TypeError, ValueError):
        raise ValidationError({"radius_km": _("Give the radius in km.")}) from None
    low, high = settings.ALERTS_MIN_RADIUS_KM, settings.ALERTS_MAX_RADIUS_KM
    if not (low <= radius <= high):  # also refuses NaN and infinity
        raise ValidationError({"radius_km": _("The radius must be between %(low)s and %(high)s km.")
                               % {"low": low, "high": high}})
    return radius


def clean_center(center: Point) -> Point:
    if center is None or not AdminArea.objects.covering(center).exists():
        raise ValidationError({"center": _("The point is not in Peru.")})
    return center


def find_place(text: str) -> tuple[Place, Point]:
    """'Natividad, Pichari': the gazetteer's best candidate for a name and its district, and
    its point (moved inside its district when the INEI point lies outside, as the geocoder does)."""
    name, _sep, rest = (text or "").partition(",")
    qualifiers = [part.strip() for part in rest.split(",") if part.strip()]
    found = geocode(name.strip()[:200], qualifiers=qualifiers[:3], prefer_vraem=True, limit=1)
    if not found:
        raise ValidationError({"place": _("No place called %(name)s in the gazetteer.")
                               % {"name": text[:100]}})
    best = found[0]
    return Place.objects.get(pk=best.place_id), Point(best.longitude, best.latitude, srid=4326)


def clean_filters(event_types, min_fatalities) -> tuple[list[str], int | None]:
    event_types = sorted(set(event_types or []))
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown:
        raise ValidationError({"event_types": _("Unknown event type: %(types)s.")
                               % {"types": ", ".join(t[:40] for t in unknown[:5])}})
    if min_fatalities in ("", None):
        return event_types, None
    try:
        value = int(min_fatalities)
    except (TypeError, ValueError):
        raise ValidationError({"min_fatalities": _("Give a whole number of fatalities.")}) from None
    if not 0 <= value <= 100000:
        raise ValidationError({"min_fatalities": _("Fatalities must be between 0 and 100000.")})
    return event_types, value


# Writes ------------------------------------------------------------------------------------

@transaction.atomic
def subscription_create(*, user, name: str, area_kind: str, region: str | AdminArea | None = None,
                        polygon=None, center: Point | None = None, place: str | Place | None = None,
                        radius_km=None, event_types=(), min_fatalities=None,
                        frequency: str = Subscription.Frequency.IMMEDIATE,
                        language: str = "es") -> Subscription:
    """Save an alert for `user` (its owner), after checking every input (see the threat line)."""
    if not may_subscribe(user):
        raise WorkflowError(_("You may not save alerts."))
    if not getattr(user, "email", ""):
        raise ValidationError(_("Your account has no e-mail address; ask an administrator to add one."))
    # The count is taken under a lock on the owner's row: two parallel posts cannot both pass.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if Subscription.objects.filter(user=user).count() >= settings.ALERTS_MAX_PER_USER:
        raise ValidationError(_("You have %(max)s alerts, the most one account may have; delete one first.")
                              % {"max": settings.ALERTS_MAX_PER_USER})
    subscription = Subscription(user=user, name=clean_name(name), frequency=frequency,
                                language=language)
    subscription.event_types, subscription.min_fatalities = clean_filters(event_types, min_fatalities)
    subscription.area_kind = area_kind
    if area_kind == Kind.REGION:
        if not isinstance(region, AdminArea):
            region = AdminArea.objects.filter(ubigeo=str(region or "")[:6]).first()
        if region is None:
            raise ValidationError({"region": _("Choose a department, province or district.")})
        subscription.region = region
    elif area_kind == Kind.POLYGON:
        subscription.polygon = clean_polygon(polygon)
    elif area_kind == Kind.RADIUS:
        if isinstance(place, Place):
            subscription.place, center = place, place.point
        elif place:
            subscription.place, center = find_place(place)
        subscription.center = clean_center(center)
        subscription.radius_km = clean_radius(radius_km)
    else:
        raise ValidationError({"area_kind": _("Choose a region, a polygon or a radius.")})
    subscription.full_clean()
    subscription.save()
    return subscription


def _check_manage(user, subscription: Subscription, *, no_key: bool = False) -> Subscription:
    # Pausing changes no key: FOR NO KEY UPDATE lets deliveries being claimed for this alert
    # (they hold FOR KEY SHARE on it) go on at the same time.
    stored = Subscription.objects.select_for_update(no_key=no_key).get(pk=subscription.pk)
    if not may_manage_alert(user, stored):
        raise WorkflowError(_("This is not your alert."))
    return stored


@transaction.atomic
def subscription_set_paused(*, user, subscription: Subscription, paused: bool) -> Subscription:
    stored = _check_manage(user, subscription, no_key=True)
    if stored.paused != paused:
        stored.paused = paused
        stored.save(update_fields=["paused"])
    return stored


@transaction.atomic
def subscription_delete(*, user, subscription: Subscription) -> None:
    _check_manage(user, subscription).delete()


@transaction.atomic
def apply_token(token: str) -> tuple[Subscription, str] | None:
    """Unsubscribe (delete) or pause the alert of a signed link; the link is the authority
    (the owner's mailbox received it), so it acts as the owner."""
    found = read_token(token)
    if found is None:
        return None
    subscription, action = found
    if action == "unsubscribe":
        subscription_delete(user=subscription.user, subscription=subscription)
    else:
        subscription_set_paused(user=subscription.user, subscription=subscription, paused=True)
    return subscription, action


# Matching: one statement for all alerts -----------------------------------------------------

CLAIM_SQL = """
INSERT INTO alerts_delivery (subscription_id, incident_id, state, attempts, last_error, created_at)
SELECT s.id, i.id, 'pending', 0, '', now()
FROM incidents_incident i
JOIN alerts_subscription s ON NOT s.paused
WHERE i.id = %(incident)s
  AND i.status = 'published' AND NOT i.is_synthetic
  AND i.occurred_on >= current_date - %(max_age)s
  AND (cardinality(s.event_types) = 0 OR i.event_type = ANY (s.event_types))
  AND (s.min_fatalities IS NULL OR coalesce(i.fatalities, 0) >= s.min_fatalities)
  AND CASE s.area_kind
        WHEN 'region' THEN s.region_id IN (i.department_id, i.province_id, i.district_id)
        WHEN 'polygon' THEN ST_Intersects(s.polygon, i.location)
        WHEN 'radius' THEN ST_DWithin(s.center::geography, i.location::geography,
                                      s.radius_km * 1000.0)
        ELSE false
      END
ON CONFLICT (subscription_id, incident_id) DO NOTHING
"""


def claim_deliveries(incident_id: int) -> int:
    """Queue one delivery per matching alert for this published incident; pairs already
    claimed are left alone (the unique (alert, incident) row), so re-saving, re-publishing
    or merging never queues a second message. Returns how many were queued now.

    Matching (one PostGIS statement for all alerts): a region as the explorer filters it (the
    areas assigned to the incident); a polygon by ST_Intersects; a radius by geodesic
    ST_DWithin on the WGS 84 spheroid. Incidents that occurred more than ALERTS_MAX_AGE_DAYS
    ago are history, not news: re-publishing an old one tells nobody."""
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, {"incident": incident_id, "max_age": settings.ALERTS_MAX_AGE_DAYS})
        return cursor.rowcount


def claim_deliveries_on_save(sender, instance: Incident, raw=False, **kwargs):
    """post_save of Incident: runs inside the publishing transaction (rolled back with it)."""
    if raw or instance.status != Incident.Status.PUBLISHED or instance.is_synthetic:
        return
    claim_deliveries(instance.pk)


# Sending (outside the request: manage.py send_alerts) ---------------------------------------

SKIP_SQL = """
UPDATE alerts_delivery d SET state = 'skipped'
FROM incidents_incident i, alerts_subscription s
WHERE d.state = 'pending' AND i.id = d.incident_id AND s.id = d.subscription_id
  AND (i.status <> 'published' OR s.paused
       OR EXISTS (SELECT 1 FROM alerts_delivery sent
                  JOIN incidents_incident merged ON merged.id = sent.incident_id
                  WHERE sent.subscription_id = d.subscription_id AND sent.state = 'sent'
                    AND merged.duplicate_of_id = d.incident_id))
"""


def skip_stale() -> int:
    """Pending deliveries that must not go out: the incident was archived or merged into
    another since (the survivor is what matters), the alert was paused, or a duplicate merged
    into this incident already reached this alert."""
    with connection.cursor() as cursor:
        cursor.execute(SKIP_SQL)
        return cursor.rowcount


def due_subscriptions(now):
    """Alerts with pending deliveries that are due: at once, or daily once a day has passed
    since the last digest."""
    day_ago = now - timedelta(days=1)
    pending = Subscription.objects.filter(deliveries__state=Delivery.State.PENDING, paused=False)
    immediate = pending.filter(frequency=Subscription.Frequency.IMMEDIATE)
    daily = pending.filter(frequency=Subscription.Frequency.DAILY).exclude(last_digest_at__gt=day_ago)
    return list((immediate | daily).distinct().order_by("pk").values_list("pk", flat=True))


def send_pending(*, now=None, connection_factory=None) -> dict:
    """Send every due message once. Each alert is sent in its own transaction, its pending
    rows locked (SKIP LOCKED: a second sender running at the same time takes other alerts);
    a failed send is rolled back, counted and retried next run, and given up after
    ALERTS_MAX_ATTEMPTS. Returns counts."""
    from django.core.mail import get_connection

    from .mail import digest_message, incident_message

    now = now or timezone.now()
    counts = {"skipped": skip_stale(), "messages": 0, "incidents": 0, "failed": 0}
    for pk in due_subscriptions(now):
        delivery_ids = []
        try:
            with transaction.atomic():
                deliveries = list(
                    Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(subscription_id=pk, state=Delivery.State.PENDING)
                    .select_related("subscription__user", "incident").order_by("incident__occurred_on", "pk")
                )
                if not deliveries:
                    continue
                delivery_ids = [d.pk for d in deliveries]
                subscription = deliveries[0].subscription
                if subscription.frequency == Subscription.Frequency.DAILY:
                    messages = [digest_message(subscription, [d.incident for d in deliveries])]
                else:
                    messages = [incident_message(subscription, d.incident) for d in deliveries]
                with (connection_factory or get_connection)() as mail_connection:
                    sent = mail_connection.send_messages(messages)
                if sent != len(messages):
                    raise RuntimeError(f"the mail backend sent {sent} of {len(messages)} messages")
                Delivery.objects.filter(pk__in=delivery_ids).update(state=Delivery.State.SENT, sent_at=now)
                if subscription.frequency == Subscription.Frequency.DAILY:
                    Subscription.objects.filter(pk=pk).update(last_digest_at=now)
                counts["messages"] += len(messages)
                counts["incidents"] += len(deliveries)
        except Exception as error:  # SMTP refused, network down: count it, retry next run
            log.warning("alert %s not sent: %s", pk, error)
            counts["failed"] += 1
            with transaction.atomic():
                rows = Delivery.objects.select_for_update().filter(pk__in=delivery_ids)
                for delivery in rows:
                    delivery.attempts += 1
                    delivery.last_error = str(error)[:500]
                    if delivery.attempts >= settings.ALERTS_MAX_ATTEMPTS:
                        delivery.state = Delivery.State.FAILED
                    delivery.save(update_fields=["attempts", "last_error", "state"])
    return counts

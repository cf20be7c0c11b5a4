"""E-mail alerts (#15 part 2): matching in PostGIS, one message per (alert, incident), the
messages' content and links, the pages and their threat lines."""
import re
from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from alerts.models import Delivery, Subscription
from alerts.services import (
    make_token, send_pending, subscription_create, subscription_delete, subscription_set_paused,
)
from incidents.models import Incident
from incidents.services.duplicates import incident_merge
from incidents.services.incidents import incident_transition, incident_update
from incidents.services.workflow import WorkflowError
from tests.factories import PASSWORD, make_incident, make_source, member, subscriber, user_with
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE

pytestmark = pytest.mark.django_db
S = Incident.Status
TODAY = date.today()


def square(lon, lat, half=0.05):
    return MultiPolygon(Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)), srid=4326)


def alert(user, name, **fields):
    fields.setdefault("area_kind", "region")
    if fields["area_kind"] == "region":
        fields.setdefault("region", "080910")  # Pichari district
    return subscription_create(user=user, name=name, **fields)


def recent(**fields):
    """A draft that occurred yesterday at Pichari (alerts are about news), with a source (a
    reviewer publishes it)."""
    fields = {"occurred_on": TODAY - timedelta(days=1), "status": S.DRAFT, "location": PICHARI,
              "sources": [make_source()], **fields}
    return make_incident(**fields)


def delivered(incident) -> list[str]:
    return sorted(Delivery.objects.filter(incident=incident).values_list("subscription__name", flat=True))


# Matching ----------------------------------------------------------------------------------

def test_publishing_claims_one_delivery_per_matching_alert_in_one_statement(django_assert_num_queries):
    owner = subscriber()
    alert(owner, "district")                                   # Pichari district
    alert(owner, "province", region="0809")                    # La Convención
    alert(owner, "other district", region="120609")            # Vizcatán del Ene
    alert(owner, "square", area_kind="polygon", polygon=square(PICHARI.x, PICHARI.y))
    alert(owner, "far square", area_kind="polygon", polygon=square(SAN_MIGUEL_DEL_ENE.x, SAN_MIGUEL_DEL_ENE.y))
    # San Miguel del Ene lies 42.73 km (geodesic) from Pichari's point.
    alert(owner, "45 km", area_kind="radius", center=SAN_MIGUEL_DEL_ENE, radius_km=45)
    alert(owner, "40 km", area_kind="radius", center=SAN_MIGUEL_DEL_ENE, radius_km=40)
    alert(owner, "battles", event_types=["Battles"])
    alert(owner, "riots", event_types=["Riots", "Protests"])
    alert(owner, "2 dead", min_fatalities=2)
    alert(owner, "3 dead", min_fatalities=3)
    paused = alert(owner, "paused")
    subscription_set_paused(user=owner, subscription=paused, paused=True)
    incident = recent(fatalities=2)
    from alerts.services import claim_deliveries
    with django_assert_num_queries(1):
        assert claim_deliveries(incident.pk) == 0  # a draft matches nothing
    incident_transition(user=member("reviewer"), incident=incident, to=S.PUBLISHED)
    assert delivered(incident) == ["2 dead", "45 km", "battles", "district", "province", "square"]


def test_a_place_from_the_gazetteer_centres_the_radius():
    sub = alert(subscriber(), "Natividad", area_kind="radius", place="Natividad, Pichari", radius_km=5)
    assert (sub.place.name, sub.place.ubigeo) == ("Natividad", "080910")
    # the point moved inside Pichari by the geocoder, not INEI's point 14 km outside
    assert (round(sub.center.x, 5), round(sub.center.y, 5)) == (-73.91514, -12.37729)


def test_resaving_republishing_and_merging_send_one_message_per_alert():
    owner = subscriber()
    alert(owner, "district")
    reviewer = member("reviewer")
    incident = recent(status=S.PUBLISHED)
    assert send_pending()["messages"] == 1
    incident_update(user=reviewer, incident=incident, title="Armed clash near Pichari (updated)")
    incident_transition(user=reviewer, incident=incident, to=S.ARCHIVED)
    incident_transition(user=reviewer, incident=incident, to=S.PUBLISHED)
    assert send_pending()["messages"] == 0
    # A second report of the same clash, merged into the first: still the one message.
    duplicate = recent(status=S.PUBLISHED, title="Clash at Pichari")
    incident_merge(user=reviewer, survivor=incident, duplicate=duplicate)
    assert send_pending() == {"skipped": 1, "messages": 0, "incidents": 0, "failed": 0}
    assert [m.subject for m in mail.outbox] == ["[district] Armed clash near Pichari"]
    assert Delivery.objects.filter(state="sent").count() == 1


def test_a_survivor_published_after_its_sent_duplicate_is_not_sent_again():
    owner = subscriber()
    alert(owner, "district")
    reviewer = member("reviewer")
    first = recent(status=S.PUBLISHED, title="First report")
    assert send_pending()["messages"] == 1
    survivor = recent(title="Fuller report")  # a draft
    incident_merge(user=reviewer, survivor=survivor, duplicate=first)
    incident_transition(user=reviewer, incident=survivor, to=S.PUBLISHED)
    assert send_pending()["skipped"] == 1
    assert [m.subject for m in mail.outbox] == ["[district] First report"]


def test_old_incidents_paused_alerts_and_archived_before_sending_send_nothing():
    owner = subscriber()
    sub = alert(owner, "district")
    make_incident(location=PICHARI, occurred_on=date(2018, 6, 24))  # published, but history
    pending = recent(status=S.PUBLISHED)
    incident_transition(user=member("reviewer"), incident=pending, to=S.ARCHIVED)
    assert send_pending() == {"skipped": 1, "messages": 0, "incidents": 0, "failed": 0}
    subscription_set_paused(user=owner, subscription=sub, paused=True)
    recent(status=S.PUBLISHED)
    assert send_pending()["messages"] == 0
    assert mail.outbox == []


def test_a_daily_digest_holds_the_days_incidents_in_one_message():
    owner = subscriber()
    alert(owner, "daily", frequency="daily", language="en")
    recent(status=S.PUBLISHED, title="One")
    recent(status=S.PUBLISHED, title="Two")
    assert send_pending()["messages"] == 1
    recent(status=S.PUBLISHED, title="Three")
    assert send_pending()["messages"] == 0  # the next digest is due a day later
    from django.utils import timezone
    assert send_pending(now=timezone.now() + timedelta(days=1, minutes=1))["messages"] == 1
    assert [m.subject for m in mail.outbox] == ["[daily] 2 new incidents", "[daily] 1 new incident"]
    assert "One" in mail.outbox[0].body and "Two" in mail.outbox[0].body


def test_a_refused_message_stays_pending_and_is_retried_then_given_up(settings):
    class Refusing:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_messages(self, messages):
            raise OSError("connection refused")

    settings.ALERTS_MAX_ATTEMPTS = 2
    alert(subscriber(), "district")
    recent(status=S.PUBLISHED)
    assert send_pending(connection_factory=Refusing)["failed"] == 1
    assert list(Delivery.objects.values_list("state", "attempts", "last_error")) == [
        ("pending", 1, "connection refused")]
    assert send_pending(connection_factory=Refusing)["failed"] == 1
    assert list(Delivery.objects.values_list("state", "attempts")) == [("failed", 2)]
    assert send_pending()["messages"] == 0


# The message -------------------------------------------------------------------------------

def test_the_message_in_the_subscribers_language_with_precision_advice_and_links():
    owner = subscriber(email="ana@example.org")
    sub = alert(owner, "Pichari <b>", language="es")
    recent(status=S.PUBLISHED, title="Enfrentamiento", geo_precision=2, location_uncertainty_km=5,
           location_name="Pichari", fatalities=None)
    send_pending()
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "[Pichari <b>] Enfrentamiento"
    unsubscribe = "http://127.0.0.1:8000" + reverse("alerts:link", args=[make_token(sub, "unsubscribe")])
    pause = "http://127.0.0.1:8000" + reverse("alerts:link", args=[make_token(sub, "pause")])
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.body
    with translation.override("es"):  # the subscriber's language, whatever the catalogue holds
        assert gettext("near a place, within about %(km)s km") % {"km": "5"} in body
        assert gettext("Location precision") in body
    assert "U.S. Department of State — Level 4: Do Not Travel" in body
    assert "UK Foreign, Commonwealth & Development Office — Advise against all but essential travel" in body
    assert "reference area" not in body  # the VRAEM reference area is no advice
    assert unsubscribe in body and pause in body
    html = message.alternatives[0][0]
    assert "Pichari &lt;b&gt;" in html and "Pichari <b>" not in html
    assert '<html lang="es">' in html
    assert f'href="{unsubscribe}"' in html


# Pages and links ---------------------------------------------------------------------------

def test_the_unsubscribe_link_works_without_login_and_only_for_its_alert():
    owner = subscriber()
    sub, other = alert(owner, "mine"), alert(owner, "kept")
    url = reverse("alerts:link", args=[make_token(sub, "unsubscribe")])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and Subscription.objects.filter(pk=sub.pk).exists()  # GET only asks
    # A guessed or altered token: another alert's id under the same signature is refused.
    token = make_token(sub, "unsubscribe")
    forged = token.replace(token.split(":")[0], make_token(other, "unsubscribe").split(":")[0])
    assert client.post(reverse("alerts:link", args=[forged])).status_code == 404
    assert client.post(reverse("alerts:link", args=["x" * 50])).status_code == 404
    done = client.post(url)  # one click from a mail client (RFC 8058): no CSRF token, no login
    assert done.status_code == 200
    assert list(Subscription.objects.values_list("name", flat=True)) == ["kept"]
    assert client.post(url).status_code == 404  # already deleted


def test_the_pause_link_pauses():
    sub = alert(subscriber(), "mine")
    assert Client().post(reverse("alerts:link", args=[make_token(sub, "pause")])).status_code == 200
    sub.refresh_from_db()
    assert sub.paused is True


def test_owners_list_pause_and_delete_their_own_alerts_and_nobody_elses():
    ana, bob = subscriber("ana"), subscriber("bob")
    mine, theirs = alert(ana, "Ana's <script>x</script>"), alert(bob, "Bob's alert")
    client = Client()
    client.force_login(ana)
    page = client.get(reverse("alerts:list")).content.decode()
    assert "Ana&#x27;s &lt;script&gt;x&lt;/script&gt;" in page and "Bob" not in page
    for name in ("alerts:pause", "alerts:delete"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
        assert client.get(reverse(name, args=[mine.pk])).status_code == 405
    assert client.post(reverse("alerts:pause", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.paused is True
    assert client.post(reverse("alerts:delete", args=[mine.pk])).status_code == 302
    assert list(Subscription.objects.values_list("name", flat=True)) == ["Bob's alert"]
    with pytest.raises(WorkflowError):
        subscription_delete(user=ana, subscription=theirs)
    # An editor (staff) does not read subscribers' alerts either; an administrator may pause.
    with pytest.raises(WorkflowError):
        subscription_set_paused(user=member("editor"), subscription=theirs, paused=True)
    assert subscription_set_paused(user=member("administrator"), subscription=theirs, paused=True).paused


def test_pages_need_a_login_and_the_right_role():
    anonymous = Client()
    response = anonymous.get(reverse("alerts:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("alerts:login") + "?next=")
    plain = Client()
    plain.force_login(user_with())  # an account without a role
    assert plain.get(reverse("alerts:new")).status_code == 403
    login = Client().post(reverse("alerts:login"), {"username": subscriber().username, "password": PASSWORD})
    assert (login.status_code, login["Location"]) == (302, reverse("alerts:list"))


def test_the_form_starts_from_the_explorers_view_and_saves():
    client = Client()
    client.force_login(subscriber())
    page = client.get(reverse("alerts:new") + "?region=120609&event_type=Battles&min_fatalities=2")
    html = page.content.decode()
    assert 'name="name" value="Vizcatán del Ene"' in html
    assert 'name="region" value="120609"' in html
    assert re.search(r'value="Battles"[^>]*checked', html)
    assert 'name="min_fatalities" value="2"' in html
    response = client.post(reverse("alerts:new"), {
        "name": "VRAEM south", "area_kind": "radius", "place": "Pichari", "radius_km": "25",
        "event_types": ["Battles", "Riots"], "min_fatalities": "", "frequency": "daily",
        "language": "en"})
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert (sub.name, sub.area_kind, sub.place.name, sub.radius_km, sub.event_types, sub.frequency,
            sub.language) == ("VRAEM south", "radius", "Pichari", 25.0, ["Battles", "Riots"], "daily", "en")


BOWTIE = '{"type": "Polygon", "coordinates": [[[-74, -12], [-73, -13], [-73, -12], [-74, -13], [-74, -12]]]}'


@pytest.mark.parametrize("fields, field, message", [
    ({"area_kind": "polygon", "polygon": BOWTIE}, "polygon", "The polygon is not valid (Self-intersection"),
    ({"area_kind": "polygon", "polygon": '{"type": "Polygon", "coordinates": [[[-75, -10], [-70, -10], [-70, -15], [-75, -15], [-75, -10]]]}'},
     "polygon", "The polygon covers 300,693 km²; at most 200,000 km²."),
    ({"area_kind": "polygon", "polygon": '{"type": "Polygon", "coordinates": [[[-10, 10], [-9, 10], [-9, 11], [-10, 10]]]}'},
     "polygon", "The polygon reaches outside Peru."),
    ({"area_kind": "polygon", "polygon": "not json"}, "polygon", "Invalid geometry value."),
    ({"area_kind": "polygon", "polygon": ""}, "polygon", "Draw the area on the map."),
    ({"area_kind": "radius", "longitude": "-74", "latitude": "-12.5", "radius_km": "0"},
     "radius_km", "The radius must be between 0.1 and 200 km."),
    ({"area_kind": "radius", "longitude": "-74", "latitude": "-12.5", "radius_km": "201"},
     "radius_km", "The radius must be between 0.1 and 200 km."),
    ({"area_kind": "radius", "longitude": "-74", "latitude": "-12.5", "radius_km": "nan"},
     "radius_km", "Enter a number."),
    ({"area_kind": "radius", "longitude": "-80", "latitude": "-12", "radius_km": "5"},
     None, "The point is not in Peru."),
    ({"area_kind": "radius", "place": "Xqzwv", "radius_km": "5"}, "place", "No place called Xqzwv in the gazetteer."),
    ({"area_kind": "region", "region": "999999"}, "region", "Choose a department, province or district."),
    ({"area_kind": "region", "region": "08", "name": "two\r\nlines"}, "name",
     "The name may not contain line breaks or control characters."),
])
def test_bad_areas_and_names_are_refused_with_the_reason(fields, field, message):
    client = Client(headers={"accept-language": "en"})  # the messages as written; Spanish: the catalogue test
    client.force_login(subscriber())
    data = {"name": "x", "frequency": "immediate", "language": "es", **fields}
    response = client.post(reverse("alerts:new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors.get(field or "__all__")
    assert any(e.startswith(message) for e in errors), errors
    assert Subscription.objects.count() == 0


def test_too_many_vertices_are_refused(settings):
    settings.ALERTS_MAX_VERTICES = 10
    ring = [(-74 + 0.01 * i, -12.5 + 0.001 * (i % 2)) for i in range(12)] + [(-74.05, -12.6), (-74, -12.5)]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        alert(subscriber(), "many", area_kind="polygon", polygon=Polygon(ring, srid=4326))
    with translation.override("en"):
        assert error.value.message_dict == {"polygon": ["The polygon has 14 vertices; at most 10."]}
    with translation.override("es"), pytest.raises(ValidationError) as error:
        alert(subscriber("otra"), "many", area_kind="polygon", polygon=Polygon(ring, srid=4326))
    assert error.value.message_dict == {"polygon": ["El polígono tiene 14 vértices; como máximo se admiten 10."]}


def test_a_flood_of_alerts_is_capped_per_account(settings):
    settings.ALERTS_MAX_PER_USER = 3
    owner = subscriber()
    for n in range(3):
        alert(owner, f"alert {n}")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        alert(owner, "one too many")
    with translation.override("en"):
        assert error.value.messages == ["You have 3 alerts, the most one account may have; delete one first."]
    alert(subscriber("other"), "another account")
    assert Subscription.objects.count() == 4


def test_an_account_without_e_mail_or_role_cannot_subscribe():
    with pytest.raises(ValidationError):
        alert(subscriber(email=""), "x")
    with pytest.raises(WorkflowError):
        alert(user_with(), "x")


def test_the_explorer_links_to_a_new_alert():
    html = Client().get(reverse("map")).content.decode()
    assert f'<a id="alert-me" href="{reverse("alerts:new")}"' in html


def test_the_subscribers_role_holds_only_its_own_permission():
    from django.contrib.auth.models import Group

    subscribers = Group.objects.get(name="Subscribers")
    assert list(subscribers.permissions.values_list("content_type__app_label", "codename")) == [
        ("alerts", "add_subscription")]


def test_the_link_page_escapes_the_alert_name():
    sub = alert(subscriber(), '<img src=x onerror="alert(1)">')
    html = Client().get(reverse("alerts:link", args=[make_token(sub, "pause")])).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html and "<img src=x" not in html


def test_administrators_see_alerts_read_only_in_the_admin_and_may_pause_them():
    sub = alert(subscriber(), "watched")
    admin = Client()
    admin.force_login(member("administrator"))
    changelist = reverse("admin:alerts_subscription_changelist")
    assert "watched" in admin.get(changelist).content.decode()
    assert admin.get(reverse("admin:alerts_subscription_add")).status_code == 403
    response = admin.post(changelist, {"action": "pause", "_selected_action": [sub.pk]})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.paused is True
    editor = Client()
    editor.force_login(member("editor"))
    assert editor.get(changelist).status_code == 403


def test_the_command_sends_once_and_reports(capsys):
    from django.core.management import call_command

    alert(subscriber(), "district")
    recent(status=S.PUBLISHED)
    call_command("send_alerts")
    call_command("send_alerts")
    assert capsys.readouterr().out.splitlines() == [
        "send_alerts: 1 messages (1 incidents), 0 alerts failed, 0 skipped",
        "send_alerts: 0 messages (0 incidents), 0 alerts failed, 0 skipped",
    ]
    assert len(mail.outbox) == 1

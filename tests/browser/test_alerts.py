"""Subscribe from the explorer → publish (the service, as a Reviewer) → run the sender →
exactly one message; re-publishing and re-saving send nothing more; the message's pause link
works in the browser without login."""
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from alerts.models import Subscription
from incidents.models import Incident
from incidents.services.incidents import incident_transition, incident_update
from tests.browser.common import ARTIFACTS
from tests.factories import PASSWORD, make_incident, make_source, member, subscriber
from tests.places import PICHARI

pytestmark = [pytest.mark.django_db, pytest.mark.browser]
S = Incident.Status


@pytest.fixture(scope="module")
def account(django_db_blocker, site_data):
    """A committed Subscribers account; removed (with its alerts) afterwards."""
    with django_db_blocker.unblock():
        user = subscriber("alert-browser", email="alert-browser@example.org")
        try:
            yield user
        finally:
            get_user_model().objects.filter(pk=user.pk).delete()


def test_subscribe_publish_send_exactly_one_message(page, live_url, account):
    view = reverse("map") + "?region=080910&event_type=Battles"
    page.goto(live_url + reverse("alerts:login") + "?next=" + quote(view))
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("#alert-me")
    expect(page.locator("#id_name")).to_have_value("Pichari")
    expect(page.locator("#id_region")).to_have_value("080910")
    expect(page.locator("input[name=event_types][value=Battles]")).to_be_checked()
    page.select_option("#id_language", "en")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "alerts-new.png", full_page=True)
    page.click("#alert-form button[type=submit]")
    expect(page.locator(".alert-name")).to_have_text(["Pichari"])
    subscription = Subscription.objects.get(user=account)
    assert (subscription.region.ubigeo, subscription.event_types, subscription.language) == (
        "080910", ["Battles"], "en")

    reviewer = member("reviewer")
    incident = make_incident(title="Armed clash near Pichari (alert test)", location=PICHARI,
                             occurred_on=date.today() - timedelta(days=1), status=S.IN_REVIEW,
                             sources=[make_source()])
    incident_transition(user=reviewer, incident=incident, to=S.PUBLISHED)
    call_command("send_alerts")
    assert [m.subject for m in mail.outbox] == ["[Pichari] Armed clash near Pichari (alert test)"]
    incident_transition(user=reviewer, incident=incident, to=S.ARCHIVED)
    incident_transition(user=reviewer, incident=incident, to=S.PUBLISHED)
    incident_update(user=reviewer, incident=incident, fatalities=1)
    call_command("send_alerts")
    assert len(mail.outbox) == 1

    pause = re.search(r"Pause this alert: (\S+)", mail.outbox[0].body).group(1)
    page.goto(pause.replace("http://127.0.0.1:8000", live_url))
    page.click("button[type=submit]")
    expect(page.locator("#link-result")).to_have_text("The alert “Pichari” is paused.")
    subscription.refresh_from_db()
    assert subscription.paused is True
    assert page.watch.console_errors == []


def test_a_drawn_polygon_is_saved_as_the_alerts_area(page, live_url, account):
    page.goto(live_url + reverse("alerts:login") + "?next=" + quote(reverse("alerts:new")))
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_name", "Drawn area")
    page.check("input[name=area_kind][value=polygon]")
    page.locator("#id_polygon-map").scroll_into_view_if_needed()
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator("#id_polygon-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-60, -60), (60, -60), (60, 60), (-60, 60), (-60, -60)]:
        page.mouse.move(x + dx, y + dy, steps=4)  # Leaflet.draw places vertices where the mouse moved
        page.mouse.click(x + dx, y + dy)
    page.click("#alert-form button[type=submit]")
    expect(page.locator(".alert-name")).to_contain_text(["Drawn area"])
    drawn = Subscription.objects.get(user=account, name="Drawn area")
    assert (drawn.area_kind, drawn.polygon.num_geom, drawn.polygon.valid) == ("polygon", 1, True)
    assert len(drawn.polygon[0].exterior_ring) == 5
    assert page.watch.console_errors == []

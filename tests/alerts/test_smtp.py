"""Alerts through a real SMTP conversation: aiosmtpd listens on 127.0.0.1 (a free port) in
this test, Django's SMTP backend delivers to it, and the message is read back as received."""
import socket
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import translation

from alerts.services import make_token, send_pending, subscription_create
from incidents.models import Incident
from tests.factories import make_incident, subscriber
from tests.places import PICHARI

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "VRAEM alerts <alerts@vraem.test>"
    yield inbox
    controller.stop()


def test_an_alert_is_delivered_over_smtp_once(smtp_server):
    owner = subscriber("ana", email="ana@example.org")
    sub = subscription_create(user=owner, name="Pichari", area_kind="region", region="080910",
                              language="en")
    incident = make_incident(title="Armed clash near Pichari", location=PICHARI,
                             occurred_on=date.today() - timedelta(days=1), fatalities=3)
    assert send_pending()["messages"] == 1
    assert send_pending()["messages"] == 0
    [envelope] = smtp_server.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("alerts@vraem.test", ["ana@example.org"])
    received = message_from_bytes(envelope.content, policy=policy.default)
    unsubscribe = "http://127.0.0.1:8000" + reverse("alerts:link", args=[make_token(sub, "unsubscribe")])
    assert received["Subject"] == "[Pichari] Armed clash near Pichari"
    assert received["From"] == "VRAEM alerts <alerts@vraem.test>"
    # the long header is folded on the wire (RFC 5322); unfolded it is the one link
    assert received["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Fatalities: 3" in text
    assert "Location precision: exact town or village" in text
    assert "Advice in force there: U.S. Department of State — Level 4: Do Not Travel; " \
           "UK Foreign, Commonwealth & Development Office — Advise against all but essential travel" in text
    with translation.override("en"):  # the link opens the page in the alert's language
        assert f"http://127.0.0.1:8000{reverse('incident', args=[incident.pk])}" in text
    assert f'href="{unsubscribe}"' in html
    assert Incident.objects.get().status == "published"

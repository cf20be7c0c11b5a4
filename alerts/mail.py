"""The messages: one incident at once, or the day's digest, in the subscriber's language,
each with a one-click unsubscribe (link and List-Unsubscribe header, RFC 8058) and a pause link."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from incidents.models import Incident
from regions.selectors import advisories_at

from .models import Subscription
from .links import make_token

PRECISION = {
    Incident.GeoPrecision.EXACT: gettext_lazy("exact town or village"),
    Incident.GeoPrecision.NEAR: gettext_lazy("near a place, within about %(km)s km"),
    Incident.GeoPrecision.AREA: gettext_lazy("only the area is known (%(level)s)"),
}
LEVEL = {"department": gettext_lazy("department"), "province": gettext_lazy("province"),
         "district": gettext_lazy("district")}
DEFAULT_UNCERTAINTY_KM = 10  # what the maps draw for precision 2 without a stated radius


def absolute(path: str) -> str:
    return settings.ALERTS_SITE_URL + path


def precision_text(incident: Incident) -> str:
    text = str(PRECISION[incident.geo_precision])
    km = incident.location_uncertainty_km or DEFAULT_UNCERTAINTY_KM
    return text % {"km": f"{km:g}", "level": LEVEL.get(incident.area_level, incident.area_level)}


def incident_context(incident: Incident) -> dict:
    area = incident.district or incident.province or incident.department
    return {
        "incident": incident,
        "url": absolute(reverse("incident", args=[incident.pk])),
        "precision": precision_text(incident),
        "area": area.name if area else "",
        "advisories": [
            {"issuer": zone.issuer, "wording": zone.wording}
            for zone in advisories_at(incident.location, on=incident.occurred_on)
            if zone.kind == zone.Kind.ADVICE
        ],
    }


def _message(subscription: Subscription, subject: str, template: str, context: dict):
    unsubscribe = absolute(reverse("alerts:link", args=[make_token(subscription, "unsubscribe")]))
    pause = absolute(reverse("alerts:link", args=[make_token(subscription, "pause")]))
    context = {**context, "subscription": subscription, "unsubscribe_url": unsubscribe,
               "pause_url": pause, "alerts_url": absolute(reverse("alerts:list"))}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[subscription.user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"alerts/email/{template}.html", context), "text/html")
    return message


def incident_message(subscription: Subscription, incident: Incident) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        subject = _("[%(alert)s] %(title)s") % {"alert": subscription.name, "title": incident.title}
        return _message(subscription, subject, "incident", {"items": [incident_context(incident)]})


def digest_message(subscription: Subscription, incidents: list[Incident]) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        subject = ngettext("[%(alert)s] %(count)s new incident", "[%(alert)s] %(count)s new incidents",
                           len(incidents)) % {"alert": subscription.name, "count": len(incidents)}
        return _message(subscription, subject, "digest",
                        {"items": [incident_context(i) for i in incidents]})

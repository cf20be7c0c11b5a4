"""Atom feeds of explorer views (#15 part 1): the newest published incidents that match a
view's filters (the API's parameters: event_type, actor, region, bbox, …), each with its point
as GeoRSS (django.contrib.gis.feeds.GeoAtom1Feed).

Threat line: anyone may ask for a feed, with any filters. Only what an anonymous reader may
see is listed (published; restricted datasets out unless RESTRICTED_DATASETS_PUBLIC), whoever
asks: a feed URL is handed to feed readers and services that poll without the user's session.
Parameters are validated like the API's (a 400 naming the bad one), at most FEED_MAX_ITEMS
entries are read, and requests count against the pages' rate. Titles, descriptions and place
names are typed by Editors or come from bulletins: the XML writer escapes them, the entry
summary is declared HTML and therefore escaped once more (a reader shows `<b>` as text), and
characters XML 1.0 cannot hold (controls) are dropped rather than failing the whole feed.
"""
import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.feeds import Feed, GeoAtom1Feed
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from core.params import validated
from incidents.api.params import IncidentFilterParams
from incidents.models import Incident
from incidents.selectors import filter_incidents, visible_incidents

from .throttle import throttled_page

# Characters XML 1.0 cannot carry (Django's feed writer refuses them with an error).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text) -> str:
    return NOT_XML.sub("", str(text or ""))


def feed_incidents(params: dict):
    """The newest published incidents of a view, by when they were first published (their
    history), at most FEED_MAX_ITEMS: the same filters and visibility as an anonymous list."""
    history = Incident.history.model.objects.filter(
        id=OuterRef("pk"), status=Incident.Status.PUBLISHED).order_by("history_date")
    return (
        filter_incidents(visible_incidents(AnonymousUser()), params)
        .annotate(published_at=Coalesce(Subquery(history.values("history_date")[:1]), F("updated_at")))
        .select_related("district", "province", "department")
        .order_by("-published_at", "-id")[: settings.FEED_MAX_ITEMS]
    )


class IncidentFeed(Feed):
    """One view's feed; `params` are the validated filters, `query` the text they came from."""

    feed_type = GeoAtom1Feed

    def __init__(self, *, params: dict, query: str):
        super().__init__()
        self.params = params
        self.query = query

    def title(self):
        return _("VRAEM conflict map: new incidents in this view")

    def subtitle(self):
        return _("Published incidents matching: %(filters)s") % {
            "filters": xml_text(self.query) or _("no filter")}

    def link(self):
        return reverse("map") + (f"?{self.query}" if self.query else "")

    def feed_url(self):
        return reverse("incident-feed") + (f"?{self.query}" if self.query else "")

    def items(self):
        return feed_incidents(self.params)

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        # Atom summary of type "html": the reader renders it, so user text is escaped here.
        place = ", ".join(a.name for a in (item.district, item.province, item.department) if a)
        lines = [f"{item.occurred_on.isoformat()} · {item.event_type} / {item.sub_event_type}",
                 f"{item.location_name or place} ({item.get_geo_precision_display()})",
                 item.description]
        return "<br>".join(escape(xml_text(line)) for line in lines if line)

    def item_link(self, item):
        return reverse("incident", args=[item.pk])

    def item_guid(self, item):
        # The API's address of the incident: one id whatever the page's language or filters.
        return self.request.build_absolute_uri(reverse("api:incident-detail", args=[item.pk]))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.event_type, item.sub_event_type]

    def item_geometry(self, item):
        return item.location

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)


@throttled_page()
def incident_feed(request):
    """/feeds/incidents.atom?<the API's filters>: the Atom feed of a view (see the module)."""
    try:
        params = validated(IncidentFilterParams, request.GET)
    except ValidationError as error:
        return HttpResponse(json.dumps(error.detail), status=400, content_type="application/json")
    query = urlencode([(k, v) for k in request.GET for v in request.GET.getlist(k)])
    return IncidentFeed(params=params, query=query)(request)

"""Atom feeds of explorer views (#15 part 1), read back with a real feed parser (feedparser):
the same incidents as the API's list for the same filters, GeoRSS points, escaped text."""
import re
from datetime import date

import feedparser
import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.factories import logged_in, make_incident
from tests.places import PICHARI

URL = "/api/v1/incidents/"
pytestmark = pytest.mark.django_db
HOSTILE = '<b>bold</b> & "quoted" <script>alert(1)</script>'


def listed(api, query) -> dict:
    """{id: [lon, lat]} of the API's list for `query`."""
    response = api.get(URL, {**query, "page_size": 5000})
    assert response.status_code == 200, response.content
    return {f["id"]: f["geometry"]["coordinates"] for f in response.json()["features"]}


def read_feed(client, query):
    response = client.get(reverse("incident-feed"), query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.bozo_exception
    return response, feed


def entry_id(entry) -> int:
    match = re.fullmatch(r"http://testserver/api/v1/incidents/(\d+)/", entry.id)
    assert match, entry.id
    return int(match.group(1))


@pytest.mark.parametrize("query", [
    {},
    {"event_type": ["Battles", "Protests"], "region": ["08", "15"]},
    {"actor": ["sendero luminoso"], "bbox": "-74.5,-12.8,-73.5,-12.0"},
    {"region": ["09"], "min_fatalities": "1"},
])
def test_feed_entries_are_the_filtered_list(api, client, incidents, query):
    _, feed = read_feed(client, query)
    expected = listed(api, query)
    assert sorted(entry_id(e) for e in feed.entries) == sorted(expected)
    for entry in feed.entries:
        # GeoRSS simple point ("lat lon"), which feedparser reads as GeoJSON-like `where`.
        lon, lat = entry.where["coordinates"]
        assert entry.where["type"] == "Point"
        assert (round(lon, 5), round(lat, 5)) == tuple(round(c, 5) for c in expected[entry_id(entry)])
        assert entry.link == f"http://testserver{reverse('incident', args=[entry_id(entry)])}"


def test_feed_is_newest_published_first_and_public_only(api, client, incidents):
    restricted = make_incident(title="From a restricted dataset", location=PICHARI, dataset="acled")
    newest = make_incident(title="Just published", location=PICHARI, occurred_on=date(2017, 1, 1))
    # An Editor's session changes nothing: drafts and restricted rows are never in a feed.
    for reader in (client, logged_in("editor")):
        _, feed = read_feed(reader, {})
        ids = [entry_id(e) for e in feed.entries]
        assert ids[0] == newest.pk  # by publication, not by date of the event
        assert incidents["draft"] not in ids and restricted.pk not in ids
        assert sorted(ids) == sorted([*listed(api, {}), ]) and newest.pk in ids
    assert feed.feed.title == "VRAEM conflict map: new incidents in this view"
    assert Incident.objects.get(pk=incidents["draft"]).status == Incident.Status.DRAFT


def test_user_text_is_escaped_and_control_characters_dropped(client, incidents):
    hostile = make_incident(title=HOSTILE + "\x0b", description="<img src=x onerror=alert(1)>",
                            location=PICHARI)
    response, feed = read_feed(client, {"q": "bold"})
    xml = response.content.decode()
    assert "<script>" not in xml and "<b>" not in xml and "<img" not in xml
    (entry,) = feed.entries
    assert entry_id(entry) == hostile.pk
    assert entry.title == HOSTILE  # the exact text, shown as text
    # The summary is HTML for the reader: the user's markup arrives as escaped text in it.
    assert "&lt;img src=x onerror=alert(1)&gt;" in entry.summary


@pytest.mark.parametrize("query, body", [
    ({"event_type": "War"}, {"event_type": ['"War" is not a valid choice.']}),
    ({"region": ["08", "99"]}, {"region": ["Unknown ubigeo '99'."]}),
    ({"bbox": "1,2,3"}, {"bbox": ["Expected bbox=minlon,minlat,maxlon,maxlat, got '1,2,3'."]}),
])
def test_bad_filters_are_a_400_naming_them(client, query, body):
    response = client.get(reverse("incident-feed"), query)
    assert (response.status_code, response.json()) == (400, body)


def test_explorer_links_the_feed_of_its_filters(client, incidents):
    page = client.get(reverse("map"), {"event_type": ["Battles", "Riots"], "region": "08",
                                       "period": "30", "date_from": "2018-01-01", "month": "2018-06"})
    html = page.content.decode()
    feed = reverse("incident-feed") + "?event_type=Battles&amp;event_type=Riots&amp;region=08"
    assert (f'<link id="feed-link" rel="alternate" type="application/atom+xml" '
            f'title="New incidents in this view (Atom)" href="{feed}">') in html
    assert f'<a id="feed-button" class="button" href="{feed}" type="application/atom+xml">' in html

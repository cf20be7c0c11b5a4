"""Whole map pages from the page cache (web/page_cache.py; issue #18, target 1): hits and misses,
what retires a page, what never shares an entry, who bypasses it, the CSP nonce on a hit, and
a query-string flood that adds no entries."""
import re
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from incidents.models import Actor, Incident
from incidents.services.incidents import incident_transition, incident_update
from regions.models import DistrictIndicators
from tests.factories import logged_in, make_actor, make_incident, make_source, member
from tests.places import PICHARI, SAN_MIGUEL_DEL_ENE
from web.page_cache import cached_page
from web.throttle import PageRateThrottle

pytestmark = pytest.mark.django_db

NONCE_IN_PAGE = re.compile(r'<script nonce="([^"]+)"')
NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")


@pytest.fixture
def published():
    sl = make_actor("Shining Path")
    return make_incident(title="Clash in Pichari", location=PICHARI, occurred_on=date(2018, 6, 1), actors=[sl])


@pytest.fixture
def draft():
    return make_incident(title="Unreviewed report", location=SAN_MIGUEL_DEL_ENE, status=Incident.Status.DRAFT,
                         sources=[make_source()])


def page_urls(incident) -> dict[str, str]:
    return {
        "explorer": reverse("map"),
        "embed": reverse("embed"),
        "incident": reverse("incident", args=[incident.pk]),
        "region": reverse("region", args=["080910"]),  # Pichari district
        "department": reverse("region", args=["12"]),
        "advisories": reverse("advisories"),
    }


def entries() -> int:
    return len(caches[settings.PAGE_CACHE]._list_cache_files())


def without_nonce(response) -> bytes:
    return response.content.replace(response.wsgi_request.csp_nonce.encode(), b"NONCE")


@pytest.mark.parametrize("page", ["explorer", "embed", "incident", "region", "department", "advisories"])
def test_the_second_anonymous_get_is_a_hit_with_the_same_page(client, published, page):
    url = page_urls(published)[page]
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert without_nonce(second) == without_nonce(first)
    assert second["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
    assert entries() == 1


def test_a_hit_runs_one_query_and_a_miss_is_throttled(client, published, django_assert_num_queries, monkeypatch):
    url = reverse("incident", args=[published.pk])
    client.get(url)
    # The published data version; neither the view nor the "pages" throttle (a hit costs less
    # than the throttle's own counter update).
    with django_assert_num_queries(1):
        assert client.get(url)["X-Page-Cache"] == "hit"
    monkeypatch.setattr(PageRateThrottle, "THROTTLE_RATES", {"pages": "2/minute"})  # the first page counted
    assert client.get(reverse("advisories"))["X-Page-Cache"] == "miss"  # the first of the minute
    refused = client.get(reverse("map"))
    assert refused.status_code == 429 and "X-Page-Cache" not in refused
    assert client.get(url)["X-Page-Cache"] == "hit"  # hits are not counted
    assert entries() == 2


def test_on_a_hit_the_page_carries_the_nonce_of_its_csp_header(client, published):
    url = reverse("incident", args=[published.pk])
    first = client.get(url)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    header_nonce = NONCE_IN_HEADER.search(hit["Content-Security-Policy"]).group(1)
    page_nonces = set(NONCE_IN_PAGE.findall(hit.content.decode()))
    assert page_nonces == {header_nonce} == {hit.wsgi_request.csp_nonce}
    stored_nonce = first.wsgi_request.csp_nonce
    assert header_nonce != stored_nonce
    assert stored_nonce.encode() not in hit.content  # every occurrence replaced


def test_the_embed_page_keeps_its_frame_headers_on_a_hit(client, published):
    client.get(reverse("embed"))
    hit = client.get(reverse("embed"))
    assert hit["X-Page-Cache"] == "hit"
    assert "X-Frame-Options" not in hit
    assert f"frame-ancestors {settings.EMBED_FRAME_ANCESTORS}" in hit["Content-Security-Policy"]


def test_publish_edit_and_unpublish_each_retire_the_cached_page(client, published, draft):
    reviewer = member("reviewer")
    url = reverse("region", args=["080910"])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    incident_transition(user=reviewer, incident=draft, to=Incident.Status.PUBLISHED)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and b"Unreviewed report" in client.get(
        reverse("incident", args=[draft.pk])).content
    assert client.get(url)["X-Page-Cache"] == "hit"

    incident_update(user=reviewer, incident=published, title="Clash in Pichari, corrected")
    page = client.get(reverse("incident", args=[published.pk]))
    assert page["X-Page-Cache"] == "miss" and b"Clash in Pichari, corrected" in page.content
    assert client.get(url)["X-Page-Cache"] == "miss"

    incident_transition(user=reviewer, incident=published, to=Incident.Status.ARCHIVED)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(reverse("incident", args=[published.pk])).status_code == 404


def test_draft_writes_keep_the_cached_page(client, published, draft):
    editor = member("editor")
    url = reverse("map")
    client.get(url)
    incident_update(user=editor, incident=draft, title="Draft, edited", actors=[make_actor("A draft-only militia")])
    make_incident(title="Another draft", location=PICHARI, status=Incident.Status.DRAFT)
    Actor.objects.filter(name="A draft-only militia").update(name="A renamed draft-only militia")
    draft.sources.create(name="A draft's source", url="https://example.org/draft")
    assert client.get(url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("write", ["rename an actor", "add a source", "indicators"])
def test_what_a_published_page_shows_beside_the_incident_retires_it(client, published, write):
    url = reverse("incident", args=[published.pk])
    client.get(url)
    if write == "rename an actor":
        published.actors.update(name="Sendero Luminoso (PCP-SL)")
    elif write == "add a source":
        published.sources.create(name="Radio Quillabamba", url="https://example.org/q")
    else:
        DistrictIndicators.objects.filter(pk=DistrictIndicators.objects.order_by("pk").values("pk")[:1]).update(
            poverty_pct=1)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    if write == "rename an actor":
        assert b"Sendero Luminoso (PCP-SL)" in page.content


def test_languages_do_not_share_a_page(client, published):
    with translation.override("es"):
        url_es = reverse("map")
        assert client.get(url_es)["X-Page-Cache"] == "miss"
    with translation.override("en"):
        url_en = reverse("map")
        assert client.get(url_en)["X-Page-Cache"] == "miss"
        assert client.get(url_en)["X-Page-Cache"] == "hit"
    with translation.override("es"):
        assert client.get(url_es)["X-Page-Cache"] == "hit"
    assert entries() == 2


def test_a_query_string_flood_adds_no_entry(client, published):
    """Undeclared parameters never reach the key, so a flood of them shares one entry. The
    explorer declares its filters (its head links their Atom feed): each filter set is one
    entry, whatever the order of repeated values."""
    assert client.get(reverse("map"))["X-Page-Cache"] == "miss"
    for n in range(50):
        assert client.get(reverse("map"), {"x": n})["X-Page-Cache"] == "hit"
    assert entries() == 1
    both = client.get(reverse("map") + "?event_type=Battles&event_type=Riots")
    assert both["X-Page-Cache"] == "miss"
    assert "event_type=Battles&amp;event_type=Riots" in both.content.decode()
    for n in range(20):
        again = client.get(reverse("map") + f"?event_type=Riots&event_type=Battles&x={n}")
        assert again["X-Page-Cache"] == "hit"
    assert client.get(reverse("map"), {"event_type": "Battles"})["X-Page-Cache"] == "miss"
    assert entries() == 3


@cached_page(query=("q",))
def search_like(request):
    return HttpResponse(f"<p>{len(request.GET.get('q', ''))}</p>")


def anonymous_get(path: str, **params):
    request = RequestFactory().get(path, params)
    request.user = AnonymousUser()
    request.csp_nonce = "n0nce"
    return search_like(request)


def test_declared_parameters_do_not_share_and_undeclared_ones_do():
    assert anonymous_get("/probe/", q="pichari")["X-Page-Cache"] == "miss"
    assert anonymous_get("/probe/", q="kimbiri")["X-Page-Cache"] == "miss"
    assert anonymous_get("/probe/", q="pichari", other="1")["X-Page-Cache"] == "hit"
    assert anonymous_get("/probe/", q=" pichari ")["X-Page-Cache"] == "hit"  # normalised
    # Values are cut to 200 characters in the key: longer variants share one entry.
    assert anonymous_get("/probe/", q="a" * 200 + "1").content == b"<p>201</p>"
    assert anonymous_get("/probe/", q="a" * 200 + "2")["X-Page-Cache"] == "hit"
    assert entries() == 3


def test_the_store_is_capped():
    cache = caches[settings.PAGE_CACHE]
    assert cache._max_entries == settings.CACHES[settings.PAGE_CACHE]["OPTIONS"]["MAX_ENTRIES"] == 5000
    for n in range(30):
        cache._max_entries = 10
        try:
            anonymous_get("/probe/", q=f"value {n}")
        finally:
            cache._max_entries = 5000
    assert entries() <= 10


def test_a_page_that_sets_the_csrf_cookie_is_not_stored():
    @cached_page()
    def with_token(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    for _ in range(2):
        request = RequestFactory().get("/form/")
        request.user, request.csp_nonce = AnonymousUser(), "n0nce"
        assert "X-Page-Cache" not in with_token(request)
    assert entries() == 0


def test_editors_bypass_the_cache_and_see_their_drafts(client, published, draft):
    url = reverse("map")
    editor = logged_in("editor")
    page = editor.get(url)
    assert page.status_code == 200 and "X-Page-Cache" not in page and entries() == 0
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert "X-Page-Cache" not in editor.get(url)
    draft_page = editor.get(reverse("incident", args=[draft.pk]))
    assert draft_page.status_code == 200 and b"Unreviewed report" in draft_page.content
    assert client.get(reverse("incident", args=[draft.pk])).status_code == 404


def test_missing_pages_and_other_methods_are_not_stored(client, published):
    assert client.get(reverse("incident", args=[published.pk + 1000])).status_code == 404
    assert client.get(reverse("region", args=["999999"])).status_code == 404
    assert "X-Page-Cache" not in client.head(reverse("map"))
    assert entries() == 0


def test_page_cache_enabled_off_renders_every_page(client, published, settings):
    """make loadtest's baseline phase (PAGE_CACHE_ENABLED=0)."""
    settings.PAGE_CACHE_ENABLED = False
    pages = [client.get(reverse("map")) for _ in range(2)]
    assert [p.status_code for p in pages] == [200, 200]
    assert ["X-Page-Cache" in p for p in pages] == [False, False] and entries() == 0

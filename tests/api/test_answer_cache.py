"""Anonymous API answers from the answer cache (core/answer_cache.py; issue #18,
target 1): hits and misses, what retires an answer, what is never stored."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.answer_cache import HEADER, answer_cache
from incidents.models import Incident
from incidents.services.incidents import incident_transition, incident_update
from incidents.services.workflow import OPERATOR
from tests.factories import make_incident
from tests.places import PICHARI

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
STATS = "/api/v1/stats/"


def test_a_second_anonymous_request_is_a_hit_with_the_same_answer_in_two_queries(api, incidents):
    miss = api.get(URL, {"event_type": "Battles", "page_size": 2})
    assert miss.status_code == 200 and miss[HEADER] == "miss"
    with CaptureQueriesContext(connection) as captured:
        hit = api.get(URL, {"page_size": 2, "event_type": "Battles"})  # another order: one entry
    assert hit[HEADER] == "hit"
    assert hit.content == miss.content and hit["Content-Type"] == "application/geo+json"
    assert hit.json()["count"] == 4
    # The throttle's counter and the published data version; no incident query.
    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) == 2
    assert "security_rate_counter" in sql[0] and "incidents_data_version" in sql[1]


def test_stats_are_cached_too(api, incidents):
    miss = api.get(STATS, {"level": "department"})
    hit = api.get(STATS, {"level": "department"})
    assert (miss[HEADER], hit[HEADER]) == ("miss", "hit")
    assert hit.json() == miss.json()
    assert hit.json()["total"]["incidents"] == 5
    assert api.get(STATS, {"level": "province"})[HEADER] == "miss"  # another query, another entry


def test_a_published_write_retires_the_answers_and_a_draft_does_not(api, incidents):
    assert api.get(URL)[HEADER] == "miss"
    make_incident(title="Another unreviewed report", location=PICHARI, status=Incident.Status.DRAFT)
    unchanged = api.get(URL)
    assert unchanged[HEADER] == "hit" and unchanged.json()["count"] == 5
    incident_transition(user=OPERATOR, incident=Incident.objects.get(pk=incidents["draft"]),
                        to=Incident.Status.PUBLISHED)
    published = api.get(URL)
    assert published[HEADER] == "miss" and published.json()["count"] == 6
    incident_update(user=OPERATOR, incident=Incident.objects.get(pk=incidents["lima"]), title="Rally in Lima")
    titles = {f["properties"]["title"] for f in api.get(URL).json()["features"]}
    assert "Rally in Lima" in titles and "March in Lima" not in titles


def test_signed_in_clients_and_tokens_bypass_the_cache(api, editor_api, incidents):
    assert api.get(URL)[HEADER] == "miss"
    editor = editor_api.get(URL)
    assert HEADER not in editor and editor.json()["count"] == 6  # the draft too
    token = api.get(URL, HTTP_AUTHORIZATION="Token not-a-real-one")
    assert token.status_code == 403 and HEADER not in token  # a bad token: refused, not served


def test_downloads_bad_queries_and_large_answers_are_never_stored(api, incidents, settings):
    before = len(answer_cache()._list_cache_files())
    download = api.get(URL, {"format": "csv"})
    assert download.status_code == 200 and HEADER not in download
    bad = api.get(URL, {"date_from": "yesterday"})
    assert bad.status_code == 400 and HEADER not in bad
    settings.API_CACHE_MAX_KB = 1
    large = api.get(URL, {"page_size": 5})  # five features: more than 1 KB
    assert large.status_code == 200 and HEADER not in large and len(large.content) > 1024
    assert len(answer_cache()._list_cache_files()) == before
    small = api.get(URL, {"page_size": 0})  # the count only
    assert small[HEADER] == "miss" and len(answer_cache()._list_cache_files()) == before + 1


def test_unknown_parameters_reach_the_links_so_they_are_part_of_the_key(api, incidents):
    first = api.get(URL, {"page_size": 1, "x": "1"})
    second = api.get(URL, {"page_size": 1, "x": "2"})
    assert (first[HEADER], second[HEADER]) == ("miss", "miss")
    assert "x=2" in second.json()["next"] and "x=1" not in second.json()["next"]


def test_the_cache_is_off_with_the_page_cache(api, incidents, settings):
    settings.PAGE_CACHE_ENABLED = False
    assert HEADER not in api.get(URL)
    assert HEADER not in api.get(URL)


def test_advisories_at_a_point_are_cached_until_the_zones_change(api):
    from regions.models import AdvisoryZone

    query = {"at": "-73.829,-12.5196"}
    miss = api.get("/api/v1/advisories/", query)
    assert miss[HEADER] == "miss"
    hit = api.get("/api/v1/advisories/", query)
    assert hit[HEADER] == "hit" and hit.content == miss.content
    slug = sorted(f["id"] for f in hit.json()["features"])[0]
    AdvisoryZone.objects.filter(slug=slug).update(name="Renamed zone")  # regions_version moves
    after = api.get("/api/v1/advisories/", query)
    assert after[HEADER] == "miss"
    assert [f["properties"]["name"] for f in after.json()["features"] if f["id"] == slug] == ["Renamed zone"]

"""Issue #12, finding 7: only published data may shape what anonymous users receive, ETags and
cached pages included. A draft's write must leave no trace a stranger can see; a published
write must show.

Threat line: a stranger reads tiles (and their ETags), the explorer and incident pages; an
Editor writes drafts. Nothing the Editor does to drafts may change what the stranger gets."""
from datetime import datetime, timezone

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from incidents import tiles
from web import maps
from web.map_cache import cache_key
from incidents.models import Actor, Alert, Incident
from tests.factories import make_actor, make_incident, page_url
from tests.places import PICHARI
from tests.tiles import get_tile, tile_of

pytestmark = pytest.mark.django_db


def published_version() -> int:
    return tiles.data_version(published_only=True)


def draft_writes(draft: Incident) -> None:
    """What an Editor does all day: create, edit, link actors to and delete drafts."""
    new = make_incident(title="Another draft", location=PICHARI, status=Incident.Status.DRAFT)
    Incident.objects.filter(pk=draft.pk).update(title="Draft, edited")
    draft.actors.add(make_actor("A draft-only militia"))
    draft.actors.clear()
    Incident.objects.filter(status=Incident.Status.IN_REVIEW).update(title="still in review")
    new.delete()


@pytest.fixture
def draft():
    return make_incident(title="Unreviewed report", location=PICHARI, status=Incident.Status.DRAFT)


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("editor", password="x-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_draft_writes_leave_the_published_version_and_move_the_full_one(draft):
    make_incident(title="Published", location=PICHARI)
    before, everything = published_version(), tiles.data_version()
    draft_writes(draft)
    assert published_version() == before
    assert tiles.data_version() > everything  # staff tiles and the tile cells still follow drafts


@pytest.mark.parametrize("write", [
    "create published", "edit published", "publish a draft", "unpublish", "link an actor",
    "unlink an actor",
])
def test_every_published_write_moves_the_published_version(draft, write):
    published = make_incident(title="Published", location=PICHARI, actors=[make_actor()])
    before = published_version()
    if write == "create published":
        make_incident(title="Another published", location=PICHARI)
    elif write == "edit published":
        Incident.objects.filter(pk=published.pk).update(fatalities=3)
    elif write == "publish a draft":
        Incident.objects.filter(pk=draft.pk).update(status=Incident.Status.PUBLISHED)
    elif write == "unpublish":
        Incident.objects.filter(pk=published.pk).update(status=Incident.Status.DRAFT)
    elif write == "link an actor":
        published.actors.add(make_actor("Military Forces of Peru"))
    else:
        published.actors.clear()
    assert published_version() > before


def test_a_draft_write_keeps_the_anonymous_tile_etag_and_a_published_write_moves_it(api, incidents):
    z, x, y = tile_of(PICHARI, 8)
    first = get_tile(api, "incidents", z, x, y)
    assert first.status_code == 200
    draft_writes(Incident.objects.get(pk=incidents["draft"]))
    again = get_tile(api, "incidents", z, x, y, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    districts = get_tile(api, "districts", z, x, y)
    draft_writes(Incident.objects.get(pk=incidents["draft"]))
    assert get_tile(api, "districts", z, x, y)["ETag"] == districts["ETag"]

    Incident.objects.filter(pk=incidents["pichari"]).update(fatalities=5)
    changed = get_tile(api, "incidents", z, x, y, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_staff_tile_etags_still_follow_drafts(editor_api, incidents):
    z, x, y = tile_of(PICHARI, 8)
    first = get_tile(editor_api, "incidents", z, x, y)
    draft_writes(Incident.objects.get(pk=incidents["draft"]))
    assert get_tile(editor_api, "incidents", z, x, y)["ETag"] != first["ETag"]


def _without_nonce(response) -> bytes:
    nonce = response.wsgi_request.csp_nonce.encode()
    assert nonce in response.content
    return response.content.replace(nonce, b"NONCE")


def test_a_draft_write_keeps_the_cached_page_and_a_published_write_renews_it(client, incidents, monkeypatch):
    built = []
    real = maps.explorer_map
    monkeypatch.setattr(maps, "explorer_map", lambda **kw: built.append(1) or real(**kw))
    first = client.get(page_url("map"))
    key = cache_key("explorer")
    draft_writes(Incident.objects.get(pk=incidents["draft"]))
    second = client.get(page_url("map"))
    assert len(built) == 1 and cache_key("explorer") == key  # served from the cache
    # The same page but for its per-response CSP nonce (core.middleware).
    assert _without_nonce(second) == _without_nonce(first)
    Incident.objects.filter(pk=incidents["pichari"]).update(title="Clash in Pichari, corrected")
    client.get(page_url("map"))
    assert len(built) == 2 and cache_key("explorer") != key


def make_alert(headline: str, hour: int, story: str = "clashes in the vraem") -> Alert:
    return Alert.objects.create(
        headline=headline, published_at=datetime(2018, 6, 1, hour, tzinfo=timezone.utc),
        severity=Alert.Severity.WARNING, raw_text=headline, story=story,
    )


def test_the_bulletin_story_lists_no_bulletin_that_has_only_drafts(client, editor):
    first = make_alert("Clashes in the VRAEM", 8)
    secret = make_alert("Clashes in the VRAEM / update 1: a secret draft", 9)
    make_alert("Clashes in the VRAEM / update 2: nothing drawn from it yet", 10)
    shown = make_incident(title="Published clash", location=PICHARI, alert=first)
    make_incident(title="Draft clash", location=PICHARI, alert=secret, status=Incident.Status.DRAFT)
    page = client.get(page_url("incident", shown.pk)).content.decode()
    assert "Clashes in the VRAEM" in page
    assert "secret draft" not in page and "nothing drawn from it yet" not in page
    client.force_login(editor)  # an editor, who may see drafts, sees their bulletin
    staff_page = client.get(page_url("incident", shown.pk)).content.decode()
    assert "secret draft" in staff_page and "nothing drawn from it yet" not in staff_page


def test_the_explorer_actor_list_holds_only_actors_of_published_incidents(client, editor):
    make_incident(title="Published", location=PICHARI, actors=[make_actor("Shining Path")])
    make_incident(title="Draft", location=PICHARI, status=Incident.Status.DRAFT,
                  actors=[make_actor("A militia named only in a draft")])
    Actor.objects.create(name="An actor of no incident", kind=Actor.Kind.EXTERNAL_OTHER)
    page = client.get(page_url("map")).content.decode()
    assert '<option value="Shining Path">' in page
    assert "named only in a draft" not in page and "of no incident" not in page
    client.force_login(editor)
    assert "named only in a draft" in client.get(page_url("map")).content.decode()

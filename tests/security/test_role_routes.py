"""Every routed URL, fetched by each role: never a server error, the admin closed to the public
and to staff without a role, user management only for administrators.

The editorial actions themselves (publish, archive, merge, delete…) are checked role by role
in tests/incidents/test_role_matrix.py.
"""
import pytest
from django.test import Client

from incidents.models import Incident
from tests.factories import make_incident, page_url
from tests.factories import member

from .urls import all_paths

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "staff", "editor", "reviewer", "administrator"]
# Pages of the admin that answer without a login by design.
ADMIN_OPEN = ("/admin/login/", "/admin/logout/", "/admin/unsaved-changes/", "/admin/jsi18n/")
USER_ADMIN = ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_without_a_server_error(role):
    incident = make_incident(status=Incident.Status.DRAFT)
    client = Client()
    if role != "anonymous":
        client.force_login(member(role))
    answered = {}
    for path in all_paths():
        response = client.get(path.replace("/1/", f"/{incident.pk}/", 1))
        answered[path] = response.status_code
        assert response.status_code < 500, (role, path, response.status_code)
        if path.startswith("/admin/") and not path.startswith(ADMIN_OPEN):
            if role == "anonymous":
                assert response.status_code in (302, 404), path
                if response.status_code == 302:
                    assert response["Location"].startswith("/admin/login/"), path
            elif role == "staff" and response.status_code == 200:
                # A staff login without a role sees the (empty) admin index and nothing else.
                assert path in ("/admin/", "/admin/password_change/",
                                "/admin/password_change/done/", "/admin/autocomplete/"), path
    assert len(answered) >= 85


@pytest.mark.parametrize(("role", "allowed"), [
    ("staff", False), ("editor", False), ("reviewer", False), ("administrator", True),
])
def test_only_administrators_manage_users_and_groups(role, allowed):
    client = Client()
    client.force_login(member(role))
    for path in USER_ADMIN:
        assert client.get(path).status_code == (200 if allowed else 403), (role, path)


@pytest.mark.parametrize(("role", "sees_drafts"), [
    ("anonymous", False), ("staff", False), ("editor", True), ("reviewer", True),
    ("administrator", True),
])
def test_drafts_are_shown_only_to_the_editorial_roles(role, sees_drafts):
    draft = make_incident(title="Unreviewed claim", status=Incident.Status.DRAFT)
    client = Client()
    if role != "anonymous":
        client.force_login(member(role))
    assert client.get(page_url("incident", draft.pk)).status_code == (200 if sees_drafts else 404)
    listed = "Unreviewed claim" in client.get("/api/v1/incidents/").content.decode()
    assert listed is sees_drafts

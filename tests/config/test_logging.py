"""Request ids, JSON log lines and the access log."""
import json
import logging
import re

import pytest
from django.contrib.auth import get_user_model

from tests.config.production import PRODUCTION, run_manage

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.django_db
def test_a_request_gets_a_new_id_when_it_brings_none(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert HEX_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_sane_client_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a:42")
    assert response["X-Request-ID"] == "lb-7f3a:42"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [
    "a b", "x" * 129, "id\"with-quote", "<script>", "", "é", "id;rm -rf",
])
def test_an_insane_client_id_is_replaced(client, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert HEX_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_every_record_of_a_request_carries_its_id_and_one_access_line(client, log_lines):
    response = client.get("/no/such/page/", HTTP_X_REQUEST_ID="trace-1")
    assert response.status_code == 404
    lines = log_lines()
    # The access line, then Django's own warning for the 404: both tagged with the id.
    assert [(line["logger"], line["request_id"]) for line in lines] == [
        ("vraem.access", "trace-1"),
        ("django.request", "trace-1"),
    ]
    access = lines[0]
    assert access["level"] == "INFO"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/no/such/page/", 404)
    assert isinstance(access["duration_ms"], float) and access["duration_ms"] >= 0
    assert access["user_id"] is None
    assert access["message"].startswith("GET /no/such/page/ 404 ")


@pytest.mark.django_db
def test_the_access_line_names_the_logged_in_user(client, log_lines):
    user = get_user_model().objects.create_superuser("logadmin", password="x-for-tests-9")
    client.force_login(user)
    client.get("/admin/")
    (access,) = [line for line in log_lines() if line["logger"] == "vraem.access"]
    assert (access["path"], access["status"], access["user_id"]) == ("/admin/", 200, user.pk)


@pytest.mark.django_db
def test_records_outside_a_request_have_no_id(client, log_lines):
    client.get("/healthz", HTTP_X_REQUEST_ID="finished-1")  # its id ends with the request
    logging.getLogger("vraem.test").warning("outside %s", "any request", extra={"rows": 3})
    line = log_lines()[-1]
    assert line["request_id"] == "-"
    assert line["message"] == "outside any request" and line["rows"] == 3


def test_production_logs_json_lines_by_default():
    code = "import logging; logging.getLogger('vraem.test').warning('hello %s', 'json')"
    result = run_manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(text) for text in result.stderr.splitlines()]
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == (
        "WARNING", "vraem.test", "hello json", "-")


def test_text_logs_on_request_and_a_bad_format_refuses_to_start():
    code = "import logging; logging.getLogger('vraem.test').warning('hello text')"
    result = run_manage("shell", "-c", code, DJANGO_LOG_FORMAT="text", **PRODUCTION)
    assert re.fullmatch(r"\S+ \S+ WARNING vraem\.test \[-\] hello text\n", result.stderr), result.stderr
    result = run_manage("check", DJANGO_LOG_FORMAT="xml", **PRODUCTION)
    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT must be json or text, got 'xml'" in result.stderr

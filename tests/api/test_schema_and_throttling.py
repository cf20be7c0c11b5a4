import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from rest_framework.throttling import AnonRateThrottle

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.wsgi import application

pytestmark = pytest.mark.django_db


def test_schema_documents_every_filter_with_its_form(api):
    schema = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]}
    assert {"bbox", "date_from", "date_to", "event_type", "sub_event_type", "actor", "region", "near",
            "radius_km", "q", "min_fatalities", "ordering", "page", "page_size", "format", "hxl"} <= set(params)
    assert "minlon,minlat,maxlon,maxlat" in params["bbox"]["description"]
    assert params["page_size"]["schema"]["maximum"] == 5000
    assert {"/api/v1/regions/", "/api/v1/regions/{ubigeo}/", "/api/v1/advisories/", "/api/v1/stats/"} <= set(
        schema["paths"]
    )


def test_interactive_docs_use_local_assets(api):
    html = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Every script and stylesheet is a local path (a random CSRF token may contain "cdn").
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") for a in assets), assets


def test_anonymous_clients_are_throttled(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    codes = [api.get("/api/v1/advisories/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(api.get("/api/v1/advisories/")["Retry-After"]) > 0


@pytest.fixture
def wsgi_in_test_transaction(monkeypatch):
    """Requests go straight to the WSGI app, inside the test's transaction: like Django's test
    client, keep the request signals from closing that connection; no throttling."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute"})
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_fuzzed_requests_never_cause_a_server_error(incidents, wsgi_in_test_transaction):
    """Schema-driven cases for every operation (25 examples each): no 5xx anywhere."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_in_test_transaction)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    failures, statuses = [], []

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call()
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, response.text[:300]))

        no_server_error()
    assert failures == []
    assert len(statuses) > 100 and {200, 400} <= set(statuses)

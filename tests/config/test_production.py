"""Production settings, security headers, health check and failure pages."""
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import translation

from core.middleware import DatabaseUnavailableMiddleware
from tests.config.production import PRODUCTION, run_manage
from tests.factories import page_url


def test_check_deploy_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing, message", [
    ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is not set"),
    ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is not set"),
])
def test_production_refuses_to_start_without_its_settings(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_pages_and_api_carry_a_csp_without_third_party_scripts(client):
    for url in [page_url("map"), "/api/v1/advisories/", "/api/docs/"]:
        response = client.get(url)
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"].startswith("'self' 'nonce-"), url  # tests/security/test_csp_nonce.py
        assert policy["default-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["img-src"] == "'self' data: blob: https://tile.openstreetmap.org"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_healthz_checks_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_an_unreachable_database_gives_a_503_page_not_a_traceback():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = middleware.process_exception(request, OperationalError("connection refused"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
    with translation.override("es"):  # in the language LocaleMiddleware chose
        spanish = middleware.process_exception(request, OperationalError("connection refused"))
    assert '<html lang="es">' in spanish.content.decode() and "No disponible por el momento" in spanish.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None


@pytest.mark.django_db
def test_unknown_page_is_the_custom_404(client):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()
    spanish = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 404 and "No hay ninguna página en esta dirección" in spanish.content.decode()

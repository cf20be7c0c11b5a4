"""QGIS itself (Debian's qgis + python3-qgis, 3.22) against the live server: tools/qgis_client.py
opens every OGC collection with QGIS's OAPIF provider, renders incidents over districts and
advisory zones, and opens /ogc/vraem.qgs. A large install (about 1 GB): run by
`make test-clients`, which installs it when missing; not part of `make test`."""
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.db.models import Count

from incidents.models import Incident
from regions.models import AdminArea, AdvisoryZone

pytestmark = [pytest.mark.django_db, pytest.mark.browser, pytest.mark.clients]
ROOT = Path(__file__).resolve().parents[2]


def test_qgis_reads_the_ogc_layers_renders_them_and_opens_the_project(live_url, site_data, tmp_path):
    image = ROOT / "test-artifacts" / "qgis-layers.png"
    image.parent.mkdir(exist_ok=True)
    image.unlink(missing_ok=True)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "tools" / "qgis_client.py"), live_url, str(image)],
        capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": os.environ.get("HOME", "/tmp"),
             "XDG_RUNTIME_DIR": str(runtime)})
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    levels = dict(AdminArea.objects.values_list("level").annotate(n=Count("id")))
    assert answer["layers"] == {
        "incidents": {"valid": True, "count": Incident.objects.filter(status="published").count()},
        "departments": {"valid": True, "count": levels["department"]},
        "provinces": {"valid": True, "count": levels["province"]},
        "districts": {"valid": True, "count": levels["district"]},
        "advisory-zones": {"valid": True, "count": AdvisoryZone.objects.count()},
    }
    assert (answer["layers"]["incidents"]["count"], levels) == (4, {"department": 25, "province": 196, "district": 1891})
    assert answer["project"] == {"Travel-advisory zones": True, "Districts": True, "Incidents": True}
    assert answer["tree"] == [["Incidents", True], ["Districts", True], ["Travel-advisory zones", True]]
    assert (answer["image"]["width"], answer["image"]["height"]) == (800, 800)
    assert answer["image"]["colours"] > 3  # white, district lines, zone fill, incident markers
    assert image.stat().st_size > 10_000

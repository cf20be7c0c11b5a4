"""Route files (GPX, KML, GeoJSON) through /api/v1/route-check/: read safely (defusedxml, no
DTD; never GDAL), bounded in bytes and points; a refusal is a 400 naming `file`."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

URL = "/api/v1/route-check/"
# Huanta -> Pichari, as two points of a track.
GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Huanta - Pichari</name><trkseg>
    <trkpt lat="-12.939444" lon="-74.248056"><ele>2600</ele></trkpt>
    <trkpt lat="-12.519444" lon="-73.829167"><ele>600</ele></trkpt>
  </trkseg></trk>
</gpx>"""
GPX_ROUTE = GPX.replace(b"<trk><name>Huanta - Pichari</name><trkseg>", b"<rte>").replace(
    b"</trkseg></trk>", b"</rte>").replace(b"trkpt", b"rtept")
KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Road</name>
  <LineString><coordinates>-74.248056,-12.939444,0 -73.829167,-12.519444,0</coordinates></LineString>
</Placemark></Document></kml>"""
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"name": "Road"},
    "geometry": {"type": "LineString", "coordinates": [[-74.248056, -12.939444], [-73.829167, -12.519444]]},
}]}).encode()
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&lol9;</name></Document></kml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&secret;</name>
  <LineString><coordinates>-74.2,-12.9 -73.8,-12.5</coordinates></LineString></Placemark></kml>"""


def _post(api, content: bytes, name: str = "route.gpx", **extra):
    return api.post(URL, {"file": SimpleUploadedFile(name, content), "km": "5", **extra},
                    format="multipart")


@pytest.mark.parametrize("content, name", [(GPX, "road.gpx"), (GPX_ROUTE, "road.gpx"),
                                           (KML, "road.kml"), (GEOJSON, "road.geojson"),
                                           (KML, "misnamed.geojson")])
def test_each_format_gives_the_same_route(api, content, name):
    response = _post(api, content, name)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["route"]["properties"]["source"] == "file"
    assert body["route"]["properties"]["length_km"] == 65.026
    assert [d["ubigeo"] for d in body["districts"]] == ["050401", "050412", "050410", "050407", "080910"]
    assert [z["slug"] for z in body["zones"]] == ["us-vraem", "uk-vraem", "vraem"]


def test_a_billion_laughs_is_refused_with_400(api):
    response = _post(api, BILLION_LAUGHS, "bomb.kml")
    assert response.status_code == 400
    assert "DTDs and entities are refused" in response.json()["file"][0]


def test_an_external_entity_is_refused_with_400_and_nothing_is_read(api):
    response = _post(api, EXTERNAL_ENTITY, "xxe.kml")
    assert response.status_code == 400
    assert "root:" not in response.content.decode()
    assert "DTDs and entities are refused" in response.json()["file"][0]


def test_a_file_over_the_size_cap_is_refused(api, settings):
    settings.ROUTE_UPLOAD_MAX_BYTES = 100
    response = _post(api, GPX)
    assert response.status_code == 400
    assert response.json()["file"] == [f"The file is {len(GPX):,} bytes; the limit is 100 bytes "
                                       "(ROUTE_UPLOAD_MAX_KB)."]


def test_a_line_over_the_point_cap_is_refused(api, settings):
    settings.ROUTE_MAX_POINTS = 3
    coordinates = " ".join(f"{-74.2 + i / 100},{-12.9 + i / 100}" for i in range(5))
    response = _post(api, KML.replace(b"-74.248056,-12.939444,0 -73.829167,-12.519444,0",
                                      coordinates.encode()), "long.kml")
    assert response.status_code == 400
    assert response.json()["file"] == ["A route has at most 3 points (ROUTE_MAX_POINTS), got 4; "
                                       "simplify the line."]


@pytest.mark.parametrize("content, message", [
    (b"<gpx xmlns='http://www.topografix.com/GPX/1/1'><wpt lat='-12' lon='-74'/></gpx>",
     "The GPX file holds no track (trkpt) or route (rtept) points."),
    (b"<svg/>", "An XML file must be GPX or KML, not <'svg'>."),
    (b"<gpx><trkpt lat='x' lon='-74'/></gpx>", "GPX point 1 has no valid lat/lon attributes."),
    (b"<kml><LineString><coordinates>-74.2,-12.9 -73.8,-95</coordinates></LineString></kml>",
     "KML coordinate 2: expected longitude in [-180, 180] and latitude in [-90, 90]."),
    (b"<gpx><trk>", "The file is refused: not well-formed XML (no element found: line 1, column 10)."),
    (b'{"type": "Point", "coordinates": [-74, -12]}',
     "The file is not GPX, KML or GeoJSON: type 'Point' is not 'FeatureCollection' or 'Feature'."),
    (b"\x00\x01binary", "The file is not GPX, KML or GeoJSON: not JSON: Expecting value at line 1 column 1."),
])
def test_bad_files_are_refused_naming_the_problem(api, content, message):
    response = _post(api, content)
    assert response.status_code == 400, response.content
    assert response.json() == {"file": [message]}

"""Bad input is a 400 naming the parameter and the expected form; never a 500."""
import pytest

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    ("/api/v1/incidents/", {"bbox": "1,2,3"}, "bbox", "minlon,minlat,maxlon,maxlat"),
    ("/api/v1/incidents/", {"bbox": "a,b,c,d"}, "bbox", "minlon,minlat,maxlon,maxlat"),
    ("/api/v1/incidents/", {"bbox": "-73,-12,-74,-13"}, "bbox", "minlon < maxlon"),
    ("/api/v1/incidents/", {"bbox": "-200,-12,-74,-11"}, "bbox", "longitude in [-180, 180]"),
    ("/api/v1/incidents/", {"bbox": "nan,-12,-74,-11"}, "bbox", "minlon,minlat,maxlon,maxlat"),
    ("/api/v1/incidents/", {"date_from": "2018-13-01"}, "date_from", "YYYY-MM-DD"),
    ("/api/v1/incidents/", {"date_from": "2019-01-01", "date_to": "2018-01-01"}, "date_to", "before date_from"),
    ("/api/v1/incidents/", {"near": "-73.8,-12.5", "radius_km": "ten"}, "radius_km", "number"),
    ("/api/v1/incidents/", {"near": "-73.8,-12.5", "radius_km": "-1"}, "radius_km", "greater than or equal to 0"),
    ("/api/v1/incidents/", {"near": "-73.8,-12.5"}, "radius_km", "go together"),
    ("/api/v1/incidents/", {"radius_km": "5"}, "near", "go together"),
    ("/api/v1/incidents/", {"near": "north", "radius_km": "5"}, "near", "lon,lat"),
    ("/api/v1/incidents/", {"region": "99"}, "region", "Unknown ubigeo '99'"),
    ("/api/v1/incidents/", {"region": "123"}, "region", "2, 4 or 6 digits"),
    ("/api/v1/incidents/", {"page_size": "100000"}, "page_size", "less than or equal to 5000"),
    ("/api/v1/incidents/", {"page": "0"}, "page", "greater than or equal to 1"),
    ("/api/v1/incidents/", {"format": "xml"}, "format", "not a valid choice"),
    ("/api/v1/incidents/", {"ordering": "title"}, "ordering", "not a valid choice"),
    ("/api/v1/incidents/", {"event_type": "War"}, "event_type", "not a valid choice"),
    ("/api/v1/incidents/", {"event_type": "Protests", "sub_event_type": "Armed clash"}, "sub_event_type", "not a sub-event type"),
    ("/api/v1/incidents/", {"min_fatalities": "-2"}, "min_fatalities", "greater than or equal to 0"),
    ("/api/v1/incidents/", {"min_fatalities": "193620660349"}, "min_fatalities", "less than or equal to"),
    ("/api/v1/incidents/", {"page": "10000000000000"}, "page", "less than or equal to 1000000"),
    ("/api/v1/stats/", {"level": "country"}, "level", "not a valid choice"),
    ("/api/v1/stats/", {"bbox": "x"}, "bbox", "minlon,minlat,maxlon,maxlat"),
    ("/api/v1/regions/", {"level": "canton"}, "level", "not a valid choice"),
    ("/api/v1/regions/", {"parent": "77"}, "parent", "Unknown ubigeo '77'"),
    ("/api/v1/regions/", {"simplify": "-1"}, "simplify", "greater than or equal to 0"),
    ("/api/v1/regions/", {"simplify": "0.1", "zoom": "5"}, "zoom", "not both"),
    ("/api/v1/regions/08/", {"date_from": "yesterday"}, "date_from", "YYYY-MM-DD"),
    ("/api/v1/advisories/", {"at": "-73.8"}, "at", "lon,lat"),
    ("/api/v1/advisories/", {"on": "31/12/2020"}, "on", "YYYY-MM-DD"),
]


@pytest.mark.parametrize("url, query, parameter, expected", BAD_QUERIES)
def test_bad_parameter_is_a_400_naming_it(api, url, query, parameter, expected):
    response = api.get(url, query)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [parameter]
    assert expected in " ".join(body[parameter]), body


@pytest.mark.parametrize("url", [
    "/api/v1/incidents/999999/", "/api/v1/incidents/abc/", "/api/v1/regions/999999/",
    "/api/v1/incidents/801351598315939491167757483794399050/",  # found by the fuzz run
])
def test_unknown_objects_are_404(api, url):
    assert api.get(url).status_code == 404

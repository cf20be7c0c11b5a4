"""Asking for vector tiles and reading them, for the tile tests."""
import math

import mapbox_vector_tile


def tile_of(point, z):
    n = 2 ** z
    lat = math.radians(point.y)
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * n)
    return z, x, y


def get_tile(api, kind, z, x, y, query="", **headers):
    return api.get(f"/tiles/{kind}/{z}/{x}/{y}.pbf{query}", **headers)


def features(response, layer):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content).get(layer, {"features": []})["features"]

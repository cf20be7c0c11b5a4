"""Read GeoJSON without GDAL: `json` for the text, shapely for the geometries, pyproj for a `crs`.

Why not `gpd.read_file` / pyogrio: GDAL picks its driver from the content, not from the name
or the format the user chose, and pyogrio (0.13) offers no way to limit the drivers it may
pick. A file named `x.geojson` holding an `<OGRVRTDataSource>` makes GDAL open whatever the VRT
names — `CSV:/proc/self/environ`, any file the server's user may read — and values of that file
then show up in row errors; a `/vsicurl/http://10.0.0.1/…` source makes the server fetch an
internal address. Parsed here, the bytes can name no other file and no URL: the worst a crafted
file can do is be refused, by name.

Threat line (for every caller: the admin import page, `import_incidents`, `load_boundaries`):
a stranger cannot reach these callers; an Editor (the lowest role that may import) can make
this module read only the bytes they uploaded, spend at most IMPORT_MAX_BYTES of parsing, and
receive a refusal that quotes at most `security.untrusted.excerpt` of any value.
"""
import json
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyproj
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from security.untrusted import excerpt

Transform = Callable[[BaseGeometry], BaseGeometry]

# crs names of WGS 84 longitude/latitude (what RFC 7946 GeoJSON always is), and the EPSG forms
# that GDAL also accepted in the old (2008) GeoJSON `crs` member. Anything else is refused:
# a free-form CRS string handed to PROJ could name a file (+init=…) or a grid to download.
_LON_LAT = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "ogc:crs84", "crs84"}
_EPSG = re.compile(r"^(?:urn:ogc:def:crs:epsg:[0-9.]*:|epsg:)(\d{4,6})$", re.IGNORECASE)


class GeoJSONError(ValueError):
    """Bytes that are not a GeoJSON FeatureCollection this module accepts; the message says why."""


@dataclass
class Feature:
    number: int  # from 1, in file order
    properties: dict
    geometry: dict | None  # the GeoJSON geometry object, parsed by `shape`


def refuse_markup(data: bytes) -> None:
    """XML is never GeoJSON. Named specially: an OGR VRT is the file that reads other files."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<ogrvrtdatasource" in head.lower():
        raise GeoJSONError("it is an OGR VRT file (<OGRVRTDataSource>), not GeoJSON; "
                           "VRT files are never read: they name other files and URLs to open")
    if head.startswith(b"<"):
        raise GeoJSONError("it is XML or HTML (it starts with '<'), not GeoJSON")


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse(data: bytes) -> dict:
    """The top-level JSON object of `data` (UTF-8, a byte-order mark allowed)."""
    refuse_markup(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise GeoJSONError(f"not UTF-8 text: byte 0x{data[error.start]:02x} on line {line}") from None
    try:
        document = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as error:  # its message holds positions, never content
        raise GeoJSONError(f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except (ValueError, RecursionError) as error:  # NaN, huge integers, deep nesting
        raise GeoJSONError(f"not JSON this reader accepts: {excerpt(error, 80)}") from None
    if not isinstance(document, dict):
        raise GeoJSONError("the top level is not a JSON object")
    return document


def features(document: dict) -> list[Feature]:
    """The features of a FeatureCollection (or of a single Feature)."""
    kind = document.get("type")
    if kind == "Feature":
        items = [document]
    elif kind == "FeatureCollection":
        items = document.get("features")
        if not isinstance(items, list):
            raise GeoJSONError("its 'features' member is not a list")
    else:
        raise GeoJSONError(f"type {excerpt(kind)} is not 'FeatureCollection' or 'Feature'")
    out = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise GeoJSONError(f"feature {number} is not a GeoJSON Feature object")
        properties = item.get("properties") or {}
        geometry = item.get("geometry")
        if not isinstance(properties, dict):
            raise GeoJSONError(f"feature {number}: 'properties' is not an object")
        if geometry is not None and not isinstance(geometry, dict):
            raise GeoJSONError(f"feature {number}: 'geometry' is not an object")
        out.append(Feature(number, properties, geometry))
    return out


def _crs_name(crs: object) -> str:
    if not isinstance(crs, dict) or not isinstance(crs.get("properties"), dict):
        raise GeoJSONError("its 'crs' member is not a named CRS")
    props = crs["properties"]
    if crs.get("type") == "EPSG" and str(props.get("code", "")).isdigit():
        return f"EPSG:{props['code']}"
    if crs.get("type") == "name" and isinstance(props.get("name"), str):
        return props["name"].strip()
    raise GeoJSONError("its 'crs' member is not a named CRS")


def to_wgs84(document: dict) -> Transform | None:
    """A function taking geometries from the document's declared `crs` to longitude/latitude;
    None when they already are (no `crs`, as RFC 7946 says, or WGS 84 declared)."""
    if document.get("crs") is None:
        return None
    name = _crs_name(document["crs"])
    if name.lower() in _LON_LAT:
        return None
    match = _EPSG.match(name)
    if not match:
        raise GeoJSONError(f"crs {excerpt(name)} is not supported (give EPSG:<code> or none)")
    code = int(match.group(1))
    if code == 4326:  # GDAL read GeoJSON's EPSG:4326 as longitude, latitude too
        return None
    try:
        source = pyproj.CRS.from_epsg(code)
    except pyproj.exceptions.CRSError:
        raise GeoJSONError(f"crs EPSG:{code} is not a known EPSG code") from None
    # always_xy: GeoJSON coordinates are (x, y) = (easting or longitude, northing or latitude).
    transformer = pyproj.Transformer.from_crs(source, 4326, always_xy=True)

    def transform(geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))

    return transform


def shape(geometry: dict | None, transform: Transform | None = None) -> BaseGeometry | None:
    """The shapely geometry of a GeoJSON geometry object (None stays None)."""
    if geometry is None:
        return None
    try:
        result = shapely.geometry.shape(geometry)
    except Exception:  # shapely raises many kinds (KeyError, TypeError, GEOSException…)
        raise GeoJSONError(f"geometry of type {excerpt(geometry.get('type'))} has bad "
                           "coordinates") from None
    return transform(result) if transform and not result.is_empty else result

"""A QGIS project (.qgs XML) that opens the OGC API layers of this server — incidents by event
type, districts, advisory zones by severity — in the app's colours (web.maps). Written for the URL
the request came to, so the file works wherever the app is served.

Threat line: anyone may download it; it holds no user data, only this server's URL (from the
request's Host, which ALLOWED_HOSTS limits) and fixed layer definitions, XML-escaped by
ElementTree.
"""
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.views import APIView

from ogcapi.collections import COLLECTIONS
from regions.models import AdvisoryZone

from .maps import ADVISORY_COLOURS, EVENT_STYLES

CRS84_WKT = ('GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,'
             '298.257223563]],CS[ellipsoidal,2],AXIS["longitude",east],AXIS["latitude",north],'
             'ANGLEUNIT["degree",0.0174532925199433]]')
LAYERS = ["advisory-zones", "districts", "incidents"]  # drawn bottom to top
VRAEM_EXTENT = (-75.5, -13.5, -72.5, -11.0)


def _rgba(colour: str, alpha: int = 255) -> str:
    return ",".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5)) + f",{alpha}"


def _symbol(parent, name: str, kind: str, colour: str, *, fill_alpha: int = 255, outline: str = "#ffffff"):
    symbol = ET.SubElement(parent, "symbol", type=kind, name=name, alpha="1", clip_to_extent="1",
                           force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleMarker" if kind == "marker" else "SimpleFill",
                                            "enabled": "1", "locked": "0", "pass": "0"})
    props = {"color": _rgba(colour, fill_alpha), "outline_color": _rgba(outline),
             "outline_width": "0.4" if kind == "marker" else "0.5", "outline_width_unit": "MM"}
    if kind == "marker":
        props |= {"name": "circle", "size": "3", "size_unit": "MM"}
    else:
        props |= {"style": "solid", "outline_style": "solid"}
    for key, value in props.items():
        ET.SubElement(layer, "prop", k=key, v=value)
    return symbol


def _renderer(layer, collection_id: str):
    if collection_id == "incidents":
        categories = [(value, style["colour"]) for value, style in EVENT_STYLES.items()]
        attribute, kind, alpha, outline = "event_type", "marker", 255, "#ffffff"
    elif collection_id == "advisory-zones":
        categories = [(str(severity.value), ADVISORY_COLOURS[severity])
                      for severity in AdvisoryZone.Severity]
        attribute, kind, alpha, outline = "severity", "fill", 60, None
    else:
        renderer = ET.SubElement(layer, "renderer-v2", type="singleSymbol", symbollevels="0",
                                 enableorderby="0", forceraster="0")
        _symbol(ET.SubElement(renderer, "symbols"), "0", "fill", "#ffffff", fill_alpha=0,
                outline="#37474f")
        return
    renderer = ET.SubElement(layer, "renderer-v2", type="categorizedSymbol", attr=attribute,
                             symbollevels="0", enableorderby="0", forceraster="0")
    cats, symbols = ET.SubElement(renderer, "categories"), ET.SubElement(renderer, "symbols")
    for index, (value, colour) in enumerate(categories):
        ET.SubElement(cats, "category", render="true", symbol=str(index), value=value, label=value)
        _symbol(symbols, str(index), kind, colour, fill_alpha=alpha, outline=outline or colour)


def _srs(parent):
    srs = ET.SubElement(ET.SubElement(parent, "srs"), "spatialrefsys")
    ET.SubElement(srs, "wkt").text = CRS84_WKT
    ET.SubElement(srs, "authid").text = "OGC:CRS84"
    ET.SubElement(srs, "geographicflag").text = "true"


def layer_id(collection_id: str) -> str:
    """The layer's id in the project. QGIS 3.22 replaces a bare word such as "incidents" by a
    generated id when it reads the project, and the layer tree then no longer finds the layer
    (it is loaded but not listed or drawn): ids have QGIS's own form, name_suffix."""
    return f"{collection_id.replace('-', '_')}_vraem"


def qgis_project(ogc_url: str) -> bytes:
    """The project XML for the OGC API - Features landing page at `ogc_url`."""
    root = ET.Element("qgis", projectname="VRAEM conflict map", version="3.22.0-Białowieża")
    ET.SubElement(root, "title").text = "VRAEM conflict map"
    _srs(ET.SubElement(root, "projectCrs"))
    tree = ET.SubElement(root, "layer-tree-group")
    layers = ET.SubElement(root, "projectlayers")
    for collection_id in reversed(LAYERS):  # the layer tree lists the top layer first
        collection = COLLECTIONS[collection_id]
        ET.SubElement(tree, "layer-tree-layer", id=layer_id(collection_id), name=collection.title,
                      source="", providerKey="OAPIF", checked="Qt::Checked", expanded="1")
    for collection_id in LAYERS:
        collection = COLLECTIONS[collection_id]
        geometry = "Point" if collection.geometry_type == "Point" else "Polygon"
        layer = ET.SubElement(layers, "maplayer", type="vector", geometry=geometry,
                              wkbType=collection.geometry_type)
        ET.SubElement(layer, "id").text = layer_id(collection_id)
        ET.SubElement(layer, "datasource").text = (
            f"pagingEnabled='true' preferCoordinatesForWfsT11='false' restrictToRequestBBOX='1' "
            f"typename='{collection_id}' url='{ogc_url}'"
        )
        ET.SubElement(layer, "layername").text = collection.title
        ET.SubElement(layer, "provider", encoding="").text = "OAPIF"
        _srs(layer)
        _renderer(layer, collection_id)
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas")
    ET.SubElement(canvas, "units").text = "degrees"
    extent = ET.SubElement(canvas, "extent")
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), VRAEM_EXTENT):
        ET.SubElement(extent, name).text = str(value)
    _srs(ET.SubElement(canvas, "destinationsrs"))
    return b'<!DOCTYPE qgis PUBLIC \'http://mrcc.com/qgis.dtd\' \'SYSTEM\'>\n' + ET.tostring(root, encoding="utf-8")


class QgisProjectView(APIView):
    """GET /ogc/vraem.qgs: the project for this server (open it in QGIS 3.22 or later)."""

    queryset = AdvisoryZone.objects.none()  # read-only: anonymous allowed

    @extend_schema(tags=["OGC API - Features"], operation_id="qgis_project",
                   responses={(200, "application/x-qgis-project"): OpenApiTypes.STR})
    def get(self, request):
        ogc_url = request.build_absolute_uri(reverse("ogcapi:landing")).rstrip("/")
        response = HttpResponse(qgis_project(ogc_url), content_type="application/x-qgis-project")
        response["Content-Disposition"] = 'attachment; filename="vraem.qgs"'
        return response

"""QGIS as a client of the OGC API (`make test-clients`): opens the /ogc/ collections with
QGIS's own OAPIF provider, counts their features, renders one map image (incidents over
districts and advisory zones, the VRAEM in view) and opens /ogc/vraem.qgs with QgsProject.

Runs under Debian's /usr/bin/python3 with python3-qgis (QGIS 3.22 on Debian 12), headless
(QT_QPA_PLATFORM=offscreen), never imports the app: it is a client, like ogrinfo.
tests/browser/test_qgis_client.py starts the live server, runs it and checks its answer.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tools/qgis_client.py http://127.0.0.1:8000 out.png

Prints one JSON object: {"layers": {collection: {"valid", "count"}}, "project": {layer name:
valid}, "image": {"width", "height", "colours"}}.
"""
import json
import os
import sys
import tempfile
import urllib.request

COLLECTIONS = ["incidents", "departments", "provinces", "districts", "advisory-zones"]
VRAEM_VIEW = (-75.2, -13.4, -73.2, -11.4)  # lon/lat box around the VRAEM


def main(base_url: str, image_path: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject

    # With the GUI flag on (on the offscreen platform): without it QGIS 3.22's OAPIF provider
    # crashes (segmentation fault) when a layer is created.
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], True)
    app.initQgis()
    try:
        # Every layer, map setting and project layer is gone when _check returns: QGIS crashes
        # at exit if one outlives exitQgis.
        return _check(base_url, image_path)
    finally:
        QgsProject.instance().clear()
        app.exitQgis()


def _render(map_layers: list, image_path: str) -> dict:
    """Draw `map_layers` (top first) over the VRAEM into a PNG; its size and colour count."""
    from qgis.core import (QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,
                           QgsMapSettings, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers(map_layers)
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setExtent(QgsRectangle(*VRAEM_VIEW))
    settings.setOutputSize(QSize(800, 800))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(image_path, "png")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    return {"width": image.width(), "height": image.height(), "colours": len(colours)}


def _check(base_url: str, image_path: str) -> dict:
    from qgis.core import QgsProject, QgsVectorLayer

    ogc = f"{base_url}/ogc"
    layers, answer = {}, {"layers": {}, "project": {}, "image": {}}
    for name in COLLECTIONS:
        layer = QgsVectorLayer(f"url='{ogc}' typename='{name}'", name, "OAPIF")
        layers[name] = layer
        answer["layers"][name] = {
            "valid": layer.isValid(),
            "count": sum(1 for _ in layer.getFeatures()) if layer.isValid() else None,
        }

    # The project file the app writes for this server, opened as QGIS would open it.
    with urllib.request.urlopen(f"{ogc}/vraem.qgs", timeout=60) as response:
        project_text = response.read()
    with tempfile.NamedTemporaryFile(suffix=".qgs") as project_file:
        project_file.write(project_text)
        project_file.flush()
        project = QgsProject.instance()
        if not project.read(project_file.name):
            answer["project"] = {"error": project.error()}
        else:
            answer["project"] = {layer.name(): layer.isValid()
                                 for layer in project.mapLayers().values()}
            # The map as the project draws it: the app's colours, zones under districts under
            # incidents (the layer tree's order, top first); `tree` says which nodes found
            # their layer (a node that did not is listed in QGIS but draws nothing).
            order = [node.layer() for node in project.layerTreeRoot().findLayers()]
            answer["tree"] = [(node.name(), node.layer() is not None)
                              for node in project.layerTreeRoot().findLayers()]
            answer["image"] = _render([layer for layer in order if layer is not None], image_path)
        project.clear()
    del layers
    return answer


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(json.dumps(main(sys.argv[1], sys.argv[2])))

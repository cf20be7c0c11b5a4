/* Route check (/route/): draw a route on the map by clicking its bends; the points go into
   the form's hidden `line` input as lon,lat;lon,lat;… (longitude first, as everywhere in this
   app: Leaflet's [lat, lng] is converted here and nowhere else in this file). Also the Print
   button (inline handlers are refused by the Content Security Policy). */
window.VraemRoute = (function () {
  "use strict";
  const gettext = window.gettext || ((s) => s);

  function start(map, groups, config) {
    const input = document.getElementById(config.lineInput);
    const drawButton = document.getElementById("route-draw");
    const undoButton = document.getElementById("route-undo");
    const clearButton = document.getElementById("route-clear");
    const counter = document.getElementById("route-points");
    const printButton = document.getElementById("route-print");
    if (printButton) printButton.addEventListener("click", () => window.print());
    if (!input || !drawButton) return;
    const points = [];  // [lon, lat]
    (input.value || "").split(";").forEach((pair) => {
      const [lon, lat] = pair.split(",").map(Number);
      if (Number.isFinite(lon) && Number.isFinite(lat)) points.push([lon, lat]);
    });
    const drawn = L.polyline([], {color: "#e65100", weight: 4, dashArray: "8 6"}).addTo(map);
    let drawing = false;

    function update() {
      drawn.setLatLngs(points.map(([lon, lat]) => [lat, lon]));
      input.value = points.map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(";");
      counter.textContent = points.length
        ? gettext(config.labels.points).replace("%(n)s", String(points.length)) : "";
    }

    function toggle() {
      drawing = !drawing;
      drawButton.textContent = gettext(drawing ? config.labels.stop : config.labels.draw);
      drawButton.setAttribute("aria-pressed", String(drawing));
      map.getContainer().parentElement.classList.toggle("drawing", drawing);
    }

    map.on("click", (event) => {
      if (!drawing) return;
      points.push([event.latlng.lng, event.latlng.lat]);
      update();
    });
    drawButton.addEventListener("click", toggle);
    undoButton.addEventListener("click", () => { points.pop(); update(); });
    clearButton.addEventListener("click", () => { points.length = 0; update(); });
    update();
  }

  return {start};
})();

/* Advisory-zone form: "Preview the zone" draws the union of the chosen areas (buffered),
   computed by the server in PostGIS, on the form's map without saving. */
(function () {
  "use strict";

  // Django's JavaScriptCatalog (added to every admin page by templates/admin/base_site.html),
  // looked up when called: this script may load before it. English as written without it.
  function gettext(s) { return window.gettext ? window.gettext(s) : s; }
  function interpolate(fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (match, key) { return String(obj[key]); });
  }

  var map = null, preview = null;
  window.addEventListener("map:init", function (event) {
    map = event.detail.map;
  });

  function chosenAreas() {
    var select = document.getElementById("id_areas");
    if (!select) return [];
    return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
  }

  function show(box, text) {
    box.querySelector(".zone-preview-result").textContent = text;
  }

  function run(box) {
    var buffer = document.getElementById("id_buffer_km");
    var url = box.dataset.url + "?areas=" + chosenAreas().join(",") +
      "&buffer_km=" + encodeURIComponent(buffer ? buffer.value : "0");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) { show(box, data.error); return; }
        if (preview) map.removeLayer(preview);
        preview = L.geoJSON(data, { style: { color: "#b30000", weight: 2, fillOpacity: 0.25 } })
          .addTo(map);
        map.fitBounds(preview.getBounds());
        var language = document.documentElement.lang || "es";
        show(box, interpolate(gettext("Preview (not saved): %(areas)s area(s), %(km2)s km²."), {
          areas: data.properties.areas,
          km2: data.properties.area_km2.toLocaleString(language, { useGrouping: "always" })
        }));
      })
      .catch(function () { show(box, gettext("The preview failed; try again.")); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".zone-preview").forEach(function (box) {
      box.querySelector(".zone-preview-button").addEventListener("click", function () { run(box); });
    });
  });
})();

/* Incident form: search the gazetteer ("Natividad, Pichari"; "near Natividad" places a point
   near the town, precision 2), click a candidate to place the point on the form's map and fill
   precision, area level and place name. Loaded in the page head, so it hears django-leaflet's
   map:init before the location field is attached. The map also draws the department and
   province outlines (from /api/v1/regions/), so it is a map, not a grey box, when the tiles
   are unreachable or not configured (MAP_TILES_URL empty). */
(function () {
  "use strict";

  // Django's JavaScriptCatalog (added to every admin page by templates/admin/base_site.html),
  // looked up when called: this script may load before it. English as written without it.
  function gettext(s) { return window.gettext ? window.gettext(s) : s; }
  function interpolate(fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (match, key) { return String(obj[key]); });
  }

  var field = null;
  var locationMap = null;
  window.addEventListener("map:init", function (event) {
    event.detail.map.on("map:loadfield", function (e) {
      if (e.fieldid === "id_location") {
        field = e.field;
        locationMap = event.detail.map;
        drawOutlines();
      }
    });
  });

  // Below the point and not clickable: a click on an outline still places the point.
  var OUTLINE_STYLES = {
    department: { color: "#333", weight: 1.5, fill: false },
    province: { color: "#777", weight: 0.8, dashArray: "3 3", fill: false }
  };
  var outlinesDrawn = false;

  function drawOutlines() {
    var box = document.querySelector(".place-search[data-outlines-url]");
    if (outlinesDrawn || !locationMap || !box) return;  // called again once the page is read
    outlinesDrawn = true;
    var pane = locationMap.createPane("outlines");
    pane.style.zIndex = 350;  // above the tiles (200), below the point (overlay pane, 400)
    ["province", "department"].forEach(function (level) {
      var url = box.dataset.outlinesUrl + "?level=" + level + "&zoom=8";
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          // pane and interactive are read when a shape is made: options, not style.
          var style = OUTLINE_STYLES[level];
          L.geoJSON(data, { pane: "outlines", interactive: false, style: function () { return style; } })
            .addTo(locationMap);
          document.body.dataset["outlines" + level.charAt(0).toUpperCase() + level.slice(1)] =
            String(data.features.length);
        })
        .catch(function () { /* the outlines are a help, never a condition */ });
    });
  }

  function setValue(id, value) {
    var input = document.getElementById(id);
    if (input && value !== null && value !== undefined) input.value = value;
  }

  function describe(c) {
    var kinds = {
      department: gettext("department"), province: gettext("province"), district: gettext("district"),
      capital: gettext("district capital"), populated_place: gettext("populated place")
    };
    var text = c.name + " (" + (kinds[c.kind] || c.kind) + ") – " + c.areas.join(", ");
    if (c.geo_precision_label) text += " – " + c.geo_precision_label;
    if (c.listed_under && c.areas.indexOf(c.listed_under) === -1) {
      text += " (" + interpolate(gettext("the gazetteer lists it under %(name)s"), { name: c.listed_under }) + ")";
    }
    if (c.advisories.length) {
      text += " – " + gettext("advisory:") + " " + c.advisories.map(function (z) {
        return z.name + " (" + z.wording + ")";
      }).join(", ");
    }
    return text;
  }

  function place(c, box) {
    if (!field) return;
    var marker = L.marker([c.latitude, c.longitude]);
    field.onCreated({ layer: marker });
    field._map.setView([c.latitude, c.longitude], 11);
    setValue("id_geo_precision", c.geo_precision);
    setValue("id_area_level", c.area_level);
    var name = document.getElementById("id_location_name");
    if (name && !name.value) name.value = c.name;
    box.querySelector(".place-search-chosen").textContent = interpolate(
      gettext("Placed at %(place)s. Department, province and district are assigned when you save."),
      { place: describe(c) });
  }

  function show(box, data) {
    var list = box.querySelector(".place-search-results");
    list.textContent = "";
    if (data.error || !data.candidates.length) {
      var empty = document.createElement("li");
      empty.textContent = data.error || gettext("No place of that name in the gazetteer.");
      list.appendChild(empty);
      return;
    }
    data.candidates.forEach(function (c) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "place-search-candidate";
      button.textContent = describe(c);
      button.title = c.reason;
      button.addEventListener("click", function () { place(c, box); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function search(box) {
    var query = box.querySelector(".place-search-input").value.trim();
    var url = box.dataset.url + "?q=" + encodeURIComponent(query);
    var day = document.getElementById("id_occurred_on");
    if (day && /^\d{4}-\d{2}-\d{2}$/.test(day.value)) url += "&on=" + day.value;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { show(box, data); })
      .catch(function () { show(box, { error: gettext("The search failed; try again.") }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawOutlines();
    document.querySelectorAll(".place-search").forEach(function (box) {
      var input = box.querySelector(".place-search-input");
      box.querySelector(".place-search-button").addEventListener("click", function () { search(box); });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); search(box); }
      });
    });
  });
})();

/* Published incidents from the REST API as markers with popups.
 * Every text from the API reaches the page through textContent: nothing is parsed as HTML. */
(function () {
  "use strict";

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function casualties(value) {
    return value === null || value === undefined ? "unknown" : String(value);
  }

  function popupContent(props, labels) {
    var areas = [props.district_name, props.province_name, props.department_name]
      .filter(Boolean).join(", ");
    var rows = [
      ["Date", props.occurred_on],
      ["Type", props.event_type + " / " + props.sub_event_type],
      ["Fatalities", casualties(props.fatalities)],
      ["Injuries", casualties(props.injuries)],
      ["Actors", props.actors.length ? props.actors.join(", ") : "not reported"],
      ["Location", props.location_name || areas],
      ["Area", areas],
      ["Precision", labels.precision[props.geo_precision]]
    ];
    var box = element("div", null, "incident-popup");
    box.appendChild(element("h3", props.title));
    var table = element("table");
    rows.forEach(function (row) {
      var tr = element("tr");
      tr.appendChild(element("th", row[0]));
      tr.appendChild(element("td", row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function addFeatures(group, collection, labels) {
    collection.features.forEach(function (feature) {
      // GeoJSON is [longitude, latitude]; Leaflet wants [latitude, longitude].
      var lonLat = feature.geometry.coordinates;
      var marker = L.marker([lonLat[1], lonLat[0]]);
      marker.bindPopup(popupContent(feature.properties, labels), { maxWidth: 340 });
      marker.bindTooltip(element("span", feature.properties.title));
      group.addLayer(marker);
    });
  }

  function showError(map, message) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () { return element("div", message, "map-error"); };
    control.addTo(map);
  }

  /* Load every page of `url` into `group`, following the API's `next` links. */
  window.loadIncidents = function (map, group, url, labels) {
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (collection) {
        addFeatures(group, collection, labels);
        if (collection.next) window.loadIncidents(map, group, collection.next, labels);
      })
      .catch(function (error) {
        showError(map, "Incidents could not be loaded (" + error.message + ").");
      });
  };
})();

/* Incidents from the REST API on a Leaflet map, shared by the explorer, region and incident
 * pages: clustered markers with an icon per event type, honest location precision (a circle for
 * "near a town", the area's outline instead of a pin for "only an area is known"), a heat layer.
 * Every text from the API reaches the page through textContent; nothing is parsed as HTML. */
(function () {
  "use strict";

  /* Texts through Django's JavaScriptCatalog (/<lang>/jsi18n/, loaded before this script);
   * English as written when it is missing. Numbers, dates and months by Intl in the page's
   * language (<html lang>): "24 de junio de 2018", "1.234". API values stay as they are. */
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (match, key) { return String(obj[key]); });
  };
  var language = document.documentElement.lang || "es";
  // English dates day first, as the server writes them ("24 June 2018", config/formats/en).
  var dateLocale = language === "en" ? "en-GB" : language;

  function formatNumber(value) {
    return Number(value).toLocaleString(language, { useGrouping: "always" });
  }

  /* "2018-06-24" → "24 de junio de 2018" / "24 June 2018" (the date as written, no time zone shift). */
  function formatDate(iso) {
    if (!iso) return "";
    var parts = iso.split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] || 1)).toLocaleDateString(
      dateLocale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  /* "2018-06" → "junio de 2018" / "June 2018". */
  function formatMonth(month) {
    var parts = month.split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, 1)).toLocaleDateString(
      dateLocale, { month: "long", year: "numeric", timeZone: "UTC" });
  }

  /* ACLED's English codes (API values) shown with the page's labels (config from web/maps.py). */
  function eventLabel(config, value) { return (config.eventTypeLabels || {})[value] || value; }
  function subEventLabel(config, value) { return (config.subEventTypeLabels || {})[value] || value; }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (body) {
          throw new Error("HTTP " + response.status + " " + body.slice(0, 200));
        });
      }
      return response.json();
    });
  }

  /* The finest area an imprecise (precision 3) location is known to. */
  function knownArea(props) { return props.district || props.province || props.department; }

  /* layers: {incidents, uncertainty, heat?} Leaflet groups; config: from incidents.maps. */
  function IncidentLayer(layers, config) {
    this.layers = layers;
    this.config = config;
    this.cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    layers.incidents.addLayer(this.cluster);
    this.areas = L.featureGroup().addTo(layers.incidents);
    this.entries = {};
    this.areaCache = {};
    this.onError = function () {};
  }

  IncidentLayer.prototype.style = function (eventType) {
    return this.config.eventStyles[eventType] || { colour: "#455a64", symbol: "?" };
  };

  IncidentLayer.prototype.icon = function (props) {
    var style = this.style(props.event_type);
    var span = el("span", style.symbol, "incident-marker precision-" + props.geo_precision);
    span.style.background = style.colour;
    if (style.text) span.style.color = style.text;  // the symbol's colour (AA contrast, web/maps.py)
    span.setAttribute("aria-hidden", "true");
    return L.divIcon({ html: span, className: "incident-icon", iconSize: [26, 26], iconAnchor: [13, 13] });
  };

  /* Popups fit a phone's map: narrower than the screen, and no taller than 40 % of it (the
   * rest of the table scrolls inside) so the map and its controls stay in sight. */
  function popupOptions() {
    var narrow = window.innerWidth <= 900;
    return { maxWidth: Math.min(360, window.innerWidth - 90),
             maxHeight: narrow ? Math.round(window.innerHeight * 0.4) : null,
             autoPanPadding: L.point(10, 10) };
  }

  IncidentLayer.prototype.popup = function (props) {
    var cfg = this.config;
    var casualties = function (v) { return v === null || v === undefined ? gettext("unknown") : formatNumber(v); };
    var areas = [props.district_name, props.province_name, props.department_name].filter(Boolean).join(", ");
    var box = el("div", null, "incident-popup");
    var heading = el("h3");
    var link = el("a", props.title);
    link.href = cfg.incidentUrl + props.id + "/";
    heading.appendChild(link);
    box.appendChild(heading);
    var table = el("table");
    [[gettext("Date"), formatDate(props.occurred_on) + (props.date_precision > 1 ? " (" + cfg.datePrecision[props.date_precision] + ")" : "")],
     [gettext("Type"), eventLabel(cfg, props.event_type) + " / " + subEventLabel(cfg, props.sub_event_type)],
     [gettext("Fatalities"), casualties(props.fatalities)],
     [gettext("Injuries"), casualties(props.injuries)],
     [gettext("Actors"), props.actors.length ? props.actors.join(", ") : gettext("not reported")],
     [gettext("Location"), props.location_name || areas],
     [gettext("Area"), areas],
     [gettext("Precision"), cfg.geoPrecision[props.geo_precision]],
     [gettext("Dataset"), props.dataset_name ? props.dataset_name + (props.licence ? " (" + props.licence + ")" : "") : ""],
     [gettext("Cite"), props.citation || ""]
    ].filter(function (row) { return row[1] !== ""; }).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", row[0]));
      tr.appendChild(el("td", row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  };

  /* Fetch (once) the outlines of these ubigeos from the regions API. */
  IncidentLayer.prototype.loadAreas = function (ubigeos) {
    var self = this;
    var missing = ubigeos.filter(function (u, i) { return !self.areaCache[u] && ubigeos.indexOf(u) === i; });
    if (!missing.length) return Promise.resolve();
    var url = this.config.api.regions + "?" + new URLSearchParams({ ubigeo: missing.join(","), zoom: "9" });
    return getJSON(url).then(function (collection) {
      collection.features.forEach(function (f) { self.areaCache[f.properties.ubigeo] = f; });
    });
  };

  /* Draw these features (replacing what was drawn); resolves when the areas are drawn too. */
  IncidentLayer.prototype.render = function (features) {
    var self = this, heatPoints = [];
    this.cluster.clearLayers();
    this.areas.clearLayers();
    this.layers.uncertainty.clearLayers();
    if (this.layers.heat) this.layers.heat.clearLayers();
    this.entries = {};
    var imprecise = features.filter(function (f) { return f.properties.geo_precision === 3; });
    features.forEach(function (feature) {
      var props = feature.properties;
      // GeoJSON is [longitude, latitude]; Leaflet wants [latitude, longitude].
      var latLng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
      heatPoints.push([latLng.lat, latLng.lng, 1]);
      if (props.geo_precision === 3) return;  // drawn as its area below, never as a pin
      var marker = L.marker(latLng, { icon: self.icon(props), title: props.title, keyboard: true });
      marker.bindPopup(self.popup(props), popupOptions());
      self.cluster.addLayer(marker);
      self.entries[props.id] = marker;
      if (props.geo_precision === 2) {
        var km = props.uncertainty_km || self.config.uncertaintyKm;
        L.circle(latLng, { radius: km * 1000, color: self.style(props.event_type).colour, weight: 1,
                           fillOpacity: 0.08, className: "uncertainty-circle", interactive: false })
          .addTo(self.layers.uncertainty);
      }
    });
    if (this.layers.heat && heatPoints.length) {
      L.heatLayer(heatPoints, { radius: 25, blur: 20, gradient: self.config.heatGradient }).addTo(this.layers.heat);
    }
    return this.loadAreas(imprecise.map(function (f) { return knownArea(f.properties); })).then(function () {
      imprecise.forEach(function (feature) {
        var props = feature.properties, area = self.areaCache[knownArea(props)];
        if (!area) return;
        var layer = L.geoJSON(area, {
          style: { color: self.style(props.event_type).colour, weight: 2, dashArray: "6 4",
                   fillOpacity: 0.15, className: "precision-area" }
        });
        layer.bindPopup(self.popup(props), popupOptions());
        layer.addTo(self.areas);
        self.entries[props.id] = layer;
      });
    }).catch(function (error) {
      self.onError(gettext("Areas could not be loaded:") + " " + error.message);
    });
  };

  /* Show one incident (#19 part 1): move the map to it — into its cluster, to its pin, or to
   * its whole area for an area-only incident — and open its popup (unless `quiet`: the
   * incident page, whose text says it all). False if it is not drawn. */
  IncidentLayer.prototype.focus = function (id, map, quiet) {
    var layer = this.entries[id];
    if (!layer) return false;
    var open = quiet ? function () {} : function (at) { layer.openPopup(at); };
    if (this.cluster.hasLayer(layer)) {
      var parent = this.cluster.getVisibleParent(layer);
      if (parent && parent !== layer) {
        this.cluster.zoomToShowLayer(layer, function () { open(); });
      } else {
        if (map) map.setView(layer.getLatLng(), Math.max(map.getZoom(), 9), { animate: false });
        open();
      }
    } else {
      var bounds = layer.getBounds();
      if (map) map.fitBounds(bounds, { padding: [20, 20], animate: false });
      open(bounds.getCenter());
    }
    return true;
  };

  /* Open a drawn incident's popup again after a redraw, without moving the map (the popup
   * stays open while the map loads the incidents of its new view). */
  IncidentLayer.prototype.reopen = function (id) {
    var layer = this.entries[id];
    if (!layer) return false;
    if (this.cluster.hasLayer(layer)) {
      if (this.cluster.getVisibleParent(layer) !== layer) return false;
      layer.openPopup();
    } else {
      layer.openPopup(layer.getBounds().getCenter());
    }
    return true;
  };

  /* Map shapes that only draw (departments, advisory zones, areas, circles) are no Tab stops
   * and no items for screen readers (#19 part 7): the list beside the map is the way to the
   * incidents; their popups say what the shapes mean. */
  function quietShapes(map) {
    var quiet = function () {
      map.getContainer().querySelectorAll(".leaflet-overlay-pane path, .leaflet-overlay-pane svg")
        .forEach(function (node) {
          node.setAttribute("aria-hidden", "true");
          node.setAttribute("focusable", "false");
          if (node.getAttribute("tabindex") !== "-1") node.setAttribute("tabindex", "-1");
        });
    };
    quiet();
    map.on("layeradd", quiet);
  }

  /* The map's name for screen readers, its shapes out of the Tab order, and its credits behind
   * an ⓘ button on narrow screens (#19 parts 3 and 7). */
  function prepareMap(map) {
    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", gettext("Map"));
    quietShapes(map);
    if (!map._vraemCredits) map._vraemCredits = new L.Control.Credits().addTo(map);
  }

  /* Every page of an API list URL (following `next`), at most `limit` features. */
  function fetchAll(url, limit) {
    var features = [];
    var next = function (pageUrl) {
      return getJSON(pageUrl).then(function (page) {
        features = features.concat(page.features);
        if (page.next && features.length < limit) return next(page.next);
        return features;
      });
    };
    return next(url);
  }

  /* ---- a full-screen control (the Fullscreen API on the map's container) ---- */

  L.Control.Fullscreen = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var button = L.DomUtil.create("button", "leaflet-bar fullscreen-button");
      button.type = "button";
      button.title = gettext("Full screen");
      button.setAttribute("aria-label", gettext("Full screen"));
      // Four corner brackets, drawn (fonts may lack a full-screen glyph).
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 16 16");
      svg.setAttribute("width", "16");
      svg.setAttribute("height", "16");
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", "M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4");
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "#263238");
      path.setAttribute("stroke-width", "2");
      svg.appendChild(path);
      button.appendChild(svg);
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.stop(event);
        var container = map.getContainer();
        if (document.fullscreenElement) document.exitFullscreen();
        else if (container.requestFullscreen) container.requestFullscreen();
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      return button;
    }
  });
  L.control.fullscreen = function (options) { return new L.Control.Fullscreen(options); };

  /* ---- ⓘ: the map's credits (the attribution control) shown on demand on narrow screens ---- */

  L.Control.Credits = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function (map) {
      var button = L.DomUtil.create("button", "leaflet-bar credits-button");
      button.type = "button";
      button.textContent = "i";  // drawn round by map.css (fonts may lack ⓘ)
      button.title = gettext("Map credits");
      button.setAttribute("aria-label", gettext("Map credits"));
      button.setAttribute("aria-expanded", "false");
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.stop(event);
        var shown = map.getContainer().classList.toggle("show-credits");
        button.setAttribute("aria-expanded", shown ? "true" : "false");
      });
      return button;
    }
  });

  window.VraemIncidents = {
    el: el, getJSON: getJSON, fetchAll: fetchAll, IncidentLayer: IncidentLayer,
    gettext: gettext, ngettext: ngettext, interpolate: interpolate, formatNumber: formatNumber,
    formatDate: formatDate, formatMonth: formatMonth, eventLabel: eventLabel, subEventLabel: subEventLabel,
    /* A map that shows the incidents of one API query (region and incident pages). */
    prepareMap: prepareMap,
    /* A map that shows the incidents of one API query (region and incident pages); with
     * config.focusIncident, the map shows that incident (its area when only an area is known). */
    show: function (map, layers, config, url) {
      var layer = new IncidentLayer(layers, config);
      prepareMap(map);
      return fetchAll(url, 20000).then(function (features) { return layer.render(features); })
        .then(function () {
          if (config.focusIncident) layer.focus(config.focusIncident, map, true);
          map.getContainer().dataset.incidentsDrawn = "geojson";
        });
    }
  };
})();

/* The incident explorer: filters kept in the URL, incidents of the current view from the REST
 * API, clustered markers, honest location precision, heat map, district counts, a month
 * timeline and a list of what is in view.
 * Every text from the API reaches the page through textContent; nothing is parsed as HTML. */
(function () {
  "use strict";

  var FILTERS = ["period", "date_from", "date_to", "event_type", "actor", "min_fatalities",
                 "region", "q", "month", "synthetic"];
  var PRESET_DAYS = { "7": 7, "30": 30, "90": 90, "365": 365 };
  var MAX_FEATURES = 20000;

  var shared = window.VraemIncidents, el = shared.el, getJSON = shared.getJSON;
  // Texts from Django's JavaScriptCatalog (/<lang>/jsi18n/), numbers and dates by Intl in the
  // page's language (incident-layer.js); English as written when the catalogue is missing.
  var gettext = shared.gettext, ngettext = shared.ngettext, interpolate = shared.interpolate;
  var number = shared.formatNumber, monthName = shared.formatMonth, day = shared.formatDate;
  function isoDay(date) { return date.toISOString().slice(0, 10); }

  /* ---- filter state: URL <-> form <-> API parameters ---- */

  function stateFromURL() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FILTERS.forEach(function (name) {
      var value = params.get(name);
      if (value) state[name] = value;
    });
    return state;
  }

  function stateToURL(state, push) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    if (url !== window.location.pathname + window.location.search) {
      window.history[push ? "pushState" : "replaceState"](null, "", url + window.location.hash);
    }
  }

  /* The map view in the URL's hash, "#map=zoom/lat/lng" (kept by the language switcher and
   * shared links); the filters stay in the query string. */
  function viewFromHash() {
    var match = /^#map=(\d{1,2})\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(window.location.hash);
    if (!match) return null;
    var zoom = Number(match[1]), lat = Number(match[2]), lng = Number(match[3]);
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
    return { zoom: zoom, center: L.latLng(lat, lng) };
  }

  function viewToHash(map) {
    var c = map.getCenter();
    var hash = "#map=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
    if (hash !== window.location.hash) {
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search + hash);
    }
  }

  function monthRange(month) {
    var parts = month.split("-").map(Number);
    var last = new Date(Date.UTC(parts[0], parts[1], 0));
    return [month + "-01", isoDay(last)];
  }

  /* API query for the filters; `withMonth` narrows the dates to the timeline's month. */
  function apiQuery(state, withMonth) {
    var params = new URLSearchParams();
    if (PRESET_DAYS[state.period]) {
      var from = new Date();
      from.setUTCDate(from.getUTCDate() - PRESET_DAYS[state.period]);
      params.set("date_from", isoDay(from));
    } else if (state.period === "custom") {
      if (state.date_from) params.set("date_from", state.date_from);
      if (state.date_to) params.set("date_to", state.date_to);
    }
    // `synthetic` (load-test data, include|only) has no form field: it comes from the URL only.
    ["event_type", "actor", "min_fatalities", "region", "q", "synthetic"].forEach(function (name) {
      if (state[name]) params.set(name, state[name]);
    });
    if (withMonth && state.month) {
      var range = monthRange(state.month);
      params.set("date_from", range[0]);
      params.set("date_to", range[1]);
    }
    return params;
  }

  /* ---- the explorer ---- */

  function Explorer(map, layers, config) {
    this.map = map;
    this.layers = layers;
    this.config = config;
    this.form = document.getElementById("filters");
    this.status = document.getElementById("explorer-status");
    this.list = document.getElementById("incident-list");
    this.summary = document.getElementById("incident-summary");
    this.slider = document.getElementById("month-slider");
    this.monthLabel = document.getElementById("month-label");
    this.chart = document.getElementById("month-chart");
    this.playButton = document.getElementById("month-play");
    this.state = stateFromURL();
    this.months = [];
    this.request = 0;
  }

  Explorer.prototype.start = function () {
    var self = this;
    this.incidentLayer = new shared.IncidentLayer(this.layers, this.config);
    this.incidentLayer.onError = function (error) { self.setStatus(error, true); };
    this.tileLayer = new shared.TileIncidentLayer(this.map, this.layers, this.config, this.incidentLayer);
    this.tileLayer.onDrawn = function () { self.markDrawn("tiles"); };
    this.fillForm();
    this.form.addEventListener("change", function (event) { self.onFormChange(event); });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.onFormChange(event);
    });
    this.slider.addEventListener("input", function () { self.selectMonth(Number(self.slider.value)); });
    this.playButton.addEventListener("click", function () { self.togglePlay(); });
    window.addEventListener("popstate", function () {
      self.state = stateFromURL();
      self.fillForm();
      self.refresh();
    });
    var view = viewFromHash();
    if (view) this.map.setView(view.center, view.zoom, { animate: false });
    this.map.on("moveend", function () { viewToHash(self.map); self.loadIncidents(); });
    this.map.on("overlayadd", function (event) {
      if (event.layer === self.layers.districts && self.districtsStale) self.loadDistrictCounts();
    });
    L.control.fullscreen().addTo(this.map);
    this.refresh();
    if (!view) this.zoomToRegion();  // a shared view wins over the region's outline
  };

  /* Show the chosen department, province or district (its outline comes from the API). */
  Explorer.prototype.zoomToRegion = function () {
    var self = this, ubigeo = this.state.region;
    if (!ubigeo) return;
    this.incidentLayer.loadAreas([ubigeo]).then(function () {
      var area = self.incidentLayer.areaCache[ubigeo];
      if (area) self.map.fitBounds(L.geoJSON(area).getBounds(), { padding: [20, 20] });
    });
  };

  Explorer.prototype.fillForm = function () {
    var form = this.form, state = this.state;
    ["period", "date_from", "date_to", "event_type", "actor", "min_fatalities", "q"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = state[name] || "";
    });
    form.elements.period.value = state.period || "all";
    this.showCustomDates();
    var region = state.region || "";
    form.elements.department.value = region.slice(0, 2);
    this.loadChildren("province", region.slice(0, 2), region.length >= 4 ? region.slice(0, 4) : "");
    this.loadChildren("district", region.length >= 4 ? region.slice(0, 4) : "", region.length === 6 ? region : "");
  };

  Explorer.prototype.showCustomDates = function () {
    document.getElementById("custom-dates").hidden = this.form.elements.period.value !== "custom";
  };

  /* Fill the province or district select with the children of `parent`. */
  Explorer.prototype.loadChildren = function (level, parent, selected) {
    var select = this.form.elements[level];
    select.replaceChildren(el("option", level === "province" ? gettext("All provinces") : gettext("All districts")));
    select.firstChild.value = "";
    select.disabled = !parent;
    if (!parent) return Promise.resolve();
    var url = this.config.api.regions + "?" + new URLSearchParams({ level: level, parent: parent, geometry: "false" });
    return getJSON(url).then(function (collection) {
      collection.features.forEach(function (feature) {
        var option = el("option", feature.properties.name);
        option.value = feature.properties.ubigeo;
        select.appendChild(option);
      });
      select.value = selected || "";
    });
  };

  Explorer.prototype.onFormChange = function (event) {
    var form = this.form, name = event.target && event.target.name;
    if (name === "department") {
      this.loadChildren("province", form.elements.department.value, "");
      this.loadChildren("district", "", "");
    } else if (name === "province") {
      this.loadChildren("district", form.elements.province.value, "");
    }
    this.showCustomDates();
    var state = this.state.synthetic ? { synthetic: this.state.synthetic } : {};
    ["period", "event_type", "actor", "min_fatalities", "q"].forEach(function (key) {
      var value = form.elements[key].value.trim();
      if (value && !(key === "period" && value === "all")) state[key] = value;
    });
    if (state.period === "custom") {
      if (form.elements.date_from.value) state.date_from = form.elements.date_from.value;
      if (form.elements.date_to.value) state.date_to = form.elements.date_to.value;
    }
    var region = form.elements.district.value || form.elements.province.value || form.elements.department.value;
    if (region) state.region = region;
    var regionChanged = state.region !== this.state.region;
    this.state = state;  // a new filter shows every month again
    stateToURL(this.state, true);
    this.refresh();
    if (regionChanged) this.zoomToRegion();
  };

  /* The incidents first: the timeline's counts over every month would compete with them, so
   * the timeline and district counts start once the incidents are drawn. */
  Explorer.prototype.refresh = function () {
    var self = this;
    this.afterDrawn = function () {
      self.loadTimeline();
      self.loadDistrictCounts();
    };
    this.loadIncidents();
  };

  Explorer.prototype.runAfterDrawn = function () {
    var then = this.afterDrawn;
    this.afterDrawn = null;
    if (then) then();
  };

  Explorer.prototype.setStatus = function (text, isError) {
    this.status.textContent = text || "";
    this.status.className = isError ? "status error" : "status";
  };

  /* ---- incidents of the current view ---- */

  Explorer.prototype.bboxParam = function () {
    var b = this.map.getBounds();
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    return [clamp(b.getWest(), -180, 179.9), clamp(b.getSouth(), -90, 89.9),
            clamp(b.getEast(), -179.9, 180), clamp(b.getNorth(), -89.9, 90)].map(function (v) {
      return v.toFixed(5);
    }).join(",");
  };

  /* Small sets come as GeoJSON (markers, precision circles and areas, the list); above
   * config.tileThreshold incidents in view the map switches to vector tiles. A one-feature page
   * tells the count first, so a large view never downloads its features. */
  Explorer.prototype.loadIncidents = function () {
    var self = this, request = ++this.request;
    var params = apiQuery(this.state, true);
    var probe = new URLSearchParams(params);
    probe.set("bbox", this.bboxParam());
    probe.set("page_size", "0");  // the count only
    probe.set("count_max", String(Math.max(1, this.config.tileThreshold)));  // "more than" is enough
    delete this.map.getContainer().dataset.incidentsDrawn;
    this.setStatus(gettext("Loading incidents…"));
    return getJSON(this.config.api.incidents + "?" + probe).then(function (page) {
      if (request !== self.request) return null;  // a newer request took over
      if (page.count_capped || page.count > self.config.tileThreshold) {
        self.showTiles(params);
        return null;
      }
      self.tileLayer.hide();
      probe.set("page_size", "5000");
      probe.delete("count_max");
      return shared.fetchAll(self.config.api.incidents + "?" + probe, MAX_FEATURES).then(function (features) {
        if (request !== self.request) return;
        self.render(features);
        self.setStatus("");
      });
    }).catch(function (error) {
      self.setStatus(gettext("Incidents could not be loaded:") + " " + error.message, true);
      self.runAfterDrawn();
    });
  };

  Explorer.prototype.showTiles = function (params) {
    this.incidentLayer.render([]);
    this.tileLayer.show(params);
    this.map.getContainer().dataset.incidentsMode = "tiles";
    this.summary.textContent = interpolate(
      gettext("More than %(count)s incidents in view · drawn as vector tiles: zoom in or narrow the filters to list them"),
      { count: number(this.config.tileThreshold) }, true) + (this.state.month ? " · " + monthName(this.state.month) : "");
    this.list.replaceChildren();
    this.setStatus("");
  };

  /* data-incidents-drawn on the map says the incidents of the view are drawn (tests, bench). */
  Explorer.prototype.markDrawn = function (mode) {
    this.map.getContainer().dataset.incidentsDrawn = mode;
    this.runAfterDrawn();
  };

  Explorer.prototype.render = function (features) {
    var self = this;
    this.map.getContainer().dataset.incidentsMode = "geojson";
    this.incidentLayer.render(features).then(function () {
      self.renderList(features);
      self.markDrawn("geojson");
    });
  };

  Explorer.prototype.renderList = function (features) {
    var self = this;
    var fatalities = features.reduce(function (sum, f) { return sum + (f.properties.fatalities || 0); }, 0);
    this.summary.textContent =
      interpolate(ngettext("%(count)s incident in view", "%(count)s incidents in view", features.length),
                  { count: number(features.length) }, true) + " · " +
      interpolate(ngettext("%(count)s reported fatality", "%(count)s reported fatalities", fatalities),
                  { count: number(fatalities) }, true) +
      (this.state.month ? " · " + monthName(this.state.month) : "");
    this.list.replaceChildren();
    features.forEach(function (feature) {
      var props = feature.properties;
      var item = el("li", null, "incident-item");
      var button = el("button", props.title, "incident-link");
      button.type = "button";
      button.dataset.incident = props.id;
      button.addEventListener("click", function () { self.focus(props.id); });
      var swatch = el("span", self.incidentLayer.style(props.event_type).symbol, "swatch");
      swatch.style.background = self.incidentLayer.style(props.event_type).colour;
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(button);
      item.appendChild(el("div", day(props.occurred_on) + " · " + shared.subEventLabel(self.config, props.sub_event_type) + " · " +
        (props.fatalities === null ? gettext("fatalities unknown")
          : interpolate(gettext("%(count)s killed"), { count: number(props.fatalities) }, true)) + " · " +
        self.config.geoPrecisionShort[props.geo_precision], "meta"));
      self.list.appendChild(item);
    });
  };

  /* Show an incident from the list: zoom into its cluster, or to its area, and open the popup. */
  Explorer.prototype.focus = function (id) { this.incidentLayer.focus(id); };

  /* ---- district counts for the filters (not limited to the view) ---- */

  /* Only while the layer is shown (it starts hidden): the outlines of up to 500 districts
   * weigh ~1 MB, more than the whole first view otherwise. */
  Explorer.prototype.loadDistrictCounts = function () {
    var self = this;
    this.districtsStale = !this.map.hasLayer(this.layers.districts);
    if (this.districtsStale) return;
    var params = apiQuery(this.state, true);
    params.set("level", "district");
    getJSON(this.config.api.stats + "?" + params).then(function (stats) {
      var counts = {};
      stats.by_region.forEach(function (row) { counts[row.ubigeo] = row; });
      var ubigeos = Object.keys(counts).slice(0, 500);
      return self.incidentLayer.loadAreas(ubigeos).then(function () {
        self.layers.districts.clearLayers();
        var max = Math.max.apply(null, ubigeos.map(function (u) { return counts[u].incidents; }).concat([1]));
        ubigeos.forEach(function (u) {
          var area = self.incidentLayer.areaCache[u];
          if (!area) return;
          var share = counts[u].incidents / max;
          L.geoJSON(area, { style: { color: "#4a148c", weight: 1, fillColor: "#6a1b9a",
                                     fillOpacity: 0.15 + 0.6 * share, className: "district-count" } })
            .bindTooltip(el("span", area.properties.name + ": " + interpolate(
              ngettext("%(count)s incident", "%(count)s incidents", counts[u].incidents),
              { count: number(counts[u].incidents) }, true)))
            .addTo(self.layers.districts);
        });
      });
    }).catch(function (error) {
      self.setStatus(gettext("District counts could not be loaded:") + " " + error.message, true);
    });
  };

  /* ---- timeline: incidents per month for the filters, a slider and a play button ---- */

  Explorer.prototype.loadTimeline = function () {
    var self = this;
    getJSON(this.config.api.stats + "?" + apiQuery(this.state, false)).then(function (stats) {
      self.months = stats.by_month;
      self.slider.max = String(self.months.length);
      var index = self.months.map(function (m) { return m.month; }).indexOf(self.state.month) + 1;
      self.slider.value = String(index);
      self.drawChart();
      self.showMonth();
    }).catch(function (error) {
      self.setStatus(gettext("The timeline could not be loaded:") + " " + error.message, true);
    });
  };

  Explorer.prototype.drawChart = function () {
    var self = this, svgNS = "http://www.w3.org/2000/svg";
    var width = 260, height = 70, n = this.months.length;
    var max = Math.max.apply(null, this.months.map(function (m) { return m.incidents; }).concat([1]));
    this.chart.replaceChildren();
    this.chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    this.months.forEach(function (m, i) {
      var barWidth = width / Math.max(n, 1);
      var barHeight = Math.max(2, (height - 4) * m.incidents / max);
      var rect = document.createElementNS(svgNS, "rect");
      rect.setAttribute("x", String(i * barWidth + 0.5));
      rect.setAttribute("y", String(height - barHeight));
      rect.setAttribute("width", String(Math.max(1, barWidth - 1)));
      rect.setAttribute("height", String(barHeight));
      rect.setAttribute("class", "month-bar" + (m.month === self.state.month ? " selected" : ""));
      rect.dataset.month = m.month;
      var title = document.createElementNS(svgNS, "title");
      title.textContent = monthName(m.month) + ": " + interpolate(
        ngettext("%(count)s incident", "%(count)s incidents", m.incidents), { count: number(m.incidents) }, true);
      rect.appendChild(title);
      rect.addEventListener("click", function () { self.selectMonth(i + 1); });
      self.chart.appendChild(rect);
    });
  };

  Explorer.prototype.showMonth = function () {
    this.monthLabel.textContent = this.state.month ? monthName(this.state.month) : gettext("All months");
  };

  /* index 0 = every month; i = the i-th month of the chart. */
  Explorer.prototype.selectMonth = function (index) {
    var month = index > 0 && this.months[index - 1] ? this.months[index - 1].month : null;
    if (month) this.state.month = month; else delete this.state.month;
    this.slider.value = String(month ? index : 0);
    stateToURL(this.state, false);
    this.drawChart();
    this.showMonth();
    this.loadIncidents();
    this.loadDistrictCounts();
  };

  Explorer.prototype.togglePlay = function () {
    var self = this;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.playButton.textContent = "▶ " + gettext("Play");
      return;
    }
    this.playButton.textContent = "❚❚ " + gettext("Pause");
    this.timer = setInterval(function () {
      var next = Number(self.slider.value) + 1;
      if (next > self.months.length) { self.togglePlay(); return; }
      self.selectMonth(next);
    }, this.config.playIntervalMs);
  };

  window.VraemExplorer = {
    start: function (map, layers, config) {
      var explorer = new Explorer(map, layers, config);
      explorer.start();
      window.vraemExplorer = explorer;  // for debugging and the browser tests
      return explorer;
    }
  };
})();

/* The incident explorer: filters kept in the URL, incidents of the current view from the REST
 * API, clustered markers, honest location precision, heat map, district counts, a month
 * timeline and a list of what is in view.
 * The map's view is kept in the URL's fragment (#map=zoom/lat/lon), so a shared link shows
 * the same filters and the same place; the feed, download and print links follow the view.
 * Every text from the API reaches the page through textContent; nothing is parsed as HTML. */
(function () {
  "use strict";
  var FILTERS = ["period", "date_from", "date_to", "event_type", "sub_event_type", "actor",
                 "min_fatalities", "region", "dataset", "q", "month", "synthetic", "incident"];
  // Filters that take several values (event_type=Battles&event_type=Riots): arrays in the state.
  var MULTI = ["event_type", "sub_event_type", "actor", "region", "dataset"];
  // The API's parameters that the feed and downloads carry (besides the dates and the bbox).
  var API_FILTERS = ["event_type", "sub_event_type", "actor", "min_fatalities", "region", "dataset",
                     "q", "synthetic"];
  var PRESET_DAYS = { "7": 7, "30": 30, "90": 90, "365": 365 };
  var MAX_FEATURES = 20000;
  // Below this width the page is one column (static/css/map.css): the map above the list.
  var NARROW = "(max-width: 900px)";

  var shared = window.VraemIncidents, el = shared.el, getJSON = shared.getJSON;
  // Texts from Django's JavaScriptCatalog (/<lang>/jsi18n/), numbers and dates by Intl in the
  // page's language (incident-layer.js); English as written when the catalogue is missing.
  var gettext = shared.gettext, ngettext = shared.ngettext, interpolate = shared.interpolate;
  var number = shared.formatNumber, monthName = shared.formatMonth, day = shared.formatDate;
  function isoDay(date) { return date.toISOString().slice(0, 10); }

  /* ---- filter state: URL <-> form <-> API parameters ---- */

  function isMulti(name) { return MULTI.indexOf(name) >= 0; }

  function stateFromURL() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FILTERS.forEach(function (name) {
      if (isMulti(name)) {
        var values = params.getAll(name).filter(function (v, i, all) { return v && all.indexOf(v) === i; });
        if (values.length) state[name] = values;
      } else {
        var value = params.get(name);
        if (value) state[name] = value;
      }
    });
    return state;
  }

  /* Append the state's `names` to URLSearchParams, a repeated parameter per value. */
  function appendState(params, state, names) {
    names.forEach(function (name) {
      if (!state[name]) return;
      [].concat(state[name]).forEach(function (value) { params.append(name, value); });
    });
    return params;
  }

  function stateToURL(state, push) {
    var query = appendState(new URLSearchParams(), state, FILTERS).toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history[push ? "pushState" : "replaceState"](null, "", url);
    }
  }

  /* The map's view in the fragment: #map=zoom/lat/lon (the form OpenStreetMap uses). */
  function viewFromHash() {
    var match = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (!match) return null;
    var zoom = Number(match[1]), lat = Number(match[2]), lon = Number(match[3]);
    if (zoom > 22 || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return { zoom: zoom, center: L.latLng(lat, lon) };
  }

  function viewToHash(map) {
    var c = map.getCenter(), zoom = map.getZoom();
    var digits = Math.max(0, Math.ceil(Math.log(Math.pow(2, zoom)) / Math.LN10) + 1);
    return "#map=" + zoom + "/" + c.lat.toFixed(digits) + "/" + c.lng.toFixed(digits);
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
    appendState(params, state, API_FILTERS);
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
    this.actorPart = document.getElementById("f-actor-part");
    // The actors the page offers by name; any other `actor` value is part of a name, typed.
    this.actorNames = Array.prototype.map.call(this.form.elements.actor.options, function (o) { return o.value; });
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
      self.pendingIncident = self.state.incident || null;
      self.pendingFetched = false;
      self.fillForm();
      self.showView();
      self.refresh();
    });
    window.addEventListener("hashchange", function () { self.showView(); });
    this.map.on("moveend", function () {
      self.keepView();
      self.loadIncidents();
    });
    this.startTakeAway();
    this.map.on("overlayadd", function (event) {
      if (event.layer === self.layers.districts && self.districtsStale) self.loadDistrictCounts();
    });
    L.control.fullscreen().addTo(this.map);
    shared.prepareMap(this.map);
    // The filters fold away on phones, where the list comes first (#19 part 3).
    var panel = document.getElementById("filters-panel");
    if (panel) panel.open = !window.matchMedia(NARROW).matches;
    this.pendingIncident = this.state.incident || null;
    // A shared link's view wins over the region's outline: the sender may have zoomed in.
    // The fragment is written once the map moves (moveend), not on arrival.
    var fromLink = this.showView();
    this.refresh();
    if (!fromLink) this.zoomToRegion();
  };

  /* Move the map to the view in the URL's fragment, if there is one; true if there was. */
  Explorer.prototype.showView = function () {
    var view = viewFromHash();
    if (!view) return false;
    if (viewToHash(this.map) !== window.location.hash) {
      this.map.setView(view.center, view.zoom, { animate: false });
    }
    return true;
  };

  /* Write the map's view into the fragment (replacing the history entry: panning is not a
   * step back) and point the feed, download and print links at the view. */
  Explorer.prototype.keepView = function () {
    var hash = viewToHash(this.map);
    if (hash !== window.location.hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
    this.updateTakeAway();
  };

  /* Show the chosen departments, provinces and districts (outlines come from the API). */
  Explorer.prototype.zoomToRegion = function () {
    var self = this, ubigeos = this.state.region;
    if (!ubigeos) return;
    this.incidentLayer.loadAreas(ubigeos).then(function () {
      var bounds = null;
      ubigeos.forEach(function (ubigeo) {
        var area = self.incidentLayer.areaCache[ubigeo];
        if (!area) return;
        var outline = L.geoJSON(area).getBounds();
        bounds = bounds ? bounds.extend(outline) : outline;
      });
      if (bounds) self.map.fitBounds(bounds, { padding: [20, 20] });
    });
  };

  /* Choose `values` in a multiple select; a value it lacks (a type or dataset from an older
   * link) is added as an option, so that what the URL says is what the form shows (an actor
   * the list lacks goes into the "part of a name" box instead: fillForm). */
  function selectValues(select, values) {
    values = values || [];
    values.forEach(function (value) {
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      if (!known) {
        var option = el("option", value);
        option.value = value;
        select.appendChild(option);
      }
    });
    Array.prototype.forEach.call(select.options, function (option) {
      option.selected = values.indexOf(option.value) >= 0;
    });
  }

  function selectedValues(select) {
    return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
  }

  function unique(values) {
    return values.filter(function (v, i) { return v && values.indexOf(v) === i; });
  }

  Explorer.prototype.fillForm = function () {
    var form = this.form, state = this.state;
    ["period", "date_from", "date_to", "min_fatalities", "q"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = state[name] || "";
    });
    ["event_type", "sub_event_type", "dataset"].forEach(function (name) {
      selectValues(form.elements[name], state[name]);
    });
    var actors = state.actor || [], names = this.actorNames;
    selectValues(form.elements.actor, actors.filter(function (a) { return names.indexOf(a) >= 0; }));
    this.actorPart.value = actors.filter(function (a) { return names.indexOf(a) < 0; }).join(", ");
    form.elements.period.value = state.period || "all";
    this.showCustomDates();
    // Regions: the departments, provinces and districts they are in or are.
    var regions = state.region || [];
    var departments = unique(regions.map(function (r) { return r.slice(0, 2); }));
    var provinces = unique(regions.filter(function (r) { return r.length >= 4; }).map(function (r) { return r.slice(0, 4); }));
    var districts = regions.filter(function (r) { return r.length === 6; });
    selectValues(form.elements.department, departments);
    var self = this;
    // The printed filters name the regions once their names are loaded.
    return Promise.all([this.loadChildren("province", departments, provinces),
                        this.loadChildren("district", provinces, districts)])
      .then(function () { self.updateTakeAway(); });
  };

  Explorer.prototype.showCustomDates = function () {
    document.getElementById("custom-dates").hidden = this.form.elements.period.value !== "custom";
  };

  /* Fill the province or district select with the children of the `parents` (one request
   * each, in parallel), choosing `selected`. */
  Explorer.prototype.loadChildren = function (level, parents, selected) {
    var self = this, select = this.form.elements[level];
    var request = (this.childRequests = this.childRequests || {})[level] = {};
    select.replaceChildren();
    select.disabled = !parents.length;
    if (!parents.length) return Promise.resolve();
    return Promise.all(parents.map(function (parent) {
      var url = self.config.api.regions + "?" + new URLSearchParams({ level: level, parent: parent, geometry: "false" });
      return getJSON(url);
    })).then(function (collections) {
      if (self.childRequests[level] !== request) return;  // a newer choice took over
      collections.forEach(function (collection) {
        collection.features.forEach(function (feature) {
          var option = el("option", feature.properties.name);
          option.value = feature.properties.ubigeo;
          select.appendChild(option);
        });
      });
      selectValues(select, selected || []);
    });
  };

  /* The regions chosen: each district, each province without a chosen district, each
   * department without a chosen province (a child narrows its parent). */
  function chosenRegions(departments, provinces, districts) {
    function narrowed(code, finer) {
      return finer.some(function (f) { return f.slice(0, code.length) === code; });
    }
    return departments.filter(function (d) { return !narrowed(d, provinces.concat(districts)); })
      .concat(provinces.filter(function (p) { return !narrowed(p, districts); }))
      .concat(districts);
  }

  Explorer.prototype.onFormChange = function (event) {
    var form = this.form, name = event.target && event.target.name;
    var keptProvinces = selectedValues(form.elements.province);
    var keptDistricts = selectedValues(form.elements.district);
    if (name === "department") {
      var departments = selectedValues(form.elements.department);
      var under = function (codes) {
        return function (c) { return codes.indexOf(c.slice(0, 2)) >= 0; };
      };
      keptProvinces = keptProvinces.filter(under(departments));
      keptDistricts = keptDistricts.filter(under(departments));
      this.loadChildren("province", departments, keptProvinces);
      this.loadChildren("district", keptProvinces, keptDistricts);
    } else if (name === "province") {
      var provinces = selectedValues(form.elements.province);
      keptDistricts = keptDistricts.filter(function (d) { return provinces.indexOf(d.slice(0, 4)) >= 0; });
      this.loadChildren("district", provinces, keptDistricts);
    }
    this.showCustomDates();
    var state = this.state.synthetic ? { synthetic: this.state.synthetic } : {};
    if (this.state.incident) state.incident = this.state.incident;  // the selection stays
    ["period", "min_fatalities", "q"].forEach(function (key) {
      var value = form.elements[key].value.trim();
      if (value && !(key === "period" && value === "all")) state[key] = value;
    });
    ["event_type", "sub_event_type", "actor", "dataset"].forEach(function (key) {
      var values = selectedValues(form.elements[key]);
      if (values.length) state[key] = values;
    });
    // Typed parts of actor names, comma-separated, match besides the chosen names.
    var parts = unique(this.actorPart.value.split(",").map(function (p) { return p.trim(); }));
    if (parts.length) state.actor = unique((state.actor || []).concat(parts));
    if (state.period === "custom") {
      if (form.elements.date_from.value) state.date_from = form.elements.date_from.value;
      if (form.elements.date_to.value) state.date_to = form.elements.date_to.value;
    }
    // The selects being refilled keep only what is still under a chosen parent.
    var regions = chosenRegions(selectedValues(form.elements.department), keptProvinces, keptDistricts);
    if (regions.length) state.region = regions;
    var regionChanged = String(state.region || "") !== String(this.state.region || "");
    this.state = state;  // a new filter shows every month again
    stateToURL(this.state, true);
    this.refresh();
    if (regionChanged) this.zoomToRegion();
  };

  /* ---- take the view away: Atom feed, downloads, print, PNG (#15 parts 1 and 4) ---- */

  Explorer.prototype.startTakeAway = function () {
    var self = this;
    this.feedButton = document.getElementById("feed-button");
    this.feedLink = document.getElementById("feed-link");
    this.feedBase = this.feedButton.getAttribute("href").split("?")[0];  // reverse()d by the page
    document.getElementById("print-button").addEventListener("click", function () {
      self.prepareToPrint();
      window.print();
    });
    document.getElementById("png-button").addEventListener("click", function () { self.downloadPng(); });
    window.addEventListener("beforeprint", function () { self.prepareToPrint(); });
    window.addEventListener("afterprint", function () { self.map.invalidateSize(); });
    // The paper's layout gives the map another size: Leaflet must be told (also when a test
    // or the browser's print preview switches the media without the print events).
    var paper = window.matchMedia ? window.matchMedia("print") : null;
    if (paper && paper.addEventListener) {
      paper.addEventListener("change", function () {
        if (paper.matches) self.prepareToPrint(); else self.map.invalidateSize();
      });
    }
  };

  /* The feed of the view: its filters (relative periods left out: a feed lists the newest
   * incidents anyway) and its bounding box. */
  Explorer.prototype.feedQuery = function () {
    var params = appendState(new URLSearchParams(), this.state, API_FILTERS);
    if (this.state.period === "custom") appendState(params, this.state, ["date_from", "date_to"]);
    params.set("bbox", this.bboxParam());
    return params;
  };

  Explorer.prototype.updateTakeAway = function () {
    if (!this.feedButton) return;
    var feed = this.feedBase + "?" + this.feedQuery();
    this.feedButton.href = feed;
    this.feedLink.href = feed;
    // Downloads hold exactly what the list shows: the filters, the month and the map's view.
    var params = apiQuery(this.state, true);
    params.set("bbox", this.bboxParam());
    var base = this.config.api.incidents;
    document.querySelectorAll("a[data-format]").forEach(function (link) {
      params.set("format", link.dataset.format);
      link.href = base + "?" + params;
    });
    document.getElementById("print-filters").textContent = this.describe();
  };

  /* The filters in words, for the printed page. */
  Explorer.prototype.describe = function () {
    var state = this.state, form = this.form, parts = [];
    function names(select, values) {
      return values.map(function (value) {
        var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
        return option ? option.textContent : value;
      }).join(", ");
    }
    var period = form.elements.period;
    if (state.month) {
      parts.push(gettext("Month") + ": " + state.month);
    } else if (state.period === "custom") {
      parts.push(gettext("Dates") + ": " + (state.date_from || "…") + " – " + (state.date_to || "…"));
    } else {
      parts.push(gettext("Period") + ": " + period.options[period.selectedIndex].textContent);
    }
    if (state.event_type) parts.push(gettext("Event types") + ": " + state.event_type.join(", "));
    if (state.sub_event_type) parts.push(gettext("Sub-event types") + ": " + state.sub_event_type.join(", "));
    if (state.actor) parts.push(gettext("Actors") + ": " + state.actor.join(", "));
    if (state.region) {
      var regionNames = state.region.map(function (code) {
        var select = form.elements[{ 2: "department", 4: "province", 6: "district" }[code.length]];
        return names(select, [code]);
      });
      parts.push(gettext("Regions") + ": " + regionNames.join(", "));
    }
    if (state.dataset) parts.push(gettext("Datasets") + ": " + names(form.elements.dataset, state.dataset));
    if (state.min_fatalities) parts.push(gettext("At least this many fatalities") + ": " + state.min_fatalities);
    if (state.q) parts.push(gettext("Text") + ": " + state.q);
    return parts.join(" · ");
  };

  Explorer.prototype.prepareToPrint = function () {
    this.updateTakeAway();
    document.querySelectorAll(".map-legend").forEach(function (legend) { legend.open = true; });
    this.map.invalidateSize();
  };

  /* A PNG of the map as shown (markers, areas, legend, attribution), drawn in the browser by
   * html-to-image (node_modules, served as a static file). A basemap from another origin is
   * left out: the browser would not let the page read its pixels. */
  Explorer.prototype.downloadPng = function () {
    var self = this;
    if (!window.htmlToImage) {
      this.setStatus(gettext("The map image could not be made: html-to-image is missing."), true);
      return Promise.resolve();
    }
    var origin = window.location.origin;
    var keep = function (node) {
      if (node.tagName === "IMG" && node.src && node.src.indexOf(origin + "/") !== 0 &&
          node.src.indexOf("data:") !== 0) return false;
      return !(node.classList && (node.classList.contains("leaflet-control-zoom") ||
                                  node.classList.contains("fullscreen-button")));
    };
    this.setStatus(gettext("Drawing the map…"));
    return window.htmlToImage.toPng(this.map.getContainer(), { filter: keep, skipFonts: true,
                                                              backgroundColor: "#ffffff" })
      .then(function (url) {
        var link = el("a");
        link.href = url;
        link.download = "vraem-map.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
        self.setStatus("");
      }).catch(function (error) {
        self.setStatus(gettext("The map image could not be made:") + " " + (error && error.message), true);
      });
  };

  /* The incidents first: the timeline's counts over every month would compete with them, so
   * the timeline and district counts start once the incidents are drawn. */
  Explorer.prototype.refresh = function () {
    var self = this;
    this.updateTakeAway();
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
      self.showFilterNotes(page);
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
      self.showFilterNotes(null);
      self.runAfterDrawn();
    });
  };

  /* ---- what the filters leave out, and where the data is (#19 part 4) ---- */

  /* Notes under the list's summary, from the count request's answer (`page`, or null to clear
   * them): how many incidents the fatalities filter leaves out because their count is unknown
   * (the API's left_out), and, when nothing matches, the dates of the oldest and newest
   * incident in view that the other filters match (extent) with a link to every date. */
  Explorer.prototype.showFilterNotes = function (page) {
    var self = this, notes = this.filterNotes();
    notes.replaceChildren();
    var unknown = page && page.left_out ? page.left_out.unknown_fatalities : 0;
    if (unknown) {
      notes.appendChild(el("p", interpolate(ngettext(
        "%(count)s incident with unknown fatalities not shown",
        "%(count)s incidents with unknown fatalities not shown", unknown), { count: number(unknown) }, true),
        "hint filter-note left-out"));
    }
    var extent = page && page.count === 0 ? page.extent : null;
    if (extent && extent.newest) {
      var note = el("p", interpolate(
        gettext("Nothing in these dates. With these filters, the newest incident in view is from %(newest)s and the oldest from %(oldest)s."),
        { newest: day(extent.newest), oldest: day(extent.oldest) }, true) + " ", "hint filter-note extent");
      var link = el("a", gettext("Show all dates"), "all-dates");
      link.href = this.allDatesURL();
      link.addEventListener("click", function (event) {
        event.preventDefault();
        self.showAllDates();
      });
      note.appendChild(link);
      notes.appendChild(note);
    } else if (extent) {
      notes.appendChild(el("p", gettext("No incident in view matches these filters at any date: zoom out or change the filters."),
                           "hint filter-note extent"));
    }
    notes.hidden = !notes.childNodes.length;
  };

  /* The element of the notes, made once after the summary. */
  Explorer.prototype.filterNotes = function () {
    if (!this.notes) {
      this.notes = el("div", null, "filter-notes");
      this.notes.id = "filter-notes";
      this.notes.hidden = true;
      this.summary.insertAdjacentElement("afterend", this.notes);
    }
    return this.notes;
  };

  function withoutDates(state) {
    var kept = {};
    Object.keys(state).forEach(function (name) {
      if (["period", "date_from", "date_to", "month"].indexOf(name) < 0) kept[name] = state[name];
    });
    return kept;
  }

  Explorer.prototype.allDatesURL = function () {
    var query = appendState(new URLSearchParams(), withoutDates(this.state), FILTERS).toString();
    return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
  };

  /* The same filters at every date (a step in the history, as a change of the form is). */
  Explorer.prototype.showAllDates = function () {
    this.state = withoutDates(this.state);
    stateToURL(this.state, true);
    this.fillForm();
    this.refresh();
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

  /* A redraw of the same incidents is skipped: moving the map to a selected incident reloads
   * the view, and redrawing would close its popup and take the focus off the list. */
  Explorer.prototype.render = function (features) {
    var self = this;
    this.map.getContainer().dataset.incidentsMode = "geojson";
    var drawn = features.length <= 2000 ? JSON.stringify(features) : null;
    if (drawn !== null && drawn === this.drawn) {
      this.markDrawn("geojson");
      return;
    }
    this.drawn = drawn;
    this.incidentLayer.render(features).then(function () {
      self.renderList(features);
      self.afterRender();
      self.markDrawn("geojson");
    });
  };

  /* After a redraw: the incident named in the URL is shown once (the map moves to it), and the
   * selected one keeps its popup open. */
  Explorer.prototype.afterRender = function () {
    var self = this, id = this.pendingIncident;
    if (id) {
      if (this.incidentLayer.entries[id]) {
        this.pendingIncident = null;
        this.incidentLayer.focus(id, this.map);
      } else if (!this.pendingFetched) {
        // Not in view: ask the API where it is and go there (the next redraw shows it).
        this.pendingFetched = true;
        getJSON(this.config.api.incidents + encodeURIComponent(id) + "/").then(function (feature) {
          var c = feature.geometry && feature.geometry.coordinates;
          if (c) self.map.setView(L.latLng(c[1], c[0]), Math.max(self.map.getZoom(), 9), { animate: false });
        }).catch(function () {
          self.pendingIncident = null;
          self.select(null);
        });
      }
    } else if (this.state.incident) {
      this.incidentLayer.reopen(this.state.incident);
    }
  };

  /* The selected incident: in the URL (?incident=ID, replacing the history entry) and marked
   * in the list (aria-current). */
  Explorer.prototype.select = function (id) {
    if (id) this.state.incident = String(id); else delete this.state.incident;
    stateToURL(this.state, false);
    var selected = this.state.incident;
    this.list.querySelectorAll(".incident-link").forEach(function (button) {
      var current = button.dataset.incident === selected;
      button.closest("li").classList.toggle("selected", current);
      if (current) button.setAttribute("aria-current", "true"); else button.removeAttribute("aria-current");
    });
  };

  Explorer.prototype.renderList = function (features) {
    var self = this, active = document.activeElement;
    var focused = active && active.classList && active.classList.contains("incident-link")
      ? active.dataset.incident : null;
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
      if (String(props.id) === self.state.incident) {
        item.classList.add("selected");
        button.setAttribute("aria-current", "true");
      }
      var swatch = el("span", self.incidentLayer.style(props.event_type).symbol, "swatch");
      swatch.style.background = self.incidentLayer.style(props.event_type).colour;
      swatch.style.color = self.incidentLayer.style(props.event_type).text || "#fff";
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(button);
      item.appendChild(el("div", day(props.occurred_on) + " · " + shared.subEventLabel(self.config, props.sub_event_type) + " · " +
        (props.fatalities === null ? gettext("fatalities unknown")
          : interpolate(gettext("%(count)s killed"), { count: number(props.fatalities) }, true)) + " · " +
        self.config.geoPrecisionShort[props.geo_precision], "meta"));
      self.list.appendChild(item);
    });
    // The list was rebuilt under the reader's keyboard: the focus goes back to their entry.
    if (focused) {
      var again = this.list.querySelector('.incident-link[data-incident="' + focused + '"]');
      if (again) again.focus({ preventScroll: true });
    }
  };

  /* Select an incident from the list (click, Enter or Space): the map moves to it (its area
   * when only an area is known) and keeps its popup open; on a phone the map scrolls into
   * view. The focus stays on the list entry. */
  Explorer.prototype.focus = function (id) {
    this.pendingIncident = null;
    this.select(id);
    if (window.matchMedia(NARROW).matches) {
      this.map.getContainer().scrollIntoView({ block: "start" });
    }
    this.incidentLayer.focus(id, this.map);
  };

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
          var share = counts[u].incidents / max, opacity = self.config.districtCountOpacity;
          L.geoJSON(area, { style: { color: self.config.districtCountColour, weight: 1,
                                     fillColor: self.config.districtCountColour,
                                     fillOpacity: opacity[0] + (opacity[1] - opacity[0]) * share,
                                     className: "district-count" } })
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

  var CHART = { width: 260, height: 86, axis: 66, top: 4 };  // viewBox units; bars end at the axis

  function nextMonth(month) {
    var parts = month.split("-").map(Number);
    var year = parts[0] + (parts[1] === 12 ? 1 : 0), m = parts[1] === 12 ? 1 : parts[1] + 1;
    return year + "-" + (m < 10 ? "0" : "") + m;
  }

  /* The API's months with data (ascending "YYYY-MM") → every month from the first to the last,
   * the empty ones with zero counts: the chart is a time axis and Play steps through them all. */
  function monthSeries(rows) {
    if (!rows.length) return [];
    var byMonth = {};
    rows.forEach(function (row) { byMonth[row.month] = row; });
    var last = rows[rows.length - 1].month, series = [];
    for (var month = rows[0].month; month <= last && series.length < 2400; month = nextMonth(month)) {
      series.push(byMonth[month] || { month: month, incidents: 0, fatalities: null, injuries: null });
    }
    return series;
  }

  /* Labelled ticks of the time axis: the years (at each January, at most ~8 labels) for long
   * periods; months ("jun. 2018", "jul.") for periods within two calendar years. */
  function axisTicks(months, width) {
    var n = months.length, barWidth = width / Math.max(n, 1), ticks = [];
    var locale = document.documentElement.lang === "en" ? "en-GB" : (document.documentElement.lang || "es");
    function label(month, withYear) {
      var parts = month.split("-").map(Number);
      var options = withYear ? { month: "short", year: "numeric", timeZone: "UTC" } : { month: "short", timeZone: "UTC" };
      return new Date(Date.UTC(parts[0], parts[1] - 1, 1)).toLocaleDateString(locale, options);
    }
    var januaries = [];
    months.forEach(function (m, i) { if (m.month.slice(5) === "01") januaries.push(i); });
    if (januaries.length >= 2 || n > 24) {
      var step = Math.max(1, Math.ceil(januaries.length / 8));
      januaries.forEach(function (i, k) {
        if (k % step === 0) ticks.push({ index: i, x: i * barWidth, label: months[i].month.slice(0, 4), anchor: "start" });
      });
      if (!ticks.length || (ticks[0].index > 0 && ticks[0].x >= 26)) {
        ticks.unshift({ index: 0, x: 0, label: months[0].month.slice(0, 4), anchor: "start" });
      }
    } else {
      var every = Math.max(1, Math.ceil(n / 5));
      for (var i = 0; i < n; i += every) {
        ticks.push({ index: i, x: (i + 0.5) * barWidth,
                     label: label(months[i].month, i === 0 || months[i].month.slice(5) === "01"), anchor: "middle" });
      }
    }
    // Labels inside the chart and apart: one that would touch the one before it is left out
    // (its tick stays). About 5.5 units per character at the ticks' 9-unit font.
    var end = -Infinity;
    ticks.forEach(function (tick) {
      var size = tick.label.length * 5.5;
      if (tick.anchor === "middle" && tick.x < size / 2) tick.anchor = "start";
      if (tick.x + (tick.anchor === "start" ? size : size / 2) > width) tick.anchor = "end";
      var start = tick.x - { start: 0, middle: size / 2, end: size }[tick.anchor];
      if (start < end + 4) tick.label = "";
      else end = start + size;
    });
    return ticks;
  }

  Explorer.prototype.loadTimeline = function () {
    var self = this;
    getJSON(this.config.api.stats + "?" + apiQuery(this.state, false)).then(function (stats) {
      self.months = monthSeries(stats.by_month);
      self.slider.max = String(self.months.length);
      var index = self.months.map(function (m) { return m.month; }).indexOf(self.state.month) + 1;
      self.slider.value = String(index);
      self.drawChart();
      self.showMonth();
    }).catch(function (error) {
      self.setStatus(gettext("The timeline could not be loaded:") + " " + error.message, true);
    });
  };

  /* A click anywhere on the chart chooses the month under the pointer, empty months too (the
   * slider is the keyboard's way). */
  Explorer.prototype.onChartClick = function (event) {
    var n = this.months.length;
    if (!n || !this.chart.getScreenCTM()) return;
    var point = this.chart.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var x = point.matrixTransform(this.chart.getScreenCTM().inverse()).x;
    var index = Math.floor(x / (CHART.width / n));
    if (index >= 0 && index < n) this.selectMonth(index + 1);
  };

  Explorer.prototype.drawChart = function () {
    var self = this, svgNS = "http://www.w3.org/2000/svg";
    var width = CHART.width, n = this.months.length, barWidth = width / Math.max(n, 1);
    var max = Math.max.apply(null, this.months.map(function (m) { return m.incidents; }).concat([1]));
    function node(tag, attributes, className) {
      var element = document.createElementNS(svgNS, tag);
      Object.keys(attributes).forEach(function (key) { element.setAttribute(key, String(attributes[key])); });
      if (className) element.setAttribute("class", className);
      return element;
    }
    if (!this.chartClicks) {
      this.chartClicks = true;
      this.chart.addEventListener("click", function (event) { self.onChartClick(event); });
    }
    this.chart.replaceChildren();
    this.chart.setAttribute("viewBox", "0 0 " + width + " " + CHART.height);
    this.months.forEach(function (m) {
      var selected = m.month === self.state.month;
      var barHeight = m.incidents ? Math.max(2, (CHART.axis - CHART.top) * m.incidents / max) : (selected ? 2 : 0);
      var rect = node("rect", { x: self.months.indexOf(m) * barWidth + (barWidth > 3 ? 0.5 : 0),
                                y: CHART.axis - barHeight, width: Math.max(0.6, barWidth - (barWidth > 3 ? 1 : 0)),
                                height: barHeight },
                      "month-bar" + (m.incidents ? "" : " empty") + (selected ? " selected" : ""));
      rect.dataset.month = m.month;
      var title = document.createElementNS(svgNS, "title");
      title.textContent = monthName(m.month) + ": " + interpolate(
        ngettext("%(count)s incident", "%(count)s incidents", m.incidents), { count: number(m.incidents) }, true);
      rect.appendChild(title);
      self.chart.appendChild(rect);
    });
    if (!n) return;
    this.chart.appendChild(node("line", { x1: 0, x2: width, y1: CHART.axis + 0.5, y2: CHART.axis + 0.5 }, "month-axis"));
    axisTicks(this.months, width).forEach(function (tick) {
      self.chart.appendChild(node("line", { x1: tick.x, x2: tick.x, y1: CHART.axis, y2: CHART.axis + 4 }, "month-axis"));
      if (!tick.label) return;
      var text = node("text", { x: tick.x, y: CHART.height - 6, "text-anchor": tick.anchor }, "month-tick");
      text.textContent = tick.label;
      self.chart.appendChild(text);
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
    this.updateTakeAway();
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
    // Every month of the period, empty ones too (monthSeries); from the start once at the end.
    if (Number(this.slider.value) >= this.months.length) this.selectMonth(0);
    this.timer = setInterval(function () {
      var next = Number(self.slider.value) + 1;
      if (next > self.months.length) { self.togglePlay(); return; }
      self.selectMonth(next);
    }, this.config.playIntervalMs);
  };

  window.VraemExplorer = {
    monthSeries: monthSeries,  // for the browser tests
    axisTicks: axisTicks,
    start: function (map, layers, config) {
      var explorer = new Explorer(map, layers, config);
      explorer.start();
      window.vraemExplorer = explorer;  // for debugging and the browser tests
      return explorer;
    }
  };
})();

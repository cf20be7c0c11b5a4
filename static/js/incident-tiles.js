/* Incidents as vector tiles (/tiles/incidents/{z}/{x}/{y}.pbf, built by PostGIS) for views too
 * large for GeoJSON: clusters with their count when zoomed out, one circle per incident when
 * zoomed in. Drawn by Leaflet.VectorGrid with its SVG renderer (its canvas renderer calls
 * L.DomEvent.fakeStop on click, which Leaflet 1.8+ no longer has).
 * Every text from the API reaches the page through textContent; nothing is parsed as HTML. */
(function () {
  "use strict";

  var shared = window.VraemIncidents;

  /* layers: the explorer's groups; config: from incidents.maps; incidentLayer: for popups and
   * event-type colours. */
  function TileIncidentLayer(map, layers, config, incidentLayer) {
    this.map = map;
    this.layers = layers;
    this.config = config;
    this.incidentLayer = incidentLayer;
    this.layer = null;
    this.query = null;
    this.onDrawn = function () {};
  }

  /* Radii stay above 10 px: Leaflet 1.9 treats a clicked circle of 10 px or less as a marker
   * and asks it for getLatLng(), which VectorGrid's tile symbols cannot answer (TypeError). */
  TileIncidentLayer.prototype.style = function (props) {
    if (props.count > 1) {
      return { radius: Math.min(30, 12 + 8 * Math.log10(props.count)), weight: 2, color: "#fff",
               fill: true, fillColor: "#e65100", fillOpacity: 0.85, className: "tile-cluster" };
    }
    var colour = this.incidentLayer.style(props.event_type).colour;
    return { radius: 11, weight: 3, color: "#fff", fill: true, fillColor: colour, fillOpacity: 0.95,
             className: "tile-incident" };
  };

  /* Show the incidents of this filter query (URLSearchParams without bbox); a new query
   * replaces the layer, the same one keeps it (VectorGrid fetches the tiles of each view). */
  TileIncidentLayer.prototype.show = function (params) {
    var self = this, query = params.toString();
    if (this.layer && query === this.query) { this.onDrawn(); return; }
    this.hide();
    this.query = query;
    var url = this.config.tiles.incidents + (query ? "?" + query : "");
    if (!this.map.getPane("incidentTiles")) {
      // Above the advisory zones and district outlines (overlay pane, 400), below popups.
      this.map.createPane("incidentTiles").style.zIndex = 450;
    }
    this.layer = L.vectorGrid.protobuf(url, {
      pane: "incidentTiles",
      vectorTileLayerStyles: { incidents: function (props) { return self.style(props); } },
      interactive: true,
      maxNativeZoom: this.config.tiles.maxZoom,
      attribution: ""
    });
    this.layer.on("click", function (event) { self.onClick(event); });
    this.layer.on("load", function () { self.onDrawn(); });
    this.layers.incidents.addLayer(this.layer);
  };

  TileIncidentLayer.prototype.hide = function () {
    if (this.layer) this.layers.incidents.removeLayer(this.layer);
    this.layer = null;
    this.query = null;
  };

  /* A cluster zooms in on itself; an incident opens its popup (the details come from the API). */
  TileIncidentLayer.prototype.onClick = function (event) {
    var props = event.layer && event.layer.properties, self = this;
    if (!props) return;
    if (props.count > 1) {
      this.map.setView(event.latlng, Math.min(this.map.getZoom() + 2, this.map.getMaxZoom()));
      return;
    }
    shared.getJSON(this.config.api.incidents + props.id + "/").then(function (feature) {
      L.popup({ maxWidth: 360 }).setLatLng(event.latlng)
        .setContent(self.incidentLayer.popup(feature.properties)).openOn(self.map);
    }).catch(function (error) {
      self.incidentLayer.onError(shared.gettext("The incident could not be loaded:") + " " + error.message);
    });
  };

  shared.TileIncidentLayer = TileIncidentLayer;
})();

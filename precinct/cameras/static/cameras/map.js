// The cameras' map (ADR 0036): Leaflet (from npm) draws the points the page carries as JSON, coloured by state,
// each with a popup; the base layer is a local PMTiles file, the configured tile URL, or none (a plain background).
(function () {
  "use strict";
  var COLOURS = { alert: "#b3261e", offline: "#555555", active: "#1e7b46", suspended: "#c98a00", retired: "#9aa4ad" };

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function popup(p, labels, config) {
    // Built as DOM nodes, never as HTML strings: names and zones are typed by people.
    var box = document.createElement("div"), dl = document.createElement("dl");
    box.className = "map-popup";
    box.appendChild(text("strong", p.code + " " + p.name));
    [[labels.lZone, p.zone], [labels.lOwner, p.owner], [labels.lUnit, p.unit], [labels.lStatus, p.status],
     [labels.lLast, p.last_event || labels.lNone]].forEach(function (row) {
      dl.appendChild(text("dt", row[0]));
      dl.appendChild(text("dd", row[1] || labels.lNone));
    });
    box.appendChild(dl);
    if (p.open_alerts && config.alertsUrl) {
      var a = text("a", labels.lAlerts + ": " + p.open_alerts);
      a.href = config.alertsUrl;
      box.appendChild(a);
    }
    return box;
  }

  function setUp() {
    var el = document.getElementById("camera-map");
    if (!el || !window.L) return;
    var points = JSON.parse(document.getElementById("camera-points").textContent);
    var config = JSON.parse(document.getElementById("camera-map-config").textContent);
    var map = window.L.map(el, { zoomControl: true, attributionControl: Boolean(config.tiles || config.pmtiles) });
    if (config.pmtiles && window.pmtiles) {
      // A local raster PMTiles file, read in byte ranges from this site (pmtiles from npm).
      window.pmtiles.leafletRasterLayer(new window.pmtiles.PMTiles(config.pmtiles), {
        maxZoom: 19, attribution: config.attribution || ""
      }).addTo(map);
    } else if (config.tiles) {
      window.L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    }
    var bounds = [], markers = [];
    points.forEach(function (p) {
      var marker = window.L.circleMarker([p.lat, p.lon], {
        radius: p.state === "alert" ? 10 : 8, color: "#ffffff", weight: 2, fillColor: COLOURS[p.state] || "#555555",
        fillOpacity: 0.95, className: "camera-marker camera-marker--" + p.state
      }).addTo(map);
      marker.bindPopup(popup(p, el.dataset, config));
      marker.bindTooltip(p.code);
      markers.push([marker, p]);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    else map.setView([16, 106], 5);
    // Paths exist once the map has a view: name each by its camera (for people's tools and the tests).
    markers.forEach(function (pair) {
      var path = pair[0].getElement();
      if (path) { path.setAttribute("data-camera", pair[1].code); path.setAttribute("data-state", pair[1].state); }
    });
    el.dataset.ready = String(points.length);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

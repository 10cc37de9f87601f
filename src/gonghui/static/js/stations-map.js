// 爱心驿站地图: markers, filters, "nearest open to me". Loaded as a file: CSP allows no inline JS.
(function () {
  "use strict";
  var app = document.getElementById("map-app");
  if (!app) return;
  var d = app.dataset;
  var form = document.getElementById("station-filters");
  var list = document.getElementById("station-list");
  var status = document.getElementById("map-status");
  var nearestSection = document.getElementById("nearest-section");
  var nearestList = document.getElementById("nearest-results");
  var layer = null;
  var map = null;
  var hereMarker = null;
  var centred = false;

  function say(text) { status.textContent = text; }

  function wanted() {
    var codes = [];
    form.querySelectorAll("input[name=facility]:checked").forEach(function (el) { codes.push(el.value); });
    return {
      facilities: codes,
      type: form.querySelector("#station-type").value,
      openOnly: form.querySelector("#open-only").checked
    };
  }

  function matches(item, f) {
    var have = (item.facilities || []);
    for (var i = 0; i < f.facilities.length; i++) if (have.indexOf(f.facilities[i]) < 0) return false;
    if (f.type && item.type !== f.type) return false;
    if (f.openOnly && !item.open) return false;
    return true;
  }

  function applyFilters() {
    var f = wanted();
    var shown = 0;
    list.querySelectorAll(".station-item").forEach(function (li) {
      var item = {
        facilities: (li.dataset.facilities || "").split(" ").filter(Boolean),
        type: li.dataset.type,
        open: li.dataset.open === "1"
      };
      var ok = matches(item, f);
      li.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("list-count").textContent = shown + " " + d.labelCount;
  }

  function filtersChanged() {
    applyFilters();
    loadVisible();
  }

  function formatDistance(m) {
    return m < 1000 ? Math.round(m) + " " + d.labelMetres : (m / 1000).toFixed(1) + " " + d.labelKm;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Nearest first, each with its state ("07:00 开门"); when nothing open is within reach the
  // server says so in words and lists the nearest closed ones with when they open.
  function renderNearest(body) {
    var stations = (body.stations && body.stations.length) ? body.stations : (body.later || []);
    var message = document.getElementById("nearest-message");
    nearestList.textContent = "";
    nearestSection.hidden = false;
    message.textContent = body.message || "";
    message.hidden = !body.message;
    stations.forEach(function (s, i) {
      var li = el("li", "station-item nearest-item" + (i === 0 && s.state === "open" ? " first" : ""));
      li.dataset.id = s.id;
      li.appendChild(el("h3", "station-name", s.name));
      var p = el("p");
      p.appendChild(el("span", "distance", formatDistance(s.distance_m)));
      p.appendChild(document.createTextNode(" · "));
      p.appendChild(el("span", "state " + s.state, s.state_label));
      li.appendChild(p);
      li.appendChild(el("p", "note", s.station_type_label + " · " + s.today_hours));
      li.appendChild(el("p", null, s.address));
      var a = el("a", null, d.labelDirections);
      a.href = s.directions_url; a.rel = "noopener"; a.target = "_blank";
      var links = el("p", "links"); links.appendChild(a); li.appendChild(links);
      nearestList.appendChild(li);
    });
    if (!stations.length) { say(body.message || d.labelNone); return; }
    // The sentence "nothing open within N km" is itself a live region, so it is not said twice.
    say(body.message ? "" : d.labelFound + stations[0].name + "（" + formatDistance(stations[0].distance_m) + "）");
    var first = stations[0];
    centred = true;
    // Not animated: Leaflet drops a setView that arrives during another zoom animation.
    if (map) map.setView([first.display_latitude, first.display_longitude], 14, { animate: false });
  }

  // The full list, nearest first, each with its distance (the server sorts it the same way
  // when the page is opened with a place).
  function metresBetween(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, p1 = lat1 * r, p2 = lat2 * r;
    var h = Math.pow(Math.sin((p2 - p1) / 2), 2) +
      Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin((lon2 - lon1) * r / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function sortListFrom(lat, lon) {
    var items = Array.prototype.slice.call(list.querySelectorAll(".station-item"));
    items.forEach(function (li) {
      li.distance = metresBetween(lat, lon, parseFloat(li.dataset.lat), parseFloat(li.dataset.lon));
      var span = li.querySelector(".list-distance");
      if (span) span.textContent = formatDistance(li.distance) + " · ";
    });
    items.sort(function (a, b) { return a.distance - b.distance; });
    items.forEach(function (li) { list.appendChild(li); });
  }

  function nearestFrom(lat, lon) {
    var f = wanted();
    var params = new URLSearchParams({ lat: lat, lon: lon, k: "5", open_now: "true" });
    f.facilities.forEach(function (c) { params.append("facility", c); });
    if (f.type) params.set("station_type", f.type);
    return fetch(d.apiNearest + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        // The server converts the position like the stations when the basemap is GCJ-02.
        if (map && body.origin) {
          if (hereMarker) hereMarker.remove();
          hereMarker = L.circleMarker([body.origin.display_latitude, body.origin.display_longitude],
            { radius: 6, color: "#0b5cad", fillOpacity: 1 }).addTo(map);
        }
        renderNearest(body);
        sortListFrom(lat, lon);
      });
  }

  document.getElementById("nearest-me").addEventListener("click", function () {
    if (!navigator.geolocation) { say(d.labelNoLocation); return; }
    say(d.labelLocating);
    navigator.geolocation.getCurrentPosition(
      function (pos) { nearestFrom(pos.coords.latitude, pos.coords.longitude); },
      function () { say(d.labelNoLocation); document.getElementById("place-input").focus(); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });

  function nearestPlace() {
    var q = document.getElementById("place-input").value.trim();
    if (!q) return;
    fetch(d.apiPlace + "?" + new URLSearchParams({ q: q }).toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (place) {
        if (!place) { say(d.labelNoPlace); return; }
        nearestFrom(place.latitude, place.longitude);
      });
  }
  document.getElementById("nearest-place").addEventListener("click", function (e) {
    e.preventDefault();
    nearestPlace();
  });
  document.getElementById("place-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); nearestPlace(); }
  });
  form.addEventListener("change", filtersChanged);
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  // Without a basemap the dots get context from the data: the unions (and the towns they are
  // named after) at their own position or the centre of their stations or enterprises. Upper
  // levels show first; deeper ones appear as the map zooms in.
  var places = [];
  function minZoom(depth) { return 3 + 2 * depth; }
  function showPlaces() {
    var zoom = map.getZoom();
    places.forEach(function (p) {
      if (zoom >= minZoom(p.depth)) { if (!map.hasLayer(p.marker)) p.marker.addTo(map); }
      else if (map.hasLayer(p.marker)) p.marker.remove();
    });
  }
  function loadPlaces() {
    fetch(d.apiPlaces, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        rows.forEach(function (row) {
          var label = el("span", "place-label-text", row.label);
          label.title = row.name;
          var icon = L.divIcon({ className: "place-label depth-" + Math.min(row.depth, 5), html: label, iconSize: null });
          var marker = L.marker([row.display_latitude, row.display_longitude],
            { icon: icon, interactive: false, keyboard: false, zIndexOffset: -1000 });
          places.push({ depth: row.depth, marker: marker });
        });
        map.on("zoomend", showPlaces);
        showPlaces();
      });
  }

  // The map loads what is visible: the stations in the viewport, or (zoomed out) one circle per
  // H3 cell with how many stations it holds; every pan or zoom asks again for the new box only.
  function stationMarker(s) {
    var colour = s.open_now ? "#16a34a" : "#6b7280";
    var m = L.circleMarker([s.display_latitude, s.display_longitude],
      { radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95 });
    var box = el("div");
    box.appendChild(el("strong", null, s.name));
    box.appendChild(el("div", null, (s.open_now ? d.labelOpen : d.labelClosed) + " · " + s.today_hours));
    box.appendChild(el("div", null, s.address));
    var a = el("a", null, d.labelDirections); a.href = s.directions_url; a.target = "_blank"; a.rel = "noopener";
    box.appendChild(a);
    m.bindPopup(box);
    return m;
  }
  function clusterMarker(c) {
    var size = c.count < 10 ? 30 : c.count < 100 ? 36 : c.count < 1000 ? 42 : 50;
    var label = el("span", "cluster-count", String(c.count));
    var icon = L.divIcon({ className: "station-cluster" + (c.open_count ? " has-open" : ""), html: label,
      iconSize: [size, size] });
    var m = L.marker([c.display_latitude, c.display_longitude], { icon: icon, title: c.count + " " + d.labelCount });
    m.on("click", function () { map.setView(m.getLatLng(), Math.min(map.getZoom() + 2, 18)); });
    return m;
  }
  var pending = null, timer = null, fitted = false;
  function loadVisible() {
    if (!map) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var b = map.getBounds().pad(0.1);
      var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
      var box = [clamp(b.getSouth(), -90, 90), clamp(b.getWest(), -180, 180),
        clamp(b.getNorth(), -90, 90), clamp(b.getEast(), -180, 180)].map(function (v) { return v.toFixed(5); });
      var f = wanted();
      var params = new URLSearchParams({ bbox: box.join(","), zoom: String(map.getZoom()) });
      f.facilities.forEach(function (c) { params.append("facility", c); });
      if (f.type) params.set("station_type", f.type);
      if (f.openOnly) params.set("open_now", "true");
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(d.apiMap + "?" + params.toString(), { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          // The first answer says where the stations are: fit to them, then load that box.
          if (!fitted && !centred && body.extent) {
            fitted = true;
            var e = body.extent;
            if (e[0] === e[2] && e[1] === e[3]) map.setView([e[0], e[1]], 15, { animate: false });
            else map.fitBounds([[e[0], e[1]], [e[2], e[3]]], { padding: [20, 20], maxZoom: 15, animate: false });
            loadVisible();
            return;
          }
          fitted = true;
          layer.clearLayers();
          body.clusters.forEach(function (c) { clusterMarker(c).addTo(layer); });
          body.stations.forEach(function (s) { stationMarker(s).addTo(layer); });
          app.dataset.loaded = String(body.total);
        })
        .catch(function () {});
    }, 120);
  }

  function initMap() {
    if (!window.L) return;
    // Canvas draws thousands of circle markers far faster than one SVG element each.
    map = L.map("station-map", { zoomControl: true, attributionControl: !!d.tileUrl, preferCanvas: true });
    if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 19 }).addTo(map);
    layer = L.layerGroup().addTo(map);
    map.setView([34, 110], 4);
    if (!d.tileUrl) loadPlaces();
    map.on("moveend", loadVisible);
    loadVisible();
  }
  initMap();
  applyFilters();
})();

// 服务圈覆盖: H3 heat map of uncovered members and the suggested sites, from the coverage API.
(function () {
  "use strict";
  var box = document.getElementById("coverage-map");
  if (!box || !window.L) return;
  var d = box.dataset;
  var map = L.map(box);
  if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 19 }).addTo(map);
  map.setView([34, 110], 4);
  var data = document.getElementById("coverage-data");
  Promise.resolve(JSON.parse(data ? data.textContent : "{}"))
    .then(function (body) {
      if (!body.members) return;
      var cells = body.members.uncovered_cells;
      var max = cells.reduce(function (m, c) { return Math.max(m, c.count); }, 1);
      var layers = [];
      cells.forEach(function (c) {
        var shade = 0.15 + 0.75 * (c.count / max);
        var poly = L.polygon(c.boundary, { weight: 0.5, color: "#7f1d1d", fillColor: "#c8161d", fillOpacity: shade });
        poly.bindTooltip(d.labelUncovered + ": " + c.count);
        poly.addTo(map);
        layers.push(poly);
      });
      body.members.suggestions.forEach(function (s, i) {
        var m = L.circleMarker([s.display_latitude, s.display_longitude], { radius: 9, color: "#0b5cad", fillColor: "#fff", fillOpacity: 1, weight: 3 });
        m.bindTooltip((i + 1) + ". " + d.labelGain + " " + s.gain, { permanent: i < 3 });
        m.addTo(map);
        layers.push(m);
      });
      if (layers.length) map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [10, 10] });
    });
})();

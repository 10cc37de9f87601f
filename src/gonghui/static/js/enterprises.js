// Grid map: H3 cells shaded by uncovered workers. Tiles are configuration (China needs an
// approved basemap), so the map draws the cells on a blank background unless data-tiles is set.
(function () {
  "use strict";
  var el = document.getElementById("grid-map");
  if (!el || !window.L) return;
  var map = L.map(el);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  fetch(el.dataset.cellsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (cells) {
      var max = 1, bounds = [];
      cells.forEach(function (c) { if (c.uncovered_workers > max) max = c.uncovered_workers; });
      cells.forEach(function (c) {
        var share = c.uncovered_workers / max;
        var polygon = L.polygon(c.boundary, {
          color: "#b91c1c", weight: 1, fillColor: c.uncovered ? "#dc2626" : "#16a34a",
          fillOpacity: c.uncovered ? 0.15 + 0.6 * share : 0.25
        }).addTo(map);
        polygon.bindTooltip(c.cell + "：" + c.uncovered + "/" + c.enterprises + "，" + c.uncovered_workers);
        polygon.on("click", function () {
          window.location = el.dataset.listUrl + "?cell=" + encodeURIComponent(c.cell) + "&covered=no";
        });
        bounds = bounds.concat(c.boundary);
      });
      if (bounds.length) map.fitBounds(bounds); else map.setView([35, 110], 4);
    });
})();

// 智慧大脑: draws the cockpit charts with the vendored ECharts from the page's JSON
// (json_script, no inline script under the CSP); big-screen mode reloads itself.
(function () {
  "use strict";
  var box = document.getElementById("brain");
  var dataNode = document.getElementById("brain-data");
  if (!box || !dataNode || !window.echarts) return;
  var data = JSON.parse(dataNode.textContent);
  var L = JSON.parse(document.getElementById("brain-labels").textContent);
  var dark = box.classList.contains("brain-screen");
  var theme = dark ? "dark" : null;
  var charts = [];

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node, theme, { renderer: "canvas" });
    option.animation = false;
    if (dark) option.backgroundColor = "transparent";
    chart.setOption(option);
    charts.push(chart);
  }

  var t = data.trends;
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 30 },
    xAxis: { type: "category", data: t.months },
    yAxis: { type: "value" },
    series: [
      { name: L.joined, type: "line", data: t.joined },
      { name: L.left, type: "line", data: t.left },
      { name: L.checkins, type: "line", data: t.checkins },
      { name: L.cases, type: "line", data: t.cases_resolved },
      { name: L.deliveries, type: "bar", data: t.deliveries }
    ]
  });
  draw("chart-groups", {
    tooltip: { trigger: "item" },
    series: [{
      name: L.groups, type: "pie", radius: ["35%", "70%"],
      data: data.members.by_group.map(function (g) { return { name: g.label, value: g.count }; })
    }]
  });
  draw("chart-funnel", {
    tooltip: { trigger: "item" },
    series: [{
      name: L.funnel, type: "funnel", sort: "none", minSize: "10%",
      data: data.funnel.map(function (s) { return { name: s.label, value: s.count }; })
    }]
  });
  var kids = data.children;
  draw("chart-children", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 10, top: 30, bottom: 60 },
    xAxis: { type: "category", data: kids.map(function (c) { return c.name; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: L.members, type: "bar", data: kids.map(function (c) { return c.active; }) },
      { name: L.pending, type: "bar", data: kids.map(function (c) { return c.pending; }) }
    ]
  });
  // No boundary map ships (a public map needs an approved 审图号): the subtree is a treemap
  // grouped by GB/T 2260 region code (province > city > county digits).
  var regions = {};
  kids.forEach(function (c) {
    var prov = (c.region_code || "").slice(0, 2) + "0000";
    var city = (c.region_code || "").slice(0, 4) + "00";
    regions[prov] = regions[prov] || {};
    regions[prov][city] = regions[prov][city] || [];
    regions[prov][city].push({ name: c.name + " " + c.region_code, value: Math.max(c.active, 0), id: c.id });
  });
  var tree = Object.keys(regions).map(function (p) {
    return { name: p, children: Object.keys(regions[p]).map(function (c) { return { name: c, children: regions[p][c] }; }) };
  });
  draw("chart-map", {
    tooltip: {},
    series: [{ name: L.map, type: "treemap", roam: false, leafDepth: 3, data: tree, breadcrumb: { show: false } }]
  });
  // A deployer's approved boundary map (BRAIN_MAP_GEOJSON_URL) replaces the treemap.
  var config = document.getElementById("brain-config");
  var mapUrl = config ? config.dataset.mapUrl : "";
  if (mapUrl && window.fetch) {
    fetch(mapUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("brain-subtree", geo);
      var node = document.getElementById("chart-map");
      var old = echarts.getInstanceByDom(node);
      if (old) old.dispose();
      var chart = echarts.init(node, theme);
      var max = kids.reduce(function (m, c) { return Math.max(m, c.active); }, 1);
      chart.setOption({
        animation: false,
        tooltip: {},
        visualMap: { min: 0, max: max, calculable: true, left: 0, bottom: 0 },
        series: [{ name: L.map, type: "map", map: "brain-subtree", nameProperty: "adcode",
          data: kids.map(function (c) { return { name: String(parseInt(c.region_code, 10)), value: c.active }; }) }]
      });
    });
  }
  var mapChart = charts[charts.length - 1];
  if (mapChart) mapChart.on("click", function (p) {
    if (p.data && p.data.id) window.location.href = "/brain/" + p.data.id + "/?period=" + encodeURIComponent(data.period) + (dark ? "&screen=1" : "");
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.querySelectorAll("[data-print]").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); window.print(); });
  });
  var refresh = parseInt(box.dataset.refresh || "0", 10);
  if (refresh > 0) setTimeout(function () { window.location.reload(); }, refresh * 1000);
})();

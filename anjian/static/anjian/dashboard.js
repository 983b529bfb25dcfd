// Draws the dashboard's charts from the JSON the page carries (id "dashboard-data").
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var towns = data.by_town;
  // One row of bars per town: the chart grows with the number of towns instead of squeezing them.
  var townChart = document.getElementById("chart-town");
  if (townChart) townChart.style.height = Math.max(240, 80 + towns.length * 44) + "px";
  // Horizontal bars: town names stay readable on a phone.
  draw("chart-town", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: towns.map(function (t) { return t.name; }) },
    series: [
      { name: labels.open, type: "bar", data: towns.map(function (t) { return t.open; }), barMaxWidth: 16, itemStyle: { color: "#0d6efd" } },
      { name: labels.overdue, type: "bar", data: towns.map(function (t) { return t.overdue; }), barMaxWidth: 16, itemStyle: { color: "#dc3545" } }
    ]
  });
  var statusColors = ["#6c757d", "#0dcaf0", "#fd7e14", "#ffc107", "#20c997", "#198754"];
  draw("chart-status", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    series: [{
      name: labels.count, type: "pie", radius: narrow ? ["30%", "60%"] : ["40%", "70%"], center: ["50%", "45%"],
      label: { show: !narrow, formatter: "{b}\n{c}" },
      data: data.by_status.map(function (s, i) {
        return { name: s.label, value: s.count, itemStyle: { color: statusColors[i % statusColors.length] } };
      })
    }]
  });
  var sectors = data.by_sector;
  draw("chart-sector", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: sectors.map(function (s) { return s.name; }), axisLabel: { interval: 0, rotate: narrow || sectors.length > 8 ? 40 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: labels.open, type: "bar", data: sectors.map(function (s) { return s.open; }), barMaxWidth: 40, itemStyle: { color: "#0d6efd" } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

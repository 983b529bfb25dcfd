// Draws the accident statistics charts from the JSON the page carries (id "accident-stats-data"); the
// tables under the charts hold the same numbers, so the page reads without scripts.
(function () {
  "use strict";
  var source = document.getElementById("accident-stats-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var charts = [];
  var year = data.year, last = data.year - 1;

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-months", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.months.map(function (m) { return m + "月"; }) },
    yAxis: [{ type: "value", name: "起", minInterval: 1 }, { type: "value", name: "人", minInterval: 1 }],
    series: [
      { name: year + "年起数", type: "bar", data: data.count, itemStyle: { color: "#0d6efd" }, barMaxWidth: 18 },
      { name: last + "年同期起数", type: "bar", data: data.last_count, itemStyle: { color: "#adb5bd" }, barMaxWidth: 18 },
      { name: year + "年死亡", type: "line", yAxisIndex: 1, data: data.deaths, itemStyle: { color: "#dc3545" } },
      { name: last + "年同期死亡", type: "line", yAxisIndex: 1, data: data.last_deaths, lineStyle: { type: "dashed" }, itemStyle: { color: "#f1aeb5" } }
    ]
  });

  var townBox = document.getElementById("chart-towns");
  if (townBox) townBox.style.height = Math.max(200, 60 + data.towns.length * 28) + "px";
  draw("chart-towns", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.towns, axisLabel: { width: narrow ? 90 : 140, overflow: "truncate" } },
    series: [
      { name: "起数", type: "bar", data: data.town_count, itemStyle: { color: "#0d6efd" }, barMaxWidth: 14 },
      { name: "死亡", type: "bar", data: data.town_deaths, itemStyle: { color: "#dc3545" }, barMaxWidth: 14 }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

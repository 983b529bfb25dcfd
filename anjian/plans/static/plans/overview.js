// Draws the plan overview's charts from the JSON the page carries (id "plan-overview-data"); a click
// on a bar opens the drill-down list behind it, like the numbers in the tables below the charts.
(function () {
  "use strict";
  var select = document.getElementById("id_period");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
  var source = document.getElementById("plan-overview-data");
  var links = document.getElementById("plan-overview-links");
  if (!source || !links || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var drill = links.getAttribute("data-drill");
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var colors = { done: "#198754", on_track: "#0d6efd", at_risk: "#fd7e14", late: "#dc3545", not_started: "#adb5bd" };
  var charts = [];

  function draw(id, option, onClick) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
  }

  var chapters = data.chapters;
  var chapterBox = document.getElementById("chart-chapters");
  // One bar per chapter, horizontal so long chapter names stay readable on a phone.
  if (chapterBox) chapterBox.style.height = Math.max(200, 70 + chapters.length * 40) + "px";
  draw("chart-chapters", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category", inverse: true,
      data: chapters.map(function (c) { return c.name; }),
      axisLabel: { width: narrow ? 110 : 220, overflow: "truncate" }
    },
    series: data.statuses.map(function (s, i) {
      return {
        name: s.label, type: "bar", stack: "tasks", barMaxWidth: 22,
        itemStyle: { color: colors[s.key] },
        data: chapters.map(function (c) { return { value: c.counts[i], chapter: c.id, status: s.key }; })
      };
    })
  }, function (event) {
    var d = event.data;
    window.location.href = drill + "&chapter=" + (d.chapter == null ? "" : d.chapter) + "&status=" + d.status;
  });

  var targets = data.targets;
  var targetBox = document.getElementById("chart-targets");
  if (targetBox) targetBox.style.height = Math.max(160, 40 + targets.length * 30) + "px";
  draw("chart-targets", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: function (v) { return Math.max(100, v.max); }, axisLabel: { formatter: "{value}%" } },
    yAxis: {
      type: "category", inverse: true,
      data: targets.map(function (t) { return t.name; }),
      axisLabel: { width: narrow ? 110 : 200, overflow: "truncate" }
    },
    series: [{
      type: "bar", barMaxWidth: 16, label: { show: true, position: "right", formatter: "{c}%" },
      data: targets.map(function (t) {
        return { value: t.percent, target: t.id, itemStyle: { color: t.percent >= 100 ? colors.done : colors.on_track } };
      }),
      markLine: { silent: true, symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: "#6c757d", type: "dashed" } }
    }]
  }, function (event) {
    window.location.href = drill + "&target=" + event.data.target;
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

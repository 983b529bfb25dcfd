// Draws the ranking trends (scores, ranks with the first place on top) and the heat map from the JSON
// the page carries (id "ranking-trends-data"); the town selector brings one town's lines forward.
(function () {
  "use strict";
  var source = document.getElementById("ranking-trends-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var select = document.getElementById("trend-town");
  var charts = [];

  function init(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    var chart = echarts.init(element, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }

  function lineOption(key, chosen) {
    var isRank = key === "ranks";
    return {
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0, show: !narrow },
      grid: { left: 8, right: 16, top: narrow ? 8 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: isRank
        ? { type: "value", inverse: true, min: 1, minInterval: 1, name: data.labels.rank }
        : { type: "value", scale: true, name: data.labels.score },
      series: data.towns.map(function (town) {
        var faded = chosen && String(town.id) !== chosen;
        var picked = chosen && String(town.id) === chosen;
        return {
          name: town.name, type: "line", connectNulls: false, data: town[key],
          symbolSize: picked ? 8 : 4, z: picked ? 10 : 2,
          lineStyle: { width: picked ? 4 : 1.5, opacity: faded ? 0.15 : 1 },
          itemStyle: { opacity: faded ? 0.15 : 1 }
        };
      })
    };
  }

  var scores = init("chart-scores");
  var ranks = init("chart-ranks");
  function drawLines() {
    var chosen = select ? select.value : "";
    if (scores) scores.setOption(lineOption("scores", chosen), true);
    if (ranks) ranks.setOption(lineOption("ranks", chosen), true);
  }
  drawLines();
  if (select) select.addEventListener("change", drawLines);

  var heat = init("chart-heat");
  var h = data.heat;
  if (heat && h.towns.length) {
    document.getElementById("chart-heat").style.height = Math.max(320, 90 + h.towns.length * 26) + "px";
    heat.resize();
    heat.setOption({
      tooltip: { position: "top", confine: true, formatter: function (p) {
        return h.towns[p.value[1]] + "<br>" + h.indicators[p.value[0]] + "：" + (p.value[2] === "-" ? "—" : p.value[2]);
      } },
      grid: { left: 8, right: 8, top: 8, bottom: 70, containLabel: true },
      xAxis: { type: "category", data: h.indicators, axisLabel: { interval: 0, rotate: narrow ? 60 : 30, width: 90, overflow: "truncate" } },
      yAxis: { type: "category", data: h.towns, inverse: true },
      visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   itemHeight: narrow ? 120 : 200, inRange: { color: ["#dc3545", "#fd7e14", "#ffc107", "#0d6efd"] } },
      series: [{ name: data.labels.normalised, type: "heatmap", data: h.cells, label: { show: !narrow, fontSize: 10 } }]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

// The four-colour risk map: town outlines from the page (always drawn, with or without tiles), then
// the subjects and major hazard installations from the data endpoint, then the view fitted to them.
// Below it, the stacked bar chart of subjects per town and grade from the page's summary JSON.
(function () {
  "use strict";
  var configNode = document.getElementById("risk-map-config");
  var box = document.getElementById("risk-map");
  var status = document.getElementById("map-status");
  if (!configNode || !box) return;
  var config = JSON.parse(configNode.textContent);
  var words = config.labels;

  function say(text) { if (status) status.textContent = text; }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  // Popups are built as elements with textContent: names come from user input.
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function field(list, label, value) {
    list.appendChild(el("dt", label));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value == null || value === "" ? "—" : value;
    list.appendChild(dd);
  }

  if (window.L) drawMap(); else say(words.failed);
  drawChart();

  function drawMap() {
    var map = L.map(box, { preferCanvas: true, zoomControl: true, attributionControl: true });
    map.setView(config.center, 11);
    if (config.tiles) {
      var tiles = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 });
      var warned = false;
      // Intranet or offline: the tiles fail, the light grey base stays, everything else still draws.
      tiles.on("tileerror", function () {
        if (warned) return;
        warned = true;
        box.setAttribute("data-tiles-failed", "1");
        map.attributionControl.addAttribution(words.tiles_failed);
      });
      tiles.addTo(map);
    }
    var townBounds = drawTerritories(map);
    // No animation: Leaflet drops a new view asked for while a zoom animation is still running,
    // and the data usually arrives within it.
    if (townBounds.isValid()) map.fitBounds(townBounds, { padding: [10, 10], animate: false });
    say(words.loading);
    fetch(config.data_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || words.failed);
          return body;
        });
      })
      .then(function (data) { drawData(map, data, townBounds); })
      .catch(function (error) { say(error.message || words.failed); });
  }

  function drawTerritories(map) {
    var bounds = L.latLngBounds([]);
    var layer = L.layerGroup().addTo(map);
    config.territories.forEach(function (town) {
      var shape;
      if (town.boundary) {
        shape = L.geoJSON(town.boundary, {
          style: { color: "#495057", weight: 1.5, opacity: 0.8, fillColor: "#adb5bd", fillOpacity: 0.06, dashArray: "4 3" },
          interactive: false
        });
      } else if (town.lat != null && town.lon != null) {
        shape = L.circleMarker([town.lat, town.lon], { radius: 3, color: "#495057", weight: 1, fillOpacity: 0.8, interactive: false });
      }
      if (!shape) return;
      shape.bindTooltip(town.name, { permanent: true, direction: "center", className: "town-label", interactive: false });
      shape.addTo(layer);
      bounds.extend(shape.getBounds ? shape.getBounds() : shape.getLatLng());
    });
    return bounds;
  }

  function drawData(map, data, townBounds) {
    var renderer = L.canvas({ padding: 0.5 });
    var points = L.layerGroup();
    var majors = L.layerGroup();
    var bounds = L.latLngBounds([]);
    var subjects = 0, installations = 0;
    data.features.forEach(function (feature) {
      var c = feature.geometry.coordinates, at = [c[1], c[0]], p = feature.properties;
      bounds.extend(at);
      if (p.kind === "installation") {
        installations += 1;
        L.marker(at, { icon: installationIcon(p), zIndexOffset: 1000, title: p.subject + " · " + p.name, keyboard: true })
          .bindPopup(function () { return installationPopup(p); })
          .addTo(majors);
        return;
      }
      subjects += 1;
      L.circleMarker(at, {
        renderer: renderer, radius: 6, weight: 1, color: "#fff", opacity: 0.9,
        fillColor: config.colors[p.grade] || config.colors.none, fillOpacity: 0.9
      }).bindPopup(function () { return subjectPopup(p, data); }).addTo(points);
    });
    points.addTo(map);
    majors.addTo(map);
    var target = bounds.isValid() ? bounds : townBounds;
    // One point (an enterprise's own map) has bounds of no size: centre on it instead.
    if (target.isValid() && target.getNorthEast().equals(target.getSouthWest())) map.setView(target.getCenter(), 15, { animate: false });
    else if (target.isValid()) map.fitBounds(target, { padding: [20, 20], maxZoom: 15, animate: false });
    box.setAttribute("data-zoom", String(map.getZoom()));
    var text = fill(words.shown, { n: subjects, m: installations });
    if (data.missing_coordinates) text += "；" + fill(words.missing, { n: data.missing_coordinates });
    say(text);
    box.setAttribute("data-loaded", String(subjects));
  }

  function installationIcon(p) {
    var colour = config.installation_colors[p.grade] || config.colors.none;
    var holder = el("div");
    var label = el("span", p.grade_label);
    label.style.backgroundColor = colour;
    holder.appendChild(label);
    // Anchored above the point so the subject's own circle below it stays visible and clickable.
    return L.divIcon({ className: "installation-icon grade-" + p.grade, html: holder.innerHTML, iconSize: [34, 22], iconAnchor: [17, 30] });
  }

  function subjectPopup(p, data) {
    var root = el("div", null, "map-popup");
    root.appendChild(el("strong", p.name));
    var list = el("dl");
    field(list, words.sector, data.sectors[p.sector]);
    field(list, words.town, p.town == null ? words.city_level : data.towns[p.town]);
    field(list, words.grade, words.grades[p.grade]);
    if (p.assessed !== p.grade) field(list, words.assessed, words.grades[p.assessed]);
    if (p.reasons.length) {
      var reasons = el("ul");
      p.reasons.forEach(function (i) { reasons.appendChild(el("li", data.reasons[i])); });
      field(list, words.reasons, reasons);
    }
    root.appendChild(list);
    var link = el("a", words.open);
    link.href = config.subject_url + p.id + "/";
    root.appendChild(link);
    return root;
  }

  function installationPopup(p) {
    var root = el("div", null, "map-popup");
    root.appendChild(el("strong", words.installation + " · " + p.name));
    var list = el("dl");
    var subject = el("a", p.subject);
    subject.href = config.subject_url + p.subject_id + "/";
    field(list, words.subject, subject);
    field(list, words.major_grade, p.grade_label);
    field(list, "R", p.r == null ? "—" : p.r.toFixed(2));
    root.appendChild(list);
    var link = el("a", words.open_installation);
    link.href = config.installation_url + p.id + "/";
    root.appendChild(link);
    return root;
  }

  function drawChart() {
    var source = document.getElementById("risk-map-summary");
    var chartBox = document.getElementById("chart-towns");
    if (!source || !chartBox || !window.echarts) return;
    var summary = JSON.parse(source.textContent);
    if (!summary.towns.length) { chartBox.hidden = true; return; }
    var narrow = window.matchMedia("(max-width: 576px)").matches;
    // Horizontal bars: town names stay readable on a phone; height grows with the number of towns.
    chartBox.style.height = Math.max(200, 80 + summary.towns.length * 28) + "px";
    var chart = echarts.init(chartBox, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true,
        data: summary.towns.map(function (t) { return t.name; }),
        axisLabel: { width: narrow ? 80 : 140, overflow: "truncate" }
      },
      series: summary.grades.map(function (g, i) {
        return {
          name: g.label, type: "bar", stack: "subjects", barMaxWidth: 20,
          itemStyle: { color: g.color },
          data: summary.towns.map(function (t) { return t.counts[i]; })
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();

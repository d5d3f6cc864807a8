// The explorer itself: one explanation shown as panes (one per sweep, or forward and reverse
// side by side), stepped by buttons, keys and a timer, its state kept in the URL fragment so
// that a page can be shared or bookmarked at a step.
"use strict";
var CR = window.ChainruleExplorer;

CR.$ = function (id) { return document.getElementById(id); };

CR.start = function () {
  var state = JSON.parse(CR.$("chainrule-state").textContent);
  var app = CR.app = { live: state.live, payload: null, mode: null, direction: 0, row: 0, step: 0,
    timer: null, panes: [] };
  CR.bindControls(app);
  var fragment = CR.readFragment();
  if (state.payload) CR.showPayload(app, state.payload, fragment);
  if (app.live) CR.startLive(app, fragment);
  document.body.setAttribute("data-ready", "true");
  if (performance.mark) performance.mark("chainrule-ready");  // read by bench/explore.py
};

CR.showPayload = function (app, payload, fragment) {
  var data = payload.explanation;
  app.payload = payload;
  CR.$("title").textContent = data.function;
  document.title = data.function + " — chainrule explorer";
  CR.$("point").textContent = "at " + CR.pointText(data, ", ", " = ");
  var notes = CR.$("notes");
  notes.innerHTML = "";
  payload.notes.forEach(function (note) { notes.appendChild(CR.html("li", "note: " + note)); });
  var sweeps = CR.sweepsIn(data);
  var modes = sweeps.length > 1 ? sweeps.concat(["both"]) : sweeps;
  CR.options(CR.$("mode"), modes, function (mode) {
    return mode === "both" ? "both, side by side" : mode;
  });
  var wanted = fragment.mode || (data.mode === "both" && !app.live ? "both" : "reverse");
  app.mode = modes.indexOf(wanted) >= 0 ? wanted : modes[0];
  CR.$("mode").value = app.mode;
  var traces = data.forward || [];
  CR.options(CR.$("direction"), traces.map(function (trace, k) { return String(k); }), function (k) {
    return traces[k].direction.map(function (seed) {
      return CR.dotted(seed.name) + " = " + CR.show(seed.tangent);
    }).join(", ");
  });
  app.direction = Math.min(parseInt(fragment.dir || "0", 10) || 0, Math.max(0, traces.length - 1));
  CR.$("direction").value = String(app.direction);
  var rows = data.reverse_rows || [];
  CR.options(CR.$("row"), ["0"].concat(rows.map(function (r, k) { return String(k + 1); })),
    function (k) {
      return k === "0" ? "ones: the gradient of the sum of the outputs"
        : "the entry " + rows[k - 1].row.label + " alone (a Jacobian row)";
    });
  app.row = Math.min(parseInt(fragment.row || "0", 10) || 0, rows.length);
  CR.$("row").value = String(app.row);
  CR.showPanels(payload);
  CR.buildPanes(app);
  CR.go(app, parseInt(fragment.step || "0", 10) || 0);
};

CR.options = function (select, values, label) {
  select.innerHTML = "";
  values.forEach(function (value) {
    var option = select.appendChild(CR.html("option", label(value)));
    option.value = value;
  });
};

CR.pointText = function (data, between, equals) {
  return data.inputs.map(function (input) {
    return input.name + equals + (CR.isArray(input.value) ? CR.brief(input.value) : CR.show(input.value));
  }).join(between);
};

CR.showPanels = function (payload) {
  var data = payload.explanation;
  CR.$("cost").textContent = CR.costText(data);
  var derivatives = CR.$("derivatives");
  derivatives.innerHTML = "";
  derivatives.appendChild(CR.derivativesTable(data));
  CR.$("jacobian-panel").hidden = !data.jacobian;
  CR.$("jacobian").innerHTML = "";
  if (data.jacobian) {
    CR.$("jacobian-title").textContent = data.jacobian.factors.length > 1 ? "Jacobian chain" : "Jacobian";
    CR.$("jacobian").appendChild(CR.jacobianView(data.jacobian));
  }
  CR.$("steps-panel").hidden = !payload.steps;
  CR.$("steps").textContent = payload.steps || "";
  // The tables are chainrule's own HTML rendering of the same record, escaped by it.
  CR.$("tables").innerHTML = payload.tables;
};

CR.buildPanes = function (app) {
  var data = app.payload.explanation, box = CR.$("panes");
  box.innerHTML = "";
  CR.$("direction-label").hidden = app.mode === "reverse" || !(data.forward || []).length;
  CR.$("row-label").hidden = app.mode === "forward" || !(data.reverse_rows || []).length;
  var sweeps = app.mode === "both" ? ["forward", "reverse"] : [app.mode];
  app.panes = sweeps.map(function (sweep) {
    var pane = box.appendChild(CR.html("section", null, { class: "pane", "data-sweep": sweep }));
    pane.appendChild(CR.html("h2", sweep === "reverse" ? "Reverse mode (backpropagation)" : "Forward mode"));
    var now = pane.appendChild(CR.html("div", null, { class: "now", "aria-live": "polite" }));
    var lines = ["phase", "rule", "detail", "sum"].map(function (name) {
      return now.appendChild(CR.html("div", "", { class: name }));
    });
    var graph = pane.appendChild(CR.html("div", null, { class: "graph" }));
    var view = CR.drawGraph(graph, data, sweep);
    return { sweep: sweep, view: view, lines: lines, graph: graph,
      timeline: CR.timeline(data, sweep, app.direction, app.row) };
  });
  CR.zoom(app);
};

CR.length = function (app) {
  return Math.max.apply(null, app.panes.map(function (pane) { return pane.timeline.length; }));
};

CR.go = function (app, k) {
  if (!app.panes.length) return;
  app.step = Math.max(0, Math.min(k, CR.length(app) - 1));
  app.panes.forEach(function (pane) {
    var at = Math.min(app.step, pane.timeline.length - 1), step = pane.timeline[at];
    CR.paintGraph(pane.view, CR.stateAt(pane.timeline, at), step);
    pane.lines[0].textContent = step.phase;
    pane.lines[1].textContent = step.rule;
    pane.lines[2].textContent = step.detail;
    pane.lines[3].textContent = step.sum;
    if (pane.view.nodes[step.var]) CR.reveal(pane, pane.view.nodes[step.var].node);
  });
  CR.$("position").textContent = "step " + (app.step + 1) + " of " + CR.length(app);
  CR.writeFragment(app);
};

// Scrolls the pane's graph (and nothing around it) so that the current node is in sight.
CR.reveal = function (pane, node) {
  var box = pane.graph, svg = pane.view.svg;
  var scale = svg.getBoundingClientRect().width / parseFloat(svg.getAttribute("width"));
  var left = node.x * scale, top = node.y * scale;
  var right = left + CR.NODE.width * scale, bottom = top + CR.NODE.height * scale;
  if (left < box.scrollLeft || right > box.scrollLeft + box.clientWidth) {
    box.scrollLeft = Math.max(0, (left + right - box.clientWidth) / 2);
  }
  if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
    box.scrollTop = Math.max(0, (top + bottom - box.clientHeight) / 2);
  }
};

CR.play = function (app, on) {
  if (app.timer) clearInterval(app.timer);
  app.timer = null;
  if (on) {
    if (app.step >= CR.length(app) - 1) CR.go(app, 0);
    var speed = parseFloat(CR.$("speed").value);
    app.timer = setInterval(function () {
      if (app.step >= CR.length(app) - 1) return CR.play(app, false);
      CR.go(app, app.step + 1);
    }, 1000 / speed);
  }
  var button = CR.$("play");
  button.textContent = on ? "pause" : "play";
  button.setAttribute("aria-pressed", on ? "true" : "false");
};

CR.zoom = function (app) {
  var zoom = CR.$("zoom").value;
  app.panes.forEach(function (pane) {
    var svg = pane.view.svg, width = parseFloat(svg.getAttribute("width"));
    // "fit" shrinks a wide graph to its pane, and never enlarges a small one.
    var scale = zoom === "fit" ? Math.min(1, pane.graph.clientWidth / width) : parseFloat(zoom);
    svg.style.width = width * scale + "px";
    svg.style.height = "auto";
  });
};

CR.bindControls = function (app) {
  var click = function (id, action) { CR.$(id).addEventListener("click", action); };
  click("start", function () { CR.go(app, 0); });
  click("back", function () { CR.go(app, app.step - 1); });
  click("next", function () { CR.go(app, app.step + 1); });
  click("end", function () { CR.go(app, CR.length(app) - 1); });
  click("play", function () { CR.play(app, !app.timer); });
  CR.$("speed").addEventListener("change", function () { if (app.timer) CR.play(app, true); });
  CR.$("zoom").addEventListener("change", function () { CR.zoom(app); });
  window.addEventListener("resize", function () { if (CR.$("zoom").value === "fit") CR.zoom(app); });
  CR.$("mode").addEventListener("change", function () {
    app.mode = CR.$("mode").value;
    CR.buildPanes(app);
    CR.go(app, app.step);
  });
  CR.$("direction").addEventListener("change", function () {
    app.direction = parseInt(CR.$("direction").value, 10);
    CR.buildPanes(app);
    CR.go(app, app.step);
  });
  CR.$("row").addEventListener("change", function () {
    app.row = parseInt(CR.$("row").value, 10);
    CR.buildPanes(app);
    CR.go(app, app.step);
  });
  document.addEventListener("keydown", function (event) { CR.key(app, event); });
  window.addEventListener("hashchange", function () { CR.follow(app, CR.readFragment()); });
};

// A fragment typed or pasted into the address bar: its mode, direction and step.
CR.follow = function (app, fragment) {
  if (!app.payload) return;
  var modes = Array.prototype.map.call(CR.$("mode").options, function (o) { return o.value; });
  var direction = parseInt(fragment.dir || "0", 10) || 0, row = parseInt(fragment.row || "0", 10) || 0;
  var mode = modes.indexOf(fragment.mode) >= 0 ? fragment.mode : app.mode;
  var newDirection = direction !== app.direction && CR.$("direction").options[direction];
  var newRow = row !== app.row && CR.$("row").options[row];
  if (mode !== app.mode || newDirection || newRow) {
    app.mode = CR.$("mode").value = mode;
    if (newDirection) app.direction = direction;
    if (newRow) app.row = row;
    CR.$("direction").value = String(app.direction);
    CR.$("row").value = String(app.row);
    CR.buildPanes(app);
  }
  CR.go(app, parseInt(fragment.step || "0", 10) || 0);
};

CR.KEYS = { ArrowRight: 1, ArrowLeft: -1 };

CR.key = function (app, event) {
  var target = event.target.tagName;
  if (target === "INPUT" || target === "SELECT" || target === "TEXTAREA" || !app.panes.length) return;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key in CR.KEYS) CR.go(app, app.step + CR.KEYS[event.key]);
  else if (event.key === "Home") CR.go(app, 0);
  else if (event.key === "End") CR.go(app, CR.length(app) - 1);
  else if (event.key === " " && target !== "BUTTON" && target !== "SUMMARY") CR.play(app, !app.timer);
  else return;
  event.preventDefault();
};

CR.readFragment = function () {
  var found = {};
  new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) { found[key] = value; });
  return found;
};

CR.writeFragment = function (app) {
  var data = app.payload.explanation, params = new URLSearchParams();
  params.set("f", data.function);
  params.set("at", CR.pointText(data, ",", "="));
  if (app.live && app.wrt) params.set("wrt", app.wrt);
  params.set("mode", app.mode);
  if (app.mode !== "reverse" && app.direction) params.set("dir", String(app.direction));
  if (app.mode !== "forward" && app.row) params.set("row", String(app.row));
  params.set("step", String(app.step));
  try {
    history.replaceState(null, "", "#" + params.toString());
  } catch (refused) {
    // A sandboxed frame (a notebook's) may not touch its history; the page works without.
  }
};

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", CR.start);
else CR.start();

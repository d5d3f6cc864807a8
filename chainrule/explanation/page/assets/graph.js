// The computation graph, left to right (inputs → output): a column per depth, each node a
// recorded step with its value and its adjoint or tangent so far, each edge labelled with the
// local derivative its rule writes, as formula and number.
"use strict";
var CR = window.ChainruleExplorer;

CR.NODE = { width: 190, height: 74, column: 330, row: 100, margin: 16 };
// Above this many nodes only the current step's edge keeps its label on screen; the others
// keep theirs as a tooltip and in the node descriptions.
CR.DENSE_NODES = 40;
var SVG = "http://www.w3.org/2000/svg";

CR.layout = function (data) {
  var nodes = [], byId = {}, edges = [];
  var constants = {};
  data.inputs.forEach(function (input) { if (input.var === null) constants[input.name] = input.value; });
  data.constants.forEach(function (constant) { constants[constant.name] = constant.value; });
  var outputs = data.outputs.map(function (output) { return output.var; });
  var add = function (node) { nodes.push(node); byId[node.id] = node; return node; };
  data.steps.forEach(function (step) {
    var node = add({ id: step.var, kind: step.op === "input" ? "input" : "step", depth: 0,
      label: step.var + " = " + step.expression, output: outputs.indexOf(step.var) >= 0 });
    step.args.forEach(function (arg, i) {
      var local = step.local.filter(function (d) { return d.input === i; })[0];
      if (byId[arg] && byId[arg].kind !== "constant") {
        node.depth = Math.max(node.depth, byId[arg].depth + 1);
      } else if (constants[arg] !== undefined) {
        if (!byId[arg]) add({ id: arg, kind: "constant", depth: -1, label: arg, value: constants[arg] });
      } else {
        return;  // a number written in the step itself
      }
      edges.push({ from: arg, to: step.var, input: i, formula: local ? local.formula : null });
    });
  });
  nodes.forEach(function (node) {
    if (node.kind !== "constant") return;
    var users = edges.filter(function (e) { return e.from === node.id; });
    node.depth = Math.max(0, Math.min.apply(null, users.map(function (e) { return byId[e.to].depth; })) - 1);
  });
  CR.placeNodes(nodes, edges);
  return { nodes: nodes, byId: byId, edges: edges };
};

// Columns by depth; within a column, nodes ordered by the mean row of their inputs (one pass
// of the barycentre heuristic), which keeps most edges from crossing.
CR.placeNodes = function (nodes, edges) {
  var columns = [];
  nodes.forEach(function (node) { (columns[node.depth] = columns[node.depth] || []).push(node); });
  var rows = 0, rowOf = {};
  columns.forEach(function (column) {
    column.forEach(function (node) {
      var parents = edges.filter(function (e) { return e.to === node.id; });
      var known = parents.map(function (e) { return rowOf[e.from]; }).filter(function (r) { return r !== undefined; });
      node.key = known.length ? known.reduce(function (a, b) { return a + b; }, 0) / known.length : -1;
    });
    column.sort(function (a, b) { return a.key - b.key; });
    column.forEach(function (node, row) { node.row = row; rowOf[node.id] = row; });
    rows = Math.max(rows, column.length);
  });
  nodes.forEach(function (node) {
    var column = columns[node.depth];
    node.x = CR.NODE.margin + node.depth * CR.NODE.column;
    node.y = CR.NODE.margin + (node.row + (rows - column.length) / 2) * CR.NODE.row;
  });
  nodes.width = 2 * CR.NODE.margin + (columns.length - 1) * CR.NODE.column + CR.NODE.width;
  nodes.height = 2 * CR.NODE.margin + (rows - 1) * CR.NODE.row + CR.NODE.height;
};

// The local derivatives as numbers (the rules' own, where both ends are scalars), by edge.
CR.edgeNumbers = function (data) {
  var numbers = {};
  if (data.reverse) {
    data.reverse.steps.forEach(function (event) {
      if (event.kind === "contribution") numbers[event.from + ":" + event.input] = event.derivative;
    });
  }
  (data.forward || []).forEach(function (trace) {
    trace.steps.forEach(function (step) {
      step.terms.forEach(function (term) { numbers[step.var + ":" + term.input] = term.derivative; });
    });
  });
  return numbers;
};

CR.element = function (name, attributes, parent) {
  var element = document.createElementNS(SVG, name);
  Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
  if (parent) parent.appendChild(element);
  return element;
};

CR.clip = function (text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
};

CR.drawGraph = function (container, data, sweep) {
  var layout = CR.layout(data), N = CR.NODE;
  var numbers = CR.edgeNumbers(data);
  var svg = CR.element("svg", { width: layout.nodes.width, height: layout.nodes.height,
    viewBox: "0 0 " + layout.nodes.width + " " + layout.nodes.height, role: "group",
    "aria-label": "computation graph, inputs on the left, output on the right" });
  if (layout.nodes.length > CR.DENSE_NODES) svg.classList.add("dense");
  var edgeViews = {}, nodeViews = {};
  layout.edges.forEach(function (edge) {
    var a = layout.byId[edge.from], b = layout.byId[edge.to];
    var x1 = a.x + N.width, y1 = a.y + N.height / 2, x2 = b.x, y2 = b.y + N.height / 2;
    var g = CR.element("g", { class: "edge", "data-from": edge.from, "data-to": edge.to,
      "data-input": edge.input }, svg);
    var middle = (x1 + x2) / 2;
    CR.element("path", { d: "M" + x1 + "," + y1 + " C" + middle + "," + y1 + " " + middle + "," +
      y2 + " " + x2 + "," + y2 }, g);
    var number = numbers[edge.to + ":" + edge.input];
    if (edge.formula !== null) {
      var full = "∂" + edge.to + "/∂" + edge.from + " = " + CR.localText({ formula: edge.formula,
        derivative: number === undefined ? null : number });
      var label = CR.element("text", { x: middle, y: (y1 + y2) / 2 - 4 + 14 * edge.input,
        "text-anchor": "middle" }, g);
      label.textContent = CR.clip(full, 22);
      CR.element("title", {}, g).textContent = full;
      edge.text = full;
    }
    edgeViews[edge.to + ":" + edge.input] = g;
  });
  layout.nodes.forEach(function (node) {
    // role img: a screen reader reads the node's description (aria-label), kept in full.
    var g = CR.element("g", { class: "node " + node.kind, "data-var": node.id, tabindex: "0",
      role: "img",
      transform: "translate(" + node.x + "," + node.y + ")" }, svg);
    CR.element("rect", { width: N.width, height: N.height, rx: 6 }, g);
    var lines = [node.label + (node.output ? "  (output)" : ""), "", ""].map(function (text, k) {
      var line = CR.element("text", { x: 8, y: 20 + 22 * k }, g);
      line.textContent = CR.clip(text, 24);
      return line;
    });
    lines[1].classList.add("value");
    lines[2].classList.add(sweep === "reverse" ? "adjoint" : "tangent");
    lines[2].classList.add("sweep");
    nodeViews[node.id] = { group: g, node: node, value: lines[1], sweep: lines[2] };
  });
  container.innerHTML = "";
  container.appendChild(svg);
  return { svg: svg, layout: layout, nodes: nodeViews, edges: edgeViews, sweep: sweep };
};

CR.paintGraph = function (view, state, step) {
  var mark = view.sweep === "reverse" ? CR.barred : CR.dotted;
  Object.keys(view.nodes).forEach(function (id) {
    var item = view.nodes[id], node = item.node, classes = item.group.classList;
    var value = node.kind === "constant" ? node.value : state.values[id];
    var known = value !== undefined, swept = state.sweep[id] !== undefined;
    item.value.textContent = known ? CR.clip("= " + CR.brief(value), 24) : "= ?";
    item.value.classList.toggle("pending", !known);
    var sweepText = "";
    if (node.kind !== "constant") {
      var count = (state.terms[id] || []).length;
      sweepText = mark(id) + " = " + (swept ? CR.brief(state.sweep[id]) : "?") +
        (count > 1 ? "  (" + count + " terms)" : "");
    }
    item.sweep.textContent = CR.clip(sweepText, 26);
    item.sweep.classList.toggle("pending", !swept);
    classes.toggle("computed", known);
    classes.toggle("finished", !!state.finished[id]);
    classes.toggle("active", !!step && step.var === id);
    item.group.setAttribute("aria-label", node.label + ", value " +
      (known ? CR.summary(value) : "not computed yet") +
      (sweepText ? ", " + mark(id) + " " + (swept ? CR.summary(state.sweep[id]) : "not reached yet") : ""));
  });
  Object.keys(view.edges).forEach(function (key) {
    view.edges[key].classList.remove("active");
  });
  var edge = step && CR.edgeKey(step);
  if (edge && view.edges[edge]) view.edges[edge].classList.add("active");
};

// The graph edge a step runs along: parent → child, keyed by the child and its input.
CR.edgeKey = function (step) {
  if (step.kind === "contribution") return step.from + ":" + step.input;
  if (step.kind === "term") return step.var + ":" + step.input;
  return null;
};

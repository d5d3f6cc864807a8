// The panels beside the graph, read from the record: the derivatives each mode found, the
// Jacobian (chain) with its factors and product, the cost of each mode (n versus m sweeps),
// and the rule-named steps where they could be derived.
"use strict";
var CR = window.ChainruleExplorer;

CR.html = function (tag, text, attributes) {
  var element = document.createElement(tag);
  if (text !== undefined && text !== null) element.textContent = text;
  Object.keys(attributes || {}).forEach(function (key) { element.setAttribute(key, attributes[key]); });
  return element;
};

CR.table = function (header, rows) {
  var table = CR.html("table");
  var head = table.appendChild(CR.html("thead")).appendChild(CR.html("tr"));
  header.forEach(function (cell) { head.appendChild(CR.html("th", cell, { scope: "col" })); });
  var body = table.appendChild(CR.html("tbody"));
  rows.forEach(function (row) {
    var line = body.appendChild(CR.html("tr"));
    row.forEach(function (cell) {
      line.appendChild(typeof cell === "string" ? CR.html("td", cell) : CR.cell(cell));
    });
  });
  return table;
};

CR.cell = function (content) {
  var cell = CR.html("td");
  cell.appendChild(content);
  return cell;
};

CR.derivativesTable = function (data) {
  var rows = data.derivatives.map(function (found) {
    var of = found.of.indexOf(" ") >= 0 ? "(" + found.of + ")" : found.of;
    var label = found.wrt === null ? CR.dotted(found.of) + " along the given direction"
      : found.name || "∂" + of + "/∂" + found.wrt;
    return [label, found.mode, CR.isArray(found.value) ? CR.summary(found.value) : CR.show(found.value)];
  });
  return CR.table(["derivative", "mode", "value"], rows);
};

// A small matrix as a grid of its entries; a larger one by its summary.
CR.matrix = function (value) {
  if (value === null) return CR.html("span", "(too large to show)");
  if (!CR.isArray(value) || value.entries === undefined || value.shape.length !== 2 ||
      value.shape[0] * value.shape[1] > 64) {
    return CR.html("span", CR.isArray(value) ? CR.summary(value) : CR.show(value));
  }
  var table = CR.html("table", null, { class: "matrix" });
  value.entries.forEach(function (row) {
    var line = table.appendChild(CR.html("tr"));
    row.forEach(function (entry) { line.appendChild(CR.html("td", CR.show(entry))); });
  });
  return table;
};

CR.jacobianView = function (chain) {
  var box = CR.html("div");
  var factors = chain.factors.slice();
  if (chain.product) factors.push(chain.product);
  box.appendChild(CR.table(["factor", "shape", "value"], factors.map(function (f) {
    return [f.name, CR.shapeText(f.shape), CR.matrix(f.value)];
  })));
  if (chain.factors.length > 1) {
    box.appendChild(CR.html("p", "The chain rule for Jacobians: the product of the factors. " +
      "Forward mode multiplies from the input side (" + chain.factors[0].name + " first), " +
      "reverse mode from the output side (" + chain.factors[chain.factors.length - 1].name +
      " first)."));
  }
  return box;
};

// n input entries, m output entries: forward mode needs n sweeps, reverse mode m.
CR.costText = function (data) {
  var cost = data.jacobian ? data.jacobian.cost : null;
  var n = cost ? cost.inputs : 0, m = cost ? cost.outputs : 0;
  if (!cost) {
    data.inputs.forEach(function (input) { if (input.var !== null) n += CR.size(input.value); });
    data.outputs.forEach(function (output) { m += CR.size(output.value); });
  }
  var entries = function (k) { return k === 1 ? "entry" : "entries"; };
  var verdict = n < m ? "forward mode is cheaper" : m < n ? "reverse mode is cheaper" : "the same";
  return "Cost: n = " + n + " input " + entries(n) + ", m = " + m + " output " + entries(m) +
    ": forward mode takes n = " + n + (n === 1 ? " sweep" : " sweeps") +
    " (one per input entry), reverse mode m = " + m + " (one per output entry): " + verdict + ".";
};

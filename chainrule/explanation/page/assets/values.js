// How the page writes numbers and arrays: as the explanation's tables do (six significant
// digits, "%g"), arrays by shape, a few entries and their summary. Nothing here computes a
// derivative; the numbers are the record's.
"use strict";
var CR = (window.ChainruleExplorer = window.ChainruleExplorer || {});

CR.DIGITS = 6;
CR.BAR = "\u0304";
CR.DOT = "\u0307";

// Python's format(value, ".6g"), so the page and the tables print the same text.
CR.g = function (value, digits) {
  var precision = digits || CR.DIGITS;
  if (value === 0) return "0";
  var exponential = value.toExponential(precision - 1);
  var exponent = parseInt(exponential.split("e")[1], 10);
  var text;
  if (exponent < -4 || exponent >= precision) {
    var mantissa = CR.trimZeros(exponential.split("e")[0]);
    var size = Math.abs(exponent);
    text = mantissa + "e" + (exponent < 0 ? "-" : "+") + (size < 10 ? "0" : "") + size;
  } else {
    text = CR.trimZeros(value.toFixed(Math.max(0, precision - 1 - exponent)));
  }
  return text === "-0" ? "0" : text;
};

CR.trimZeros = function (text) {
  return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
};

CR.isArray = function (value) {
  return value !== null && typeof value === "object";
};

CR.size = function (value) {
  return CR.isArray(value) ? value.shape.reduce(function (a, b) { return a * b; }, 1) : 1;
};

CR.shapeText = function (shape) {
  return shape.join("×");
};

// A number, "nan"/"inf" as the record writes them, or an array's entries when it has few.
CR.show = function (value) {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  if (typeof value === "number") return CR.g(value);
  var prefix = value.dtype === "float64" ? "" : value.dtype + " ";
  var size = CR.size(value);
  if (value.entries !== undefined && size > 0 && size <= 12) {
    return prefix + CR.nested(value.entries);
  }
  if (value.min === undefined) return prefix + "shape " + CR.shapeText(value.shape) + " (empty)";
  return prefix + "shape " + CR.shapeText(value.shape) + ": min " + CR.show(value.min) +
    ", max " + CR.show(value.max) + ", mean " + CR.show(value.mean);
};

CR.nested = function (entries) {
  if (Array.isArray(entries)) return "[" + entries.map(CR.nested).join(", ") + "]";
  return CR.show(entries);
};

// Short enough for a node of the graph: a number, or shape and the first entries.
CR.brief = function (value) {
  if (!CR.isArray(value)) return CR.show(value);
  var first = value.first.slice(0, 3).map(CR.show).join(", ");
  var more = CR.size(value) > 3 ? ", …" : "";
  return CR.shapeText(value.shape) + " [" + first + more + "]";
};

// Everything the record holds about a value, for the step line and a node's description.
CR.summary = function (value) {
  if (!CR.isArray(value)) return CR.show(value);
  var parts = ["shape " + CR.shapeText(value.shape) + " (" + value.dtype + ")"];
  parts.push("first " + value.first.map(CR.show).join(", ") +
             (CR.size(value) > value.first.length ? ", …" : ""));
  if (value.min !== undefined) {
    parts.push("min " + CR.show(value.min) + ", max " + CR.show(value.max) +
               ", mean " + CR.show(value.mean));
  }
  var norm = CR.norm(value);
  if (norm !== null) parts.push("‖·‖₂ " + CR.g(norm));
  return parts.join("; ");
};

// The array's 2-norm as the record gives it (older records: from the entries it lists, all of
// them for small arrays); a summary statistic for reading, never a derivative.
CR.norm = function (value) {
  if (typeof value.norm === "number") return value.norm;
  if (value.entries === undefined) return null;
  var squares = 0, finite = true;
  (function add(entries) {
    if (Array.isArray(entries)) { entries.forEach(add); return; }
    if (typeof entries !== "number") { finite = false; return; }
    squares += entries * entries;
  })(value.entries);
  return finite ? Math.sqrt(squares) : null;
};

// "(−1)" where a negative factor is multiplied, as the tables write it.
CR.factor = function (text) {
  return text.charAt(0) === "-" ? "(" + text + ")" : text;
};

CR.barred = function (name) {
  return (name.charAt(0) + CR.BAR + name.slice(1)).normalize("NFC");
};

CR.dotted = function (name) {
  return (name.charAt(0) + CR.DOT + name.slice(1)).normalize("NFC");
};

// The steps a viewer walks through: the forward pass (each primal value as the engine recorded
// it), then one sweep, event by event in the order the engine ran it: the reverse sweep's
// contributions v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ and completed adjoints, or the forward sweep's terms
// ∂vᵢ/∂vⱼ · v̇ⱼ and tangents. Every number is read from the record.
"use strict";
var CR = window.ChainruleExplorer;

CR.sweepsIn = function (data) {
  var found = [];
  if (data.forward && data.forward.length) found.push("forward");
  if (data.reverse) found.push("reverse");
  return found;
};

// row: 0 for the sweep seeded with ones, k for the k-th output entry's own sweep (reverse_rows).
CR.timeline = function (data, sweep, direction, row) {
  var steps = CR.primalSteps(data);
  if (sweep === "reverse") {
    return steps.concat(CR.reverseSteps(row ? data.reverse_rows[row - 1] : data.reverse));
  }
  return steps.concat(CR.forwardSteps(data.forward[direction || 0]));
};

CR.primalSteps = function (data) {
  var phase = "forward pass: each value as the engine computed it";
  return data.steps.map(function (step) {
    var definition = step.var + " = " + step.expression;
    return {
      phase: phase, kind: "primal", var: step.var, value: step.value,
      rule: definition + " = " + CR.show(step.value),
      detail: CR.isArray(step.value) ? CR.summary(step.value) : "",
    };
  });
};

CR.reverseSteps = function (trace) {
  var phase = "reverse sweep: v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, in the order the engine ran";
  var received = {};
  return trace.steps.map(function (event) {
    if (event.kind === "contribution") {
      received[event.to] = (received[event.to] || []).concat(
        [{ from: event.from, contribution: event.contribution }]);
      return {
        phase: phase, kind: "contribution", var: event.to, from: event.from,
        input: event.input, contribution: event.contribution, total: event.total,
        rule: CR.barred(event.to) + " += " + CR.barred(event.from) + " · ∂" + event.from +
          "/∂" + event.to + CR.product(event.adjoint_in, event.derivative, event.contribution),
        detail: CR.localLine(event.from, event.to, event) + CR.broadcastText(event, true),
        sum: CR.sumText(CR.barred(event.to), received[event.to], "from", event.total, false),
      };
    }
    return {
      phase: phase, kind: "adjoint", var: event.var, adjoint: event.adjoint,
      sources: event.sources, rule: CR.adjointText(event), detail: "",
      sum: event.sources.length > 1
        ? CR.sumText(CR.barred(event.var), event.sources, "from", event.adjoint, true) : "",
    };
  });
};

CR.forwardSteps = function (trace) {
  var seeds = trace.direction.map(function (seed) {
    return CR.dotted(seed.name) + " = " + CR.show(seed.tangent);
  }).join(", ");
  var phase = "forward sweep along " + seeds + ": v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ";
  var steps = trace.direction.map(function (seed) {
    return {
      phase: phase, kind: "seed", var: seed.var, tangent: seed.tangent,
      rule: CR.dotted(seed.var) + " = " + CR.dotted(seed.name) + " = " +
        CR.show(seed.tangent) + " (seed: the direction chosen)",
      detail: "", sum: "",
    };
  });
  trace.steps.forEach(function (step) {
    var single = step.terms.length === 1;
    step.terms.forEach(function (term, k) {
      steps.push({
        phase: phase, kind: "term", var: step.var, from: term.from, input: term.input,
        contribution: term.contribution, tangent: single ? step.tangent : undefined,
        rule: CR.dotted(step.var) + (k ? " += " : " = ") + "∂" + step.var + "/∂" + term.from +
          " · " + CR.dotted(term.from) +
          CR.product(term.derivative, term.tangent_in, term.contribution),
        detail: CR.localLine(step.var, term.from, term) + CR.broadcastText(term, false),
        sum: single ? "" : CR.sumText(CR.dotted(step.var), step.terms.slice(0, k + 1), "via",
                                      null, false),
      });
    });
    if (!single) {
      steps.push({
        phase: phase, kind: "tangent", var: step.var, tangent: step.tangent,
        rule: CR.dotted(step.var) + " = Σ over its inputs = " + CR.show(step.tangent),
        detail: "",
        sum: CR.sumText(CR.dotted(step.var), step.terms, "via", step.tangent, true),
      });
    }
  });
  return steps;
};

// "formula = number", or one of them where they read the same (as the tables write it).
CR.localText = function (term) {
  if (term.derivative === null || term.derivative === undefined) return term.formula;
  var shown = CR.show(term.derivative);
  return term.formula === shown || term.formula === "" ? shown : term.formula + " = " + shown;
};

// " = a · b = c" for scalars, in the order the term is written; for arrays the contribution
// the rule returned (a product of arrays is no one number).
CR.product = function (first, second, contribution) {
  var scalars = !CR.isArray(first) && !CR.isArray(second) && first !== null &&
    second !== null && first !== undefined && second !== undefined;
  if (!scalars) return ": contribution " + CR.summary(contribution);
  return " = " + CR.factor(CR.show(first)) + " · " + CR.factor(CR.show(second)) + " = " +
    CR.show(contribution);
};

// Where an input was stretched over axes of the step's value (a bias over rows), reverse mode
// sums the adjoint back over them and forward mode repeats the tangent along them.
CR.broadcastText = function (term, reverse) {
  if (!term.broadcast || !term.broadcast.length) return "";
  var axes = (term.broadcast.length > 1 ? "axes " : "axis ") + term.broadcast.join(", ");
  return reverse ? "; broadcast: the contribution is summed over " + axes
    : "; broadcast: the tangent repeats along " + axes;
};

CR.localLine = function (of, by, term) {
  return "local derivative ∂" + of + "/∂" + by + " = " + CR.localText(term);
};

// "v̄1 = 0.479426 (from v3) + 0.438791 (from v2) = 0.918217": a fan-out sum, term by term.
CR.sumText = function (name, terms, word, total, complete) {
  var parts = terms.map(function (term) {
    var source = term.from === "seed" ? "seed" : word + " " + term.from;
    return CR.factor(CR.show(term.contribution)) + " (" + source + ")";
  });
  var text = name + " = " + parts.join(" + ");
  if (total !== null && total !== undefined) {
    text += " = " + CR.show(total) + (complete ? "" : " so far");
  }
  return text;
};

CR.adjointText = function (event) {
  var name = CR.barred(event.var);
  var sources = event.sources;
  if (!sources.length) return name + " = " + CR.show(event.adjoint) + " (no path to an output)";
  if (sources.length === 1 && sources[0].from === "seed") {
    return name + " = " + CR.show(event.adjoint) + " (seed)";
  }
  if (sources.length === 1) {
    return name + " = " + CR.show(event.adjoint) + " (complete: one path, from " +
      sources[0].from + ")";
  }
  return name + " = " + CR.show(event.adjoint) + " (complete: the sum over " +
    sources.length + " paths)";
};

// What the graph shows after steps 0..k: values, each node's adjoint or tangent so far, the
// terms it has received, and which nodes are finished.
CR.stateAt = function (timeline, k) {
  var state = { values: {}, sweep: {}, terms: {}, finished: {} };
  for (var i = 0; i <= k && i < timeline.length; i++) CR.apply(state, timeline[i]);
  return state;
};

CR.apply = function (state, step) {
  var name = step.var;
  if (step.kind === "primal") {
    state.values[name] = step.value;
  } else if (step.kind === "contribution" || step.kind === "term") {
    state.terms[name] = (state.terms[name] || []).concat([step]);
    if (step.total !== undefined) state.sweep[name] = step.total;
    if (step.tangent !== undefined) {
      state.sweep[name] = step.tangent;
      state.finished[name] = true;
    }
  } else if (step.kind === "adjoint") {
    state.sweep[name] = step.adjoint;
    state.finished[name] = true;
  } else {
    state.sweep[name] = step.tangent;
    state.finished[name] = true;
  }
};

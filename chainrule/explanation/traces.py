"""``explain``: one function recorded once, read as a primal, a forward and a reverse trace.

The :class:`Explanation` it returns holds plain data (see docs/explain.md for its JSON schema)
and renders it as terminal text, Markdown, HTML and JSON.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json

import numpy as np

from chainrule.explanation import bad_points
from chainrule.explanation.bad_points import point_notes
from chainrule.explanation.derivation import vocabulary
from chainrule.explanation.page import build as page_build
from chainrule.explanation.text import render
from chainrule.explanation.text import tables
from chainrule.explanation.sweeps.adjoints import reverse_trace, row_traces
from chainrule.explanation.sweeps.chain import cost, factor, jacobian_chain, layer_name
from chainrule.explanation.formulas.expression import Expression, parse
from chainrule.explanation.record import Recording, primal_steps
from chainrule.explanation.sweeps.tangents import directions, forward_trace
from chainrule.explanation.text.names import barred
from chainrule.explanation.text.values import describe, raw, size_of
from chainrule.files import write_atomically

MODES = ("reverse", "forward", "both")
SCHEMA = "chainrule.explanation"
SCHEMA_VERSION = 1


class Explanation:
    """How the engine differentiated a function at a point, step by step.

    ``str()`` / :meth:`text` give an aligned terminal table, :meth:`markdown` and :meth:`html`
    the same tables for documents, :meth:`to_html` the interactive page (which Jupyter shows,
    ``_repr_html_``), :meth:`to_dict` /
    :meth:`to_json` the data itself, in the versioned schema of docs/explain.md.
    """

    def __init__(self, data, derivation=None, notes=()):
        self._data = data
        self._derivation = derivation
        # Steps undefined or at a kink at the point (chainrule.explanation.bad_points).
        self.notes = list(notes)

    def to_dict(self):
        """The explanation as plain data (a deep copy): numbers, strings, lists and dicts."""
        return copy.deepcopy(self._data)

    def to_json(self, indent=2):
        """The explanation as JSON text (schema ``chainrule.explanation``, version 1)."""
        return json.dumps(self._data, indent=indent, ensure_ascii=False, allow_nan=False)

    def text(self, digits=6):
        """Aligned tables for a terminal, numbers to ``digits`` significant digits."""
        return render.text(tables.sections(self._data, digits))

    def markdown(self, digits=6):
        """The tables in Markdown."""
        return render.markdown(tables.sections(self._data, digits))

    def html(self, digits=6):
        """The tables in HTML (the interactive page, :meth:`to_html`, carries them too)."""
        return render.html(tables.sections(self._data, digits))

    def to_html(self, path=None, steps=True):
        """The interactive page: the graph, stepped through the forward pass and then each
        sweep the engine ran, as one self-contained HTML file (docs/explore.md).

        The page holds this record as JSON and its own script and styles: it opens from disk
        with no server and no network, and computes nothing of its own.

        Args:
            path: where to write the page (replaced whole or not at all); None only returns it.
            steps: whether to add the rule-named steps (:meth:`steps`) where they can be
                derived (a function of numbers, with SymPy).

        Returns:
            The page's HTML text.

        Example:
            >>> import chainrule as cr
            >>> page = cr.explain("x*sin(x)", 1.0).to_html()
            >>> page.startswith("<!DOCTYPE html>") and "chainrule-state" in page
            True
        """
        text = page_build.page(page_build.payload(self, with_steps=steps))
        if path is not None:
            write_atomically(path, text.encode("utf-8"))
        return text

    def _repr_html_(self):
        # Jupyter shows the interactive page, framed so that its script and styles stay its own.
        return page_build.notebook_html(self.to_html())

    def steps(self):
        """The derivative derived as a textbook does, one named rule a line: outer and inner
        functions, the rule (sum, constant multiple, power, product, quotient, chain,
        exponential, log, the multivariable chain rule as a sum over paths), substitute back,
        simplify. Each local derivative is the op's own rule; needs SymPy.

        Returns:
            A :class:`chainrule.explanation.derivation.steps.Derivation` (``print`` it).

        Raises:
            ValueError: for a function of arrays, or an explanation not made by ``explain``.

        Example:
            >>> import chainrule as cr
            >>> print(cr.explain("exp(2*x)", 0.5).steps())
            f(x) = exp(2*x)
            chain rule: outer exp(u), inner u = 2*x: df/dx = df/du · du/dx
              exponential rule: df/du = exp(u)
              constant multiple rule: du/dx = d/dx (2*x) = 2
              multiply: df/dx = exp(u) · 2
              substitute u = 2*x: df/dx = 2*exp(2*x)
            df/dx = 2*exp(2*x)
        """
        if self._derivation is None:
            raise ValueError("steps() needs the recording: make the explanation with explain()")
        return self._derivation()

    def __str__(self):
        return self.text()

    def __repr__(self):
        steps = len(self._data["steps"])
        return f"<Explanation of {self._data['function']} ({steps} values, {self._data['mode']})>"


def explain(f, *args, mode="reverse", wrt=None, direction=None, cotangent=None):
    """Record ``f(*args)`` once and show the chain rule at work on it, step by step.

    The explanation holds the primal trace (Wengert list) vᵢ = op(vⱼ, …) with values and local
    derivative formulas; for forward mode the tangent trace v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ (one per
    differentiated input, or along ``direction``); for reverse mode the adjoint trace
    v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ in the order the engine ran it — one sweep from v̄ = 1 for a single
    number, one sweep per output entry (a row of the Jacobian each) for up to 4 entries, else
    one sweep from v̄ = ``cotangent`` (ones by default: the gradient of the entries' sum); the
    final derivatives; and for several inputs or outputs the Jacobian chain and the cost of
    each mode. Every number comes from the engine's own rules and sweeps, and every
    formula is written by those rules (run on formula terms).

    Args:
        f: a function of tensors; an :class:`Expression` or formula text (``"sin(cos(x))"``);
            or a list of them, the layers of a composition in the order they run
            (``[g, f]`` is f(g(x)); a layer returning a tuple passes it on as arguments).
        *args: the point: one number or array per input of ``f``.
        mode: ``"reverse"``, ``"forward"`` or ``"both"``.
        wrt: the inputs to differentiate (a position or name, or a list of them); all if None.
        direction: for forward mode, one tangent per differentiated input (their shapes);
            without it there is one forward trace per input, along 1 (ones for an array).
        cotangent: for reverse mode, v̄ for the output (a list: one per output), of its
            shape: the one sweep then finds v̄ᵀJ, the gradient of Σ v̄·f.

    Returns:
        An :class:`Explanation`; its ``notes`` name each step that is undefined at the point
        (``log`` of a negative number, a division by 0) or at a kink (``abs`` at 0: the
        convention the engine takes there), and a :class:`PointWarning` says the same.

    Raises:
        ValueError: for an unknown mode, input name or direction shape, a missing point, or
            an output that does not depend on the differentiated inputs (an
            ``UntracedError`` where ``f`` returned a plain number, as ``math.sin`` does).

    Example:
        >>> import chainrule as cr
        >>> e = cr.explain(lambda x: cr.sin(cr.cos(x)), 0.5)
        >>> [step["expression"] for step in e.to_dict()["steps"]]
        ['x', 'cos(v1)', 'sin(v2)']
        >>> print(f"{e.to_dict()['derivatives'][0]['value']:.6f}")
        -0.306359
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'reverse', 'forward' or 'both', got {mode!r}")
    if direction is not None and mode == "reverse":
        raise ValueError("direction= is for forward mode: pass mode='forward' or 'both'")
    if cotangent is not None and mode == "forward":
        raise ValueError("cotangent= is for reverse mode: pass mode='reverse' or 'both'")
    if not args:
        raise ValueError("explain needs the point: one value per input of f, e.g. explain(f, 0.5)")
    layers = as_layers(f)
    names = input_names(layers[0], len(args))
    recording = Recording(compose(layers), args, names, wrt_positions(wrt, names))
    refuse_complex_steps(recording)
    given = None if direction is None else checked_direction(direction, recording)
    cotangents = None if cotangent is None else checked_cotangent(cotangent, recording)
    derivation = functools.partial(_derivation, layers, args, recording)
    named = {leaf: recording.input_names[i] for leaf, i in zip(recording.leaves, recording.wrt)}
    notes = point_notes(recording.outputs, named, set(recording.leaves))
    bad_points.warn(notes)
    data = read(recording, layers, args, mode, given, cotangents)
    return Explanation(data, derivation, notes)


def _derivation(layers, args, recording):
    # The rule-named steps (explain(...).steps()), read from the same record.
    from chainrule.explanation.derivation import reading

    if len(layers) == 2:
        return reading.composition_steps(
            layers, args, recording.input_names, recording.wrt, input_names
        )
    return reading.recording_steps(recording, _own_name(layers))


def refuse_complex_steps(recording):
    """A TypeError for a complex input or step: formulas and values are written in real
    numbers."""
    if any(np.iscomplexobj(x._data) for x in recording.inputs):
        raise TypeError("explain shows real computations only, and an input is complex; "
                        "explain a real function of its real and imaginary parts, or see "
                        "docs/complex.md")
    for node in recording.nodes:
        value = node.out if isinstance(node.out, tuple) else (node.out,)
        if any(np.iscomplexobj(v) for v in value):
            raise TypeError(
                "explain shows real computations only: a step of this one is complex "
                f"({recording.names.get(node, node.prim.name if node.prim else 'an input')}); "
                "explain a real function of the real and imaginary parts, or see "
                "docs/complex.md"
            )


def read(recording, layers, args, mode, given, cotangents=None):
    """The explanation's data (the JSON schema's fields), read from one recording."""
    data = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "function": title(layers, recording.input_names),
        "mode": mode,
        "inputs": [
            {"name": name, "var": recording.names.get(x.node), "value": describe(x)}
            for name, x in zip(recording.input_names, recording.inputs)
        ],
        "steps": primal_steps(recording),
    }
    # The steps name the array constants as they meet them, so these come after the steps.
    data["constants"] = [
        {"name": name, "value": describe(value)} for name, value in recording.arrays
    ]
    data["outputs"] = [
        {"var": recording.names.get(node), "value": describe(out)}
        for node, out in zip(recording.output_nodes, recording.outputs)
    ]
    data["forward"] = []
    if mode != "reverse":
        data["forward"] = [forward_trace(recording, d) for d in directions(recording, given)]
    data["reverse"] = reverse_trace(recording, cotangents) if mode != "forward" else None
    if mode != "forward" and cotangents is None:
        rows = row_traces(recording)  # a small vector output: one sweep per Jacobian row
        if rows is not None:
            data["reverse_rows"] = rows
    if cotangents is not None:
        data["reverse"]["cotangent"] = True
    data["derivatives"] = derivatives(data, recording, given is not None, _own_name(layers))
    data["jacobian"] = jacobian(layers, args, recording)
    return data


def as_layers(f):
    """``f`` as a list of callables: formula text is parsed, a single function is one layer."""
    layers = [
        parse(layer) if isinstance(layer, str) else layer
        for layer in (f if isinstance(f, (list, tuple)) else [f])
    ]
    if not layers or not all(callable(layer) for layer in layers):
        raise TypeError(
            "f must be a function, an Expression, formula text, or a non-empty list "
            "of them (the layers of a composition)"
        )
    return layers


def compose(layers):
    if len(layers) == 1:
        return layers[0]

    def composition(*inputs):
        values = inputs
        for layer in layers:
            out = layer(*values)
            values = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        return out

    return composition


def input_names(f, count):
    """The inputs' names: an expression's variables, else the function's parameter names."""
    if isinstance(f, Expression):
        return list(f.variables)
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    named = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(named) >= count:
        return named[:count]
    return ["x"] if count == 1 else [f"x{i}" for i in range(1, count + 1)]


def wrt_positions(wrt, names):
    """``wrt`` (None, a position, a name, or a list of them) as sorted input positions."""
    if wrt is None:
        return list(range(len(names)))
    found = []
    for item in wrt if isinstance(wrt, (list, tuple)) else [wrt]:
        if isinstance(item, str) and item in names:
            item = names.index(item)
        if not isinstance(item, int) or isinstance(item, bool) or not 0 <= item < len(names):
            raise ValueError(
                f"wrt={item!r} names no input of f; its inputs are "
                f"{', '.join(names)} (positions 0 to {len(names) - 1})"
            )
        if item in found:
            raise ValueError(f"wrt names the input {names[item]} twice")
        found.append(item)
    return sorted(found)


def checked_direction(direction, recording):
    """One tangent per differentiated input, each of that input's shape."""
    tangents = list(direction) if isinstance(direction, (list, tuple)) else [direction]
    if len(tangents) != len(recording.wrt):
        raise ValueError(
            f"direction needs one tangent per differentiated input "
            f"({len(recording.wrt)}), got {len(tangents)}"
        )
    checked = []
    for tangent, i in zip(tangents, recording.wrt):
        x = raw(recording.inputs[i])
        array = np.asarray(raw(tangent), dtype=x.dtype)
        if array.shape != x.shape:
            raise ValueError(
                f"the direction for {recording.input_names[i]} has shape "
                f"{array.shape}, but that input has shape {x.shape}"
            )
        checked.append(array)
    return checked


def checked_cotangent(cotangent, recording):
    """One cotangent per output that depends on the inputs, each of that output's shape."""
    outputs = [out for _, out in recording.connected_outputs()]
    given = list(cotangent) if isinstance(cotangent, (list, tuple)) and len(outputs) > 1 else [
        cotangent
    ]
    if len(given) != len(outputs):
        raise ValueError(
            f"cotangent needs one array per output ({len(outputs)}), got {len(given)}"
        )
    checked = []
    for value, out in zip(given, outputs):
        array = np.asarray(raw(value), dtype=out.dtype)
        if array.shape != out.shape:
            raise ValueError(
                f"the cotangent has shape {array.shape}, but the output has shape {out.shape}: "
                "v̄ has one entry per output entry"
            )
        checked.append(array)
    return checked


def title(layers, names):
    if len(layers) == 1 and isinstance(layers[0], Expression):
        return layers[0].text
    text = ", ".join(names)
    for k, layer in enumerate(layers):
        text = f"{layer_name(layer, k) if len(layers) > 1 else _name(layer)}({text})"
    return text


def _own_name(layers):
    # The function's name in its derivative: its Python name, the outer layer's, else f.
    layer = layers[-1]
    if isinstance(layer, Expression):
        return "f"
    return layer_name(layer, len(layers) - 1) if len(layers) > 1 else _name(layer)


def _name(f):
    name = getattr(f, "__name__", None)
    return name if name and name.isidentifier() else "f"


def derivatives(data, recording, along_given, function_name="f"):
    """The final derivatives each mode found, labelled with what they are."""
    # Reverse mode seeds every output entry with 1 by default: with more than one entry, its
    # result is the gradient of their sum; from a given v̄, that of Σ v̄·f; one sweep per row
    # finds the gradient of one entry.
    connected = [(recording.names[node], out) for node, out in recording.connected_outputs()]
    if data["reverse"] is not None and data["reverse"].get("cotangent"):
        of = " + ".join(f"{barred(var)} · {var}" for var, _ in connected)
    else:
        of = " + ".join(var if size_of(out) == 1 else f"Σ {var}" for var, out in connected)
    sweeps = [(of, data["reverse"])] if data["reverse"] is not None else []
    if "reverse_rows" in data:
        sweeps = [(trace["row"]["label"], trace) for trace in data["reverse_rows"]]
    found = []
    for of, trace in sweeps:
        for gradient in trace["gradients"]:
            found.append(
                {
                    "mode": "reverse",
                    "of": of,
                    "wrt": gradient["name"],
                    "value": gradient["gradient"],
                }
            )
    for k, trace in enumerate(data["forward"]):
        # Without a given direction, trace k runs along input k alone: a partial derivative.
        along = None if along_given else recording.input_names[recording.wrt[k]]
        for output in trace["outputs"]:
            found.append(
                {"mode": "forward", "of": output["var"], "wrt": along, "value": output["tangent"]}
            )
    for derivative in found:
        if derivative["wrt"] is not None:  # along a given direction it is no one partial
            derivative["name"] = derivative_label(derivative, data, function_name)
    return found


def derivative_label(derivative, data, function_name):
    """A derivative as the user names it: ∂f/∂x (df/dx of one input) for the one number a
    function returns, else by the step names (∂(Σ v5)/∂x)."""
    outputs = [out for out in data["outputs"] if out["var"] is not None]
    one_number = len(outputs) == 1 and not isinstance(outputs[0]["value"], dict)
    if one_number and derivative["of"] == outputs[0]["var"]:
        single = len(data["inputs"]) == 1
        return vocabulary.derivative_name(function_name, derivative["wrt"], single)
    of = derivative["of"]
    if len(outputs) == 1 and of.startswith(outputs[0]["var"] + "["):  # one entry: ∂f[1]/∂x
        of = function_name + of[len(outputs[0]["var"]):]
    of = f"({of})" if " " in of else of
    return f"∂{of}/∂{derivative['wrt']}"


def jacobian(layers, args, recording):
    """The Jacobian chain, for a composition or for several inputs or outputs; else None."""
    n = sum(size_of(recording.inputs[i]) for i in recording.wrt)
    m = sum(size_of(out) for out in recording.outputs)
    if len(layers) > 1:
        return jacobian_chain(layers, args, recording.input_names, recording.wrt, input_names)
    if n == 1 and m == 1:
        return None
    argument = ", ".join(recording.input_names[i] for i in recording.wrt)
    described, _ = factor(_name(layers[0]), recording, argument)
    return {"factors": [described], "product": None, "cost": cost(n, m)}


__all__ = ["explain", "Explanation", "SCHEMA", "SCHEMA_VERSION"]

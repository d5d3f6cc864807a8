"""Rule-named steps from the engine's record: a formula recorded at its sample points (for
``chainrule diff --steps``), a function recorded at one point (``explain(...).steps()``), and a
composition of two layers, derived by the multivariable chain rule as a sum over paths.
"""

from __future__ import annotations

import numpy as np

from chainrule.explanation.derivation import vocabulary
from chainrule.explanation.derivation.steps import Derivation, Deriver, _times, in_sympy, text
from chainrule.explanation.formulas import derivatives, simplification, symbolic, terms, writing
from chainrule.explanation.formulas.sweep import read_terms
from chainrule.explanation.formulas.terms import Term, in_order, is_term
from chainrule.explanation.record import Recording
from chainrule.ops.elementwise import arithmetic
from chainrule.ops.elementwise.exponential import exp, sigmoid


def formula_steps(expression, wrt=None):
    """The rule-named steps of a formula's first derivatives, by each variable of ``wrt``.

    Args:
        expression: formula text such as ``"(x**2 + 1)**3"`` or an ``Expression``.
        wrt: the variables to differentiate by (all of them if None).

    Returns:
        A :class:`Derivation`.

    Raises:
        ExpressionError: for a formula that cannot be read or derived in steps.
        ModuleNotFoundError: without SymPy (``pip install chainrule[formulas]``).

    Example:
        >>> from chainrule.explanation.derivation.reading import formula_steps
        >>> print(formula_steps("x*sin(x)"))
        f(x) = x*sin(x)
        product rule: df/dx = d/dx (x*u) = u + x·du/dx, where u = sin(x)
          derivative of sin: du/dx = d/dx sin(x) = cos(x)
          so df/dx = u + x·cos(x)
          substitute u = sin(x): df/dx = x*cos(x) + sin(x)
        df/dx = x*cos(x) + sin(x)
    """
    symbolic.require_sympy()
    expression = derivatives.as_expression(expression)
    names = list(expression.variables if wrt is None else wrt)
    single = len(expression.variables) <= 1
    heading = f"f({', '.join(expression.variables)}) = {expression.text}"
    lines, found = [(0, heading)], {}
    recording = derivatives.record(expression, names[0] if names else "x", every=True)
    with terms.for_all_points():
        function = read_terms(recording)
        for name in names:
            steps, found[name], _ = derived(function, "f", name, single, expression.variables)
            lines.extend(steps if len(lines) == 1 else [(0, ""), *steps])
    return Derivation(lines, found)


def recording_steps(recording, name):
    """The rule-named steps of a function recorded at one point (an ``explain`` recording),
    by each differentiated input; ``name`` is the function's name (``f``, ``J``)."""
    symbolic.require_sympy()
    function = _scalar_terms(recording)
    inputs = ", ".join(recording.input_names)
    lines = [(0, f"{name}({inputs}) = {_written(function)}")]
    found = {}
    single = len(recording.input_names) == 1
    for i in recording.wrt:
        wrt = recording.input_names[i]
        steps, found[wrt], _ = derived(function, name, wrt, single, recording.input_names)
        lines.extend(steps if len(lines) == 1 else [(0, ""), *steps])
    return Derivation(lines, found)


def derived(function, name, wrt, single, taken, conclude=True):
    """The steps of d(name)/d(wrt) for ``function`` (a term), ending with the derivative
    (unless ``conclude`` is False and the last step already says it); its text; and the
    derivative itself (SymPy)."""
    function, recognised = with_sigmoids(function)
    sympy = symbolic.require_sympy()
    short, named = {}, []
    for written, made in [*recognised, *_sigmoids_in(function)]:
        if in_sympy(made) in short:
            continue
        symbol = sympy.Symbol(_free_name("s", len(short) + 1, taken), real=True)
        named.append((written, f"{symbol} = {text(in_sympy(made).xreplace(short))}"))
        short[in_sympy(made)] = symbol
    deriver = Deriver(wrt, "d" if single else "∂", [*taken, *map(str, short.values())], short)
    for written, definition in named:
        if written is None:
            deriver.say(0, f"write {definition}")
        else:
            deriver.say(
                0, f"{written} is the sigmoid {definition}: sigmoid's own rule differentiates it"
            )
    named = [definition for _, definition in named]
    result = deriver.derive(function, name, 0)
    final = text(result)
    label = deriver.label(name)
    lines = list(deriver.lines)
    last = lines[-1][1]
    if named:
        lines.append((0, f"{label} = {deriver.show(result)}, where {', '.join(named)}"))
        lines.append((0, f"in full: {label} = {final}"))
    elif last != f"{label} = {final}" and (
        conclude or not (last.endswith(f" = {final}") and label in last)
    ):
        lines.append((0, f"{label} = {final}"))
    inner = _sigmoid_inner(function) if is_term(function) else None
    if inner is not None and inner.prim is None and inner.name == wrt:
        # The sigmoid written out, derived through its exponentials: its own rule says the same.
        own = deriver.partial(Term(sigmoid, (inner,), {}, function.value), 0)
        lines.append((0, f"that is, in terms of the sigmoid itself: {label} = {text(own)}"))
    return lines, final, result


def _sigmoids_in(function):
    # The sigmoids a function applies below its root, inner ones first, as (None, term).
    if not is_term(function):
        return []
    return [(None, part) for part in in_order(function)[:-1] if part.prim is sigmoid]


def _free_name(stem, k, taken):
    name = f"{stem}{k}"
    return name if name not in taken else _free_name(stem + "_", k, taken)


def composition_steps(layers, args, names, wrt, layer_names):
    """f(g(t)) of two layers by the multivariable chain rule: the partials of the outer layer
    by its inputs, the derivatives of the inner layer's outputs, summed over the paths."""
    sympy = symbolic.require_sympy()
    inner_layer, outer_layer = layers
    pieces = _pieces(inner_layer, args, names, wrt)
    values = [piece.value for piece in pieces]
    outer_names = layer_names(outer_layer, len(values))
    outer_recording = Recording(
        outer_layer, values, outer_names, list(range(len(values))), explained=False
    )
    outer = _scalar_terms(outer_recording)
    g, f = _layer_name(inner_layer, "g"), _layer_name(outer_layer, "f")
    inner_text = ", ".join(_written(piece) for piece in pieces)
    inner_text = f"({inner_text})" if len(pieces) > 1 else inner_text
    lines = [
        (
            0,
            f"{f}({g}({', '.join(names)})), with {g}({', '.join(names)}) = {inner_text} and "
            f"{f}({', '.join(outer_names)}) = {_written(outer)}",
        )
    ]
    found = {}
    for i in wrt:
        t = names[i]
        paths = " + ".join(f"∂{f}/∂{x}·d{x}/d{t}" for x in outer_names)
        lines.append(
            (
                0,
                f"{vocabulary.MULTIVARIABLE_CHAIN}, a sum over the paths through "
                f"{', '.join(outer_names)}: d{f}/d{t} = {paths}",
            )
        )
        total, plugged = 0, []
        for x, piece in zip(outer_names, pieces):
            partial_steps, _, partial = derived(outer, f, x, False, outer_names, conclude=False)
            lines.extend((depth + 1, line) for depth, line in partial_steps)
            inner_steps, _, inner_formula = derived(
                piece, x, t, True, [*names, *outer_names], conclude=False
            )
            lines.extend((depth + 1, line) for depth, line in inner_steps)
            partial_formula = partial
            total += partial_formula * inner_formula
            plugged.append(_times(partial_formula, inner_formula))
        lines.append((1, f"so d{f}/d{t} = {' + '.join(plugged)}"))
        swap = {
            sympy.Symbol(x, real=True): in_sympy(piece) for x, piece in zip(outer_names, pieces)
        }
        substituted = total.xreplace(swap)
        where = ", ".join(f"{x} = {_written(piece)}" for x, piece in zip(outer_names, pieces))
        lines.append((1, f"substitute {where}: d{f}/d{t} = {text(substituted)}"))
        # A sum over paths of polynomials is written out, as a textbook adds up its terms.
        polynomial = substituted.is_polynomial()
        simpler = sympy.expand(substituted) if polynomial else simplification.simplify(substituted)
        if text(simpler) != text(substituted):
            lines.append((1, f"simplify: d{f}/d{t} = {text(simpler)}"))
        found[t] = text(simpler)
        lines.append((0, f"d{f}/d{t} = {found[t]}"))
    return Derivation(lines, found)


def _pieces(layer, args, names, wrt):
    # Each output of the inner layer as a term of its inputs, read from its own record.
    count = len(_outputs(layer(*args)))
    pieces = []
    for k in range(count):
        recording = Recording(
            lambda *xs, k=k: _outputs(layer(*xs))[k], args, names, wrt, explained=False
        )
        pieces.append(_scalar_terms(recording))
    return pieces


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _layer_name(layer, default):
    name = getattr(layer, "__name__", None)
    return name if name and name.isidentifier() and name != "<lambda>" else default


def _scalar_terms(recording):
    # The recording's output as a term of single numbers (rule-named steps are for those).
    function = read_terms(recording)
    parts = in_order(function) if is_term(function) else []
    if np.size(terms.value_of(function)) != 1 or any(np.size(p.value) != 1 for p in parts):
        raise ValueError(
            "rule-named steps are for functions of single numbers; for arrays, read the "
            "explanation's traces"
        )
    return function


def _written(term):
    return writing.text(term)


# --- the sigmoid written out, 1/(1 + exp(-u)), recognised inside a larger function, so that
# its derivative reads σ(u)(1 − σ(u)) as in the seeds' networks.


def with_sigmoids(root):
    """``root`` with each 1/(1 + exp(-u)) below it made sigmoid(u); and what was recognised,
    as (its text, the sigmoid's term) pairs, inner ones first. The root itself stays: its own
    steps are the lesson."""
    if not is_term(root):
        return root, []
    made, recognised = {}, []
    for term in in_order(root):
        args = [made.get(id(arg), arg) if is_term(arg) else arg for arg in term.args]
        inner = _sigmoid_inner(term) if term is not root else None
        if inner is not None:
            inner = made.get(id(inner), inner)
            made[id(term)] = Term(sigmoid, (inner,), {}, term.value)
            recognised.append((_written(term), made[id(term)]))
        elif any(new is not old for new, old in zip(args, term.args)):
            made[id(term)] = Term(term.prim, args, term.params, term.value)
        else:
            made[id(term)] = term
    unique = {written: made for written, made in recognised}
    return made[id(root)], list(unique.items())


def _sigmoid_inner(term):
    # u where term is 1/(1 + exp(-u)), else None.
    if term.prim is not arithmetic.divide or not _one(term.args[0]):
        return None
    denominator = term.args[1]
    if not is_term(denominator) or denominator.prim is not arithmetic.add:
        return None
    one, power = denominator.args
    if not _one(one):
        one, power = power, one
    if not _one(one) or not is_term(power) or power.prim is not exp:
        return None
    return _negated(power.args[0])


def _negated(term):
    # u where term is -u or (-1)*u, else None.
    if not is_term(term):
        return None
    if term.prim is arithmetic.negative:
        return term.args[0]
    if term.prim is arithmetic.multiply:
        left, right = term.args
        if _minus_one(left):
            return right
        if _minus_one(right):
            return left
    return None


def _one(x):
    return _number(x) == 1


def _minus_one(x):
    return _number(x) == -1


def _number(x):
    value = terms.value_of(x)
    if is_term(x) and (x.prim is not None or x.name is not None):
        return None
    array = np.asarray(value)
    if array.size == 0 or array.dtype.kind not in "iuf" or not np.all(array == array.flat[0]):
        return None
    return float(array.flat[0])


__all__ = ["formula_steps", "recording_steps", "composition_steps", "derived", "with_sigmoids"]

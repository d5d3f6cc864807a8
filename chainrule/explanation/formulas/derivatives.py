"""Derivatives as formulas: the engine's record of the formula, read in formula terms, and a
reverse sweep over those terms in which each step's own VJP rule writes its part of the chain
rule. Order n is n sweeps, each over the terms the one before wrote. SymPy then tidies up.

The formula is recorded at all its sample points at once (those where it is finite), so that
comparisons inside rules are read for every x: one that comes out the same at every sample
(a guard for overflow far away) is settled, one that does not (relu's x > 0) stays as a case.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.explanation.formulas import sampling, simplification, symbolic, terms
from chainrule.explanation.formulas.expression import Expression, ExpressionError, evaluate
from chainrule.explanation.formulas.expression import parse as parse_expression
from chainrule.explanation.formulas.sweep import read_terms, sweep
from chainrule.explanation.record import Recording

MAX_ORDER = 10


def derivative_formula(expression, wrt="x", order=1):
    """The ``order``-th derivative of a scalar formula, as simplified text.

    Obtained by running the engine's own rules on symbols (see the module documentation).

    Args:
        expression: formula text such as ``"sin(cos(x))"``, an ``Expression``, or a Python
            function of one variable written with chainrule ops.
        wrt: the variable to differentiate by.
        order: 1 to 10.

    Raises:
        ExpressionError: for a formula that cannot be read, or a bad ``wrt`` or ``order``.
        ModuleNotFoundError: without SymPy (``pip install chainrule[formulas]``).

    Example:
        >>> from chainrule.explanation.formulas.derivatives import derivative_formula
        >>> derivative_formula("sin(cos(x))")
        '-sin(x)*cos(cos(x))'
        >>> derivative_formula("x**3", order=2)
        '6*x'
    """
    return simplification.text_of(symbolic_derivative(expression, wrt, order))


def symbolic_derivative(expression, wrt="x", order=1):
    """The ``order``-th derivative as a SymPy expression (see :func:`derivative_formula`)."""
    symbolic.require_sympy()
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_ORDER:
        raise ExpressionError(f"the order must be an integer from 1 to {MAX_ORDER}, got {order!r}")
    recording = record(expression, wrt)
    with terms.for_all_points():
        function = read_terms(recording)
        derivative = function
        for _ in range(order):
            derivative = sweep(derivative, _variable(function, wrt))
        return simplification.simplify(_in_sympy(derivative), like=_like(function))


def symbolic_value(expression, wrt="x"):
    """The formula itself as a SymPy expression, read from the same record (exact numbers)."""
    symbolic.require_sympy()
    with terms.for_all_points():
        return _in_sympy(read_terms(record(expression, wrt)))


def _variable(function, wrt):
    # The variable's term where the formula holds it; a formula without it has derivative 0.
    for term in terms.leaves(function):
        if term.name == wrt:
            return term
    return terms.variable(wrt, np.float64(0.0))


def _like(function):
    # The function itself, for the simplification to prefer its functions; if SymPy can write it.
    try:
        return symbolic.to_sympy(function)
    except (TypeError, ValueError):
        return None


def _in_sympy(term):
    try:
        return symbolic.to_sympy(term)
    except (TypeError, ValueError) as error:  # NoSymbolicForm is a TypeError
        raise ExpressionError(f"SymPy cannot write this formula: {error}") from None


def record(expression, wrt="x", every=False):
    """Record ``expression`` on tensors at its sample points (a :class:`Recording`).

    Every number written in the formula is a leaf too, so that ``sin(2)`` or ``pi`` is not
    folded into a float: ``literals`` keeps how each was written. With ``every``, all the
    variables are differentiated inputs (so every step on any of them is recorded).
    """
    if callable(expression) and not isinstance(expression, Expression):
        points = sampling.inside_points_of(expression)
        return _recorded(expression, [points], [wrt], [0], {})
    expression = as_expression(expression)
    variables = variables_with(expression, wrt)
    points = sampling.inside_points(expression, variables)
    literals = {}

    def number(node):
        leaf = cr.tensor(float(evaluate(node, {})), requires_grad=True)
        literals[leaf.node] = repr(node.value) if hasattr(node, "value") else node.id
        return leaf

    def function(*values):
        return evaluate(expression.tree, dict(zip(variables, values)), number)

    args = [points[name] for name in variables]
    positions = range(len(variables)) if every else [variables.index(wrt)]
    return _recorded(function, args, variables, positions, literals)


def _recorded(function, args, names, positions, literals):
    with np.errstate(all="ignore"):
        recording = Recording(function, args, names, list(positions), literals, explained=False)
    out = recording.outputs[0]
    if len(recording.outputs) != 1 or np.ndim(getattr(out, "_data", out)) > 1:
        raise ExpressionError("formulas are for functions with one scalar output")
    return recording


def as_expression(expression):
    """``expression`` parsed if it is text."""
    return expression if isinstance(expression, Expression) else parse_expression(expression)


def variables_with(expression, wrt):
    """The formula's variables, with ``wrt`` among them (checked)."""
    if not isinstance(wrt, str) or not wrt.isidentifier():
        raise ExpressionError(f"wrt must be a variable name such as 'x', got {wrt!r}")
    if expression.variables and wrt not in expression.variables:
        raise ExpressionError(
            f"{expression.text!r} does not depend on {wrt}: its variables are "
            f"{', '.join(expression.variables)}"
        )
    return tuple(sorted({*expression.variables, wrt}))


__all__ = [
    "derivative_formula",
    "symbolic_derivative",
    "symbolic_value",
    "record",
    "as_expression",
    "variables_with",
    "MAX_ORDER",
]

"""Where to look at a formula: seeded sample points inside its domain, and its values and
derivatives there, all points at once, by the engine's reverse mode.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.autodiff import reverse
from chainrule.explanation import untraced
from chainrule.explanation.formulas.expression import evaluate

SAMPLES = 64
# A quarter of the points in each range: (0, 1) and (−1, 0) meet arcsin's domain, (1, 4)
# arccosh's, and both signs are there for log(x) and log(−x). Away from 0, where kinks are.
RANGES = ((0.05, 1.0), (-1.0, -0.05), (1.0, 4.0), (-4.0, -1.0))


def candidates(variables, count=SAMPLES, seed=0):
    """``count`` seeded values per variable, spread over ``RANGES``, as a dict of arrays."""
    rng = np.random.default_rng(seed)
    points = {}
    for name in variables:
        parts = [rng.uniform(low, high, count // len(RANGES)) for low, high in RANGES]
        points[name] = rng.permutation(np.concatenate(parts))
    return points


def select(points, keep):
    """The points where ``keep`` (a boolean array) holds."""
    return {name: values[keep] for name, values in points.items()}


def value_and_derivative(tree, points, wrt):
    """A formula tree's values and its derivative by ``wrt`` at ``points`` (dict of arrays).

    The points are independent, so the gradient of the sum is each point's derivative.
    """
    leaf = cr.tensor(np.asarray(points[wrt], dtype=np.float64), requires_grad=True)
    with np.errstate(all="ignore"):
        out = evaluate(tree, {**points, wrt: leaf})
        return _value_and_gradient(out, leaf)


def function_value_and_derivative(function, values):
    """A Python function's values and derivatives at ``values`` (one variable)."""
    leaf = cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    with np.errstate(all="ignore"):
        try:
            out = function(leaf)
        except TypeError:  # math.sin(x) on an array: say so if it is what went wrong
            untraced.probe(function)
            raise
        return _value_and_gradient(untraced.reached(function, out), leaf)


def _value_and_gradient(out, leaf):
    data = np.broadcast_to(np.asarray(getattr(out, "_data", out), dtype=np.float64), leaf.shape)
    if not isinstance(out, cr.Tensor) or out.node is None:
        return data, np.zeros(leaf.shape)
    found = reverse.sweep([out.node], [np.ones_like(out._data)], targets={leaf.node})
    gradient = found.get(leaf.node)
    gradient = np.zeros(leaf.shape) if gradient is None else getattr(gradient, "_data", gradient)
    return data, np.broadcast_to(np.asarray(gradient, dtype=np.float64), leaf.shape)


def values_of(tree, points):
    """A formula tree's values at ``points``, as a float array of the points' shape."""
    shape = np.shape(next(iter(points.values()))) if points else ()
    with np.errstate(all="ignore"):
        out = evaluate(tree, points)
    return np.broadcast_to(np.asarray(getattr(out, "_data", out), dtype=np.float64), shape)


def inside_points(expression, variables):
    """The sample points (a dict of arrays) where the formula is finite: those a formula for
    every x is read at. Where it is finite nowhere, the one point 0.5 everywhere."""
    points = candidates(variables)
    finite = np.isfinite(values_of(expression.tree, points)) if variables else np.array([True])
    if not finite.any():
        return {name: np.array([0.5]) for name in variables}
    return select(points, finite) if variables else points


def inside_points_of(function):
    """The sample values where a Python function of one variable is finite: all of them at
    once if it takes arrays, else the first that works one at a time (else 0.5)."""
    values = candidates(["x"])["x"]
    try:
        finite = _finite(function, values)
    except (TypeError, ValueError, ArithmeticError):
        for value in values[:16]:
            try:
                if _finite(function, np.array([value])).all():
                    return np.array([value])
            except (TypeError, ValueError, ArithmeticError):
                continue
        return np.array([0.5])
    return values[finite] if finite.any() else np.array([0.5])


def _finite(function, values):
    with np.errstate(all="ignore"):
        out = function(cr.tensor(values))
    data = np.asarray(getattr(out, "_data", out), dtype=np.float64)
    return np.isfinite(np.broadcast_to(data, values.shape))


__all__ = [
    "candidates",
    "select",
    "value_and_derivative",
    "function_value_and_derivative",
    "values_of",
    "inside_points",
    "inside_points_of",
    "SAMPLES",
    "RANGES",
]

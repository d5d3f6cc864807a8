"""Where to look at a formula: seeded sample points inside its domain, and its values and
derivatives there, all points at once, by the engine's reverse mode.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.autodiff import reverse
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
        return _value_and_gradient(function(leaf), leaf)


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


def inside_point(expression, variables):
    """One point (a dict of floats) where the formula is finite, or 0.5 everywhere if none is."""
    points = candidates(variables)
    finite = np.isfinite(values_of(expression.tree, points)) if variables else np.array([True])
    if not finite.any():
        return {name: 0.5 for name in variables}
    first = int(np.argmax(finite))
    return {name: float(values[first]) for name, values in points.items()}


def inside_point_of(function):
    """A value where a Python function of one variable is finite, or 0.5 if none is found."""
    for value in candidates(["x"], count=16)["x"]:
        try:
            with np.errstate(all="ignore"):
                out = function(cr.tensor(value))
        except (TypeError, ValueError, ArithmeticError):
            continue
        if np.all(np.isfinite(getattr(out, "_data", out))):
            return float(value)
    return 0.5


__all__ = [
    "candidates",
    "select",
    "value_and_derivative",
    "function_value_and_derivative",
    "values_of",
    "inside_point",
    "inside_point_of",
    "SAMPLES",
    "RANGES",
]

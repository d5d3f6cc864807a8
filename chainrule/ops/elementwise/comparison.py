"""Comparisons, logic, rounding and arg-reductions: ops whose results carry no derivative.

They accept tensors and give tensors (booleans or integers) that never require grad, so a mask
or an index computed from a tensor can be used freely without breaking the graph.
"""

from __future__ import annotations

import numpy as np

from chainrule.primitive import nondifferentiable

_XY = ("x", "y")
# Each comparison's symbolic form is what SymPy writes it as, so that a formula can hold it.
equal = nondifferentiable(
    "equal", np.equal, inputs=_XY, symbolic="Eq(x, y)",
    doc="x == y, elementwise (not differentiable).",
)
not_equal = nondifferentiable(
    "not_equal", np.not_equal, inputs=_XY, symbolic="Ne(x, y)", doc="x != y, elementwise."
)
less = nondifferentiable("less", np.less, inputs=_XY, symbolic="x < y", doc="x < y, elementwise.")
less_equal = nondifferentiable(
    "less_equal", np.less_equal, inputs=_XY, symbolic="x <= y", doc="x <= y, elementwise."
)
greater = nondifferentiable(
    "greater", np.greater, inputs=_XY, symbolic="x > y", doc="x > y, elementwise."
)
greater_equal = nondifferentiable(
    "greater_equal", np.greater_equal, inputs=_XY, symbolic="x >= y", doc="x >= y, elementwise."
)
logical_not = nondifferentiable(
    "logical_not", np.logical_not, symbolic="Not(x)", doc="not x, elementwise."
)
logical_and = nondifferentiable(
    "logical_and", np.logical_and, inputs=_XY, symbolic="And(x, y)", doc="x and y, elementwise."
)
logical_or = nondifferentiable(
    "logical_or", np.logical_or, inputs=_XY, symbolic="Or(x, y)", doc="x or y, elementwise."
)
logical_xor = nondifferentiable(
    "logical_xor", np.logical_xor, inputs=_XY, symbolic="Xor(x, y)", doc="x xor y, elementwise."
)
isnan = nondifferentiable("isnan", np.isnan, doc="Whether each value is NaN.")
isinf = nondifferentiable("isinf", np.isinf, doc="Whether each value is ±inf.")
isfinite = nondifferentiable("isfinite", np.isfinite, doc="Whether each value is finite.")
floor = nondifferentiable(
    "floor", np.floor, symbolic="floor(x)", doc="⌊x⌋ (piecewise constant: no derivative)."
)
ceil = nondifferentiable(
    "ceil", np.ceil, symbolic="ceiling(x)", doc="⌈x⌉ (piecewise constant: no derivative)."
)
trunc = nondifferentiable(
    "trunc", np.trunc, symbolic="sign(x)*floor(Abs(x))",
    doc="x rounded toward zero (piecewise constant: no derivative).",
)
round = nondifferentiable(  # noqa: A001 -- NumPy's name
    "round", lambda x, decimals=0: np.round(x, decimals), doc="x rounded (no derivative)."
)
floor_divide = nondifferentiable("floor_divide", np.floor_divide, doc="x // y (no derivative).")


def _argmax(x, axis=None, keepdims=False):
    return np.argmax(x, axis=axis, keepdims=keepdims)


def _argmin(x, axis=None, keepdims=False):
    return np.argmin(x, axis=axis, keepdims=keepdims)


argmax = nondifferentiable("argmax", _argmax, doc="Index of the largest value (as NumPy).")
argmin = nondifferentiable("argmin", _argmin, doc="Index of the smallest value (as NumPy).")


def _all(x, axis=None, keepdims=False):
    return np.all(x, axis=axis, keepdims=keepdims)


def _any(x, axis=None, keepdims=False):
    return np.any(x, axis=axis, keepdims=keepdims)


all = nondifferentiable("all", _all, doc="Whether every value is true.")  # noqa: A001
any = nondifferentiable("any", _any, doc="Whether some value is true.")  # noqa: A001

__all__ = [
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_not",
    "logical_and", "logical_or", "logical_xor", "isnan", "isinf", "isfinite", "floor", "ceil",
    "round", "trunc", "floor_divide", "argmax", "argmin", "all", "any",
]

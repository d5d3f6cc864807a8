"""Trigonometric functions and their inverses, and hypot."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import elementwise, elementwise_binary

sin = elementwise("sin", np.sin, lambda x, out: cos(x), "cos(x)", doc="sin x.")

cos = elementwise("cos", np.cos, lambda x, out: -sin(x), "-sin(x)", doc="cos x.")

tan = elementwise(
    "tan", np.tan, lambda x, out: 1 + out * out, "1 + tan(x)**2", reads_out=True, doc="tan x."
)

arcsin = elementwise(
    "arcsin", np.arcsin, lambda x, out: 1 / arithmetic.sqrt(1 - x * x), "1/sqrt(1 - x**2)",
    doc="Inverse sine on [−1, 1]; the derivative is +inf at ±1.",
)

arccos = elementwise(
    "arccos", np.arccos, lambda x, out: -1 / arithmetic.sqrt(1 - x * x), "-1/sqrt(1 - x**2)",
    doc="Inverse cosine on [−1, 1]; the derivative is −inf at ±1.",
)

arctan = elementwise(
    "arctan", np.arctan, lambda x, out: 1 / (1 + x * x), "1/(1 + x**2)", doc="Inverse tangent."
)


def _arctan2_scale(x, y):
    # 1/(x² + y²), taken as 0 at the origin, where arctan2 jumps and has no derivative.
    r2 = x * x + y * y
    origin = r2 == 0
    return piecewise.where(origin, 0.0, 1 / piecewise.where(origin, 1.0, r2))


arctan2 = elementwise_binary(
    "arctan2", np.arctan2,
    lambda y, x, out: x * _arctan2_scale(x, y),
    lambda y, x, out: -y * _arctan2_scale(x, y),
    ("x/(x**2 + y**2)", "-y/(x**2 + y**2)"),
    doc="The angle of the point (x, y): arctan2(y, x), as in NumPy; derivative 0 at the origin.",
)


def _hypot_over(a, out):
    # a / hypot, taken as 0 at the origin (the zero subgradient, as for norm).
    zero = out == 0
    return piecewise.where(zero, 0.0, a / piecewise.where(zero, 1.0, out))


hypot = elementwise_binary(
    "hypot", np.hypot,
    lambda x, y, out: _hypot_over(x, out),
    lambda x, y, out: _hypot_over(y, out),
    ("x/hypot(x, y)", "y/hypot(x, y)"), reads_out=True,
    doc="√(x² + y²) without overflow; the gradient at the origin is 0.",
)

from chainrule.ops import arithmetic, piecewise  # noqa: E402  (they use this module too)

__all__ = ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "hypot"]

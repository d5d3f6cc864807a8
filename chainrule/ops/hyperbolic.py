"""Hyperbolic functions and their inverses."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import elementwise

sinh = elementwise("sinh", np.sinh, lambda x, out: cosh(x), "cosh(x)", doc="sinh x.")

cosh = elementwise("cosh", np.cosh, lambda x, out: sinh(x), "sinh(x)", doc="cosh x.")

tanh = elementwise(
    "tanh", np.tanh, lambda x, out: 1 - out * out, "1 - tanh(x)**2", reads_out=True,
    doc="tanh x.",
)

arcsinh = elementwise(
    "arcsinh", np.arcsinh, lambda x, out: 1 / arithmetic.sqrt(x * x + 1), "1/sqrt(x**2 + 1)",
    doc="Inverse hyperbolic sine.",
)

# sqrt(x − 1)·sqrt(x + 1) rather than sqrt(x² − 1): no overflow for large x.
arccosh = elementwise(
    "arccosh", np.arccosh, lambda x, out: 1 / (arithmetic.sqrt(x - 1) * arithmetic.sqrt(x + 1)), "1/sqrt(x**2 - 1)",
    doc="Inverse hyperbolic cosine for x ≥ 1; the derivative is +inf at 1.",
)

arctanh = elementwise(
    "arctanh", np.arctanh, lambda x, out: 1 / ((1 - x) * (1 + x)), "1/(1 - x**2)",
    doc="Inverse hyperbolic tangent on (−1, 1).",
)

from chainrule.ops import arithmetic  # noqa: E402  (it uses this module too)

__all__ = ["sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh"]

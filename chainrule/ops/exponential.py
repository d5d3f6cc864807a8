"""Exponentials and logarithms, and logaddexp, the overflow-safe log(eˣ + eʸ)."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import elementwise, elementwise_binary

_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))

exp = elementwise(
    "exp", np.exp, lambda x, out: out, "exp(x)", reads_out=True, doc="eˣ."
)

exp2 = elementwise(
    "exp2", np.exp2, lambda x, out: out * _LN2, "2**x*log(2)", reads_out=True, doc="2ˣ."
)

# expm1 and log1p are primitives for accuracy near 0, where exp(x) - 1 and log(1 + x) cancel.
expm1 = elementwise(
    "expm1", np.expm1, lambda x, out: out + 1, "exp(x)", reads_out=True, doc="eˣ − 1, accurate near 0."
)

log = elementwise("log", np.log, lambda x, out: 1 / x, "1/x", doc="Natural logarithm ln x.")

log2 = elementwise(
    "log2", np.log2, lambda x, out: 1 / (x * _LN2), "1/(x*log(2))", doc="Base-2 logarithm."
)

log10 = elementwise(
    "log10", np.log10, lambda x, out: 1 / (x * _LN10), "1/(x*log(10))", doc="Base-10 logarithm."
)

log1p = elementwise(
    "log1p", np.log1p, lambda x, out: 1 / (1 + x), "1/(1 + x)", doc="ln(1 + x), accurate near 0."
)


# ∂/∂x log(eˣ + eʸ) = eˣ/(eˣ + eʸ) = exp(x − out): never overflows, since x ≤ out.
logaddexp = elementwise_binary(
    "logaddexp", np.logaddexp,
    lambda x, y, out: exp(x - out),
    lambda x, y, out: exp(y - out),
    ("exp(x - logaddexp(x, y))", "exp(y - logaddexp(x, y))"), reads_out=True,
    doc="log(eˣ + eʸ) without overflow; at x = y = ±inf the partials are taken as 1/2.",
)

__all__ = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp"]

"""Hyperbolic functions and their inverses."""

from __future__ import annotations

import numpy as np

from chainrule.ops.elementwise import arithmetic, complex_parts, trigonometric
from chainrule.primitive import elementwise

sinh = elementwise(
    "sinh", np.sinh, lambda x, out: cosh(x), symbolic="sinh(x)",
    supports_complex=True,
    doc="""sinh x = (eˣ − e⁻ˣ)/2.

    Example:
        >>> import chainrule as cr
        >>> cr.sinh(cr.tensor([0.0, 1.0]))
        tensor([0.        , 1.17520119])
    """,
)

cosh = elementwise(
    "cosh", np.cosh, lambda x, out: sinh(x), symbolic="cosh(x)",
    supports_complex=True,
    doc="""cosh x = (eˣ + e⁻ˣ)/2.

    Example:
        >>> import chainrule as cr
        >>> cr.cosh(cr.tensor([0.0, 1.0]))
        tensor([1.        , 1.54308063])
    """,
)

tanh = elementwise(
    "tanh", np.tanh, lambda x, out: 1 - out * out, symbolic="tanh(x)",
    reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""tanh x, finite for every x.

    Example:
        >>> import chainrule as cr
        >>> cr.tanh(cr.tensor([0.0, 1000.0]))
        tensor([0., 1.])
    """,
)

def _arcsinh_derivative(x):
    # 1/hypot(x, 1) rather than 1/sqrt(x² + 1): x² overflows for |x| > 1e154 (float32: 1e19).
    if complex_parts.is_complex(x):  # hypot is real only
        return 1 / arithmetic.sqrt(1 + x * x)
    return 1 / trigonometric.hypot(x, 1)


arcsinh = elementwise(
    "arcsinh", np.arcsinh, lambda x, out: _arcsinh_derivative(x), symbolic="asinh(x)",
    supports_complex=True,
    doc="""Inverse hyperbolic sine.

    Example:
        >>> import chainrule as cr
        >>> cr.arcsinh(cr.tensor([0.0, 1.0]))
        tensor([0.        , 0.88137359])
    """,
)


def _arccosh_derivative(x):
    # √(x − 1)·√(x + 1) rather than √(x² − 1): no overflow for large x, no cancellation near 1.
    return 1 / (arithmetic.sqrt(x - 1) * arithmetic.sqrt(x + 1))


arccosh = elementwise(
    "arccosh", np.arccosh, lambda x, out: _arccosh_derivative(x), symbolic="acosh(x)",
    supports_complex=True,
    doc="""Inverse hyperbolic cosine for x ≥ 1; the derivative is +inf at 1.

    Example:
        >>> import chainrule as cr
        >>> cr.arccosh(cr.tensor([1.0, 2.0]))
        tensor([0.        , 1.3169579])
    """,
)

# (1 − x)(1 + x) rather than 1 − x², which loses the digits of 1 − |x| near ±1.
arctanh = elementwise(
    "arctanh", np.arctanh, lambda x, out: 1 / ((1 - x) * (1 + x)), symbolic="atanh(x)",
    supports_complex=True,
    doc="""Inverse hyperbolic tangent on (−1, 1).

    Example:
        >>> import chainrule as cr
        >>> cr.arctanh(cr.tensor([0.0, 0.5]))
        tensor([0.        , 0.54930614])
    """,
)

__all__ = ["sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh"]

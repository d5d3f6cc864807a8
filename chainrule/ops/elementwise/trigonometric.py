"""Trigonometric functions and their inverses, hypot, and the normalized sinc."""

from __future__ import annotations

import math

import numpy as np

from chainrule.ops.elementwise import arithmetic, comparison, complex_parts, piecewise
from chainrule.primitive import elementwise, elementwise_binary

sin = elementwise(
    "sin", np.sin, lambda x, out: cos(x), symbolic="sin(x)",
    supports_complex=True,
    doc="""sin x.

    Example:
        >>> import chainrule as cr
        >>> cr.sin(cr.tensor([0.0, 1.0]))
        tensor([0.        , 0.84147098])
    """,
)

cos = elementwise(
    "cos", np.cos, lambda x, out: -sin(x), symbolic="cos(x)",
    supports_complex=True,
    doc="""cos x.

    Example:
        >>> import chainrule as cr
        >>> cr.cos(cr.tensor([0.0, 1.0]))
        tensor([1.        , 0.54030231])
    """,
)

tan = elementwise(
    "tan", np.tan, lambda x, out: 1 + out * out, symbolic="tan(x)",
    reads_inputs=False, reads_out=True,
    supports_complex=True,
    doc="""tan x.

    Example:
        >>> import chainrule as cr
        >>> cr.tan(cr.tensor([0.0, 1.0]))
        tensor([0.        , 1.55740772])
    """,
)


def _one_minus_square_root(x):
    # √(1 − x²) as √((1 − x)(1 + x)): 1 − x·x loses the digits of 1 − |x| near ±1.
    return arithmetic.sqrt((1 - x) * (1 + x))


arcsin = elementwise(
    "arcsin", np.arcsin, lambda x, out: 1 / _one_minus_square_root(x), symbolic="asin(x)",
    supports_complex=True,
    doc="""Inverse sine on [−1, 1]; the derivative is +inf at ±1.

    Example:
        >>> import chainrule as cr
        >>> cr.arcsin(cr.tensor([0.0, 1.0]))
        tensor([0.        , 1.57079633])
    """,
)

arccos = elementwise(
    "arccos", np.arccos, lambda x, out: -1 / _one_minus_square_root(x), symbolic="acos(x)",
    supports_complex=True,
    doc="""Inverse cosine on [−1, 1]; the derivative is −inf at ±1.

    Example:
        >>> import chainrule as cr
        >>> cr.arccos(cr.tensor([1.0, 0.0]))
        tensor([0.        , 1.57079633])
    """,
)


def _arctan_derivative(x):
    # 1/(1 + x²) as (1/hypot(1, x))²: x² would overflow for |x| > 1e154 (float32: 1e19).
    if complex_parts.is_complex(x):  # hypot is real only
        return 1 / (1 + x * x)
    r = 1 / hypot(1, x)
    return r * r


arctan = elementwise(
    "arctan", np.arctan, lambda x, out: _arctan_derivative(x), symbolic="atan(x)",
    supports_complex=True,
    doc="""Inverse tangent.

    Example:
        >>> import chainrule as cr
        >>> cr.arctan(cr.tensor([0.0, 1.0]))
        tensor([0.        , 0.78539816])
    """,
)


def _origin_safe(numerator, y, x):
    # numerator/(x² + y²) as ((numerator/s)/(u² + v²))/s with s = max(|x|, |y|), u = x/s and
    # v = y/s: neither x² (past 1e154) nor hypot (float32, at its max) can overflow. At the
    # origin, where arctan2 jumps and has no derivative, the partials are taken as 0; where x or
    # y is infinite they are 0, their limit. There s stands in as 1 and (x, y) as (1, 0), so
    # that no branch divides by 0 or by inf.
    scale = piecewise.maximum(arithmetic.abs(x), arithmetic.abs(y))
    special = comparison.logical_or(comparison.equal(scale, 0), comparison.isinf(scale))
    scale = piecewise.where(special, 1, scale)
    u = piecewise.where(special, 1, x) / scale
    v = piecewise.where(special, 0, y) / scale
    ratio = piecewise.where(special, 0, numerator) / scale
    return piecewise.where(special, 0, ratio / (u * u + v * v) / scale)


arctan2 = elementwise_binary(
    "arctan2", np.arctan2,
    lambda y, x, out: _origin_safe(x, y, x),
    lambda y, x, out: _origin_safe(-y, y, x),
    inputs=("y", "x"), symbolic="atan2(y, x)",
    doc="""The angle of the point (x, y), arctan2(y, x) as in NumPy; its partials are 0 at the
    origin, and where x or y is infinite (their limit).

    Example:
        >>> import chainrule as cr
        >>> cr.arctan2(cr.tensor([1.0, 1.0]), cr.tensor([1.0, -1.0]))
        tensor([0.78539816, 2.35619449])
    """,
)


def _hypot_over(a, out):
    # a / hypot, taken as 0 at the origin (the zero subgradient, as for a norm). The origin is
    # found by a comparison, an op like any other, so the rule holds wherever it runs.
    zero = comparison.equal(out, 0)
    return piecewise.where(zero, 0, a / piecewise.where(zero, 1, out))


hypot = elementwise_binary(
    "hypot", np.hypot,
    lambda x, y, out: _hypot_over(x, out),
    lambda x, y, out: _hypot_over(y, out),
    symbolic="sqrt(x**2 + y**2)", reads_out=True,
    doc="""√(x² + y²) without overflow; the gradient at the origin is 0.

    Example:
        >>> import chainrule as cr
        >>> cr.hypot(cr.tensor([3.0, 1e200]), cr.tensor([4.0, 1e200]))
        tensor([5.00000000e+000, 1.41421356e+200])
    """,
)

# sinc′(x) = (cos πx − sinc x)/x loses its digits near 0 and is 0/0 at 0. For |x| < 0.1 its
# Taylor series (odd, to x¹¹; the next term is below 1e-17 there) stands in, written in chainrule
# ops like the other branch, so every order is right at 0: sinc″(0) = −π²/3, sinc⁗(0) = π⁴/5.
_SINC_NEAR = 0.1
_SINC_SERIES = tuple(
    (-1) ** k * math.pi ** (2 * k) * 2 * k / math.factorial(2 * k + 1) for k in range(1, 7)
)


def _sinc_derivative(x):
    near = comparison.less(arithmetic.abs(x), _SINC_NEAR)
    small = piecewise.where(near, x, 0)
    square = small * small
    series = _SINC_SERIES[-1]
    for coefficient in _SINC_SERIES[-2::-1]:
        series = series * square + coefficient
    far = piecewise.where(near, 1, x)
    return piecewise.where(near, small * series, (cos(math.pi * far) - sinc(far)) / far)


def _sinc(x):
    return np.sinc(x)[()]


# A primitive for its removable point: sin(πx)/(πx) composed is 0/0 at x = 0.
sinc = elementwise(
    "sinc", _sinc, lambda x, out: _sinc_derivative(x), symbolic="sin(pi*x)/(pi*x)",
    doc="""The normalized sinc, sin(πx)/(πx), with its limit 1 at x = 0, as ``numpy.sinc``.

    x = 0 is a removable point, not a kink: there the value is 1, the derivative 0 and the
    second derivative −π²/3, each exact (a series stands in for the quotient near 0).

    Example:
        >>> import chainrule as cr
        >>> cr.sinc(cr.tensor([0.0, 0.5]))
        tensor([1.        , 0.63661977])
        >>> x = cr.tensor([0.5, 1.0], requires_grad=True)
        >>> cr.sinc(x).sum().backward()
        >>> x.grad
        tensor([-1.27323954, -1.        ])
        >>> float(cr.grad(cr.grad(cr.sinc))(0.0))  # −π²/3
        -3.289868133696453
    """,
)

__all__ = ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "hypot", "sinc"]

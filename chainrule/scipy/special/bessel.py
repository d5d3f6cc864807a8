"""Modified Bessel functions of the first kind, orders 0 and 1: I₀, I₁ and their exponentially
scaled forms e^(−|x|)·I₀, e^(−|x|)·I₁, with I₀′ = I₁ and I₁′ = I₀ − I₁/x (1/2 at x = 0).
"""

from __future__ import annotations

from scipy import special as scipy_special

from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.primitive import elementwise


def _at_zero_half(x, slope):
    # slope(x) holds I₁(x)/x, which is 0/0 at x = 0; there the derivative is its limit 1/2.
    # slope sees x = 1 there, so nothing warns, and second order is exact (I₁″(0) = 0).
    at_zero = comparison.equal(x, 0)
    return piecewise.where(at_zero, 0.5, slope(piecewise.where(at_zero, 1, x)))


i0 = elementwise(
    "i0", scipy_special.i0, lambda x, out: i1(x), symbolic="besseli(0, x)",
    doc="""I₀(x), the modified Bessel function of order 0, as ``scipy.special.i0``; I₀′ = I₁.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.i0(cr.tensor([0.0, 1.0]))
        tensor([1.        , 1.26606588])
    """,
)

i1 = elementwise(
    "i1", scipy_special.i1,
    lambda x, out: _at_zero_half(x, lambda safe_x: i0(x) - out / safe_x),
    symbolic="besseli(1, x)", reads_out=True,
    doc="""I₁(x), the modified Bessel function of order 1, as ``scipy.special.i1``;
    I₁′(x) = I₀(x) − I₁(x)/x, and 1/2 at x = 0 (its limit).

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> x = cr.tensor([0.0, 1.0], requires_grad=True)
        >>> special.i1(x).sum().backward()
        >>> x.grad
        tensor([0.5       , 0.70090677])
    """,
)

i0e = elementwise(
    "i0e", scipy_special.i0e, lambda x, out: i1e(x) - arithmetic.sign(x) * out,
    symbolic="exp(-Abs(x))*besseli(0, x)", reads_out=True,
    doc="""e^(−|x|)·I₀(x), without overflow, as ``scipy.special.i0e``; its derivative is
    e^(−|x|)·I₁(x) − sign(x)·i0e(x).

    At x = 0, where e^(−|x|) has a kink (slopes −1 and 1 on either side), the derivative is 0,
    the mean of the two.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.i0e(cr.tensor([0.0, 1000.0]))
        tensor([1.        , 0.01261724])
    """,
)

i1e = elementwise(
    "i1e", scipy_special.i1e,
    lambda x, out: _at_zero_half(
        x, lambda safe_x: i0e(x) - out / safe_x - arithmetic.sign(x) * out
    ),
    symbolic="exp(-Abs(x))*besseli(1, x)", reads_out=True,
    doc="""e^(−|x|)·I₁(x), without overflow, as ``scipy.special.i1e``; its derivative is
    i0e(x) − i1e(x)/x − sign(x)·i1e(x), and 1/2 at x = 0.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.i1e(cr.tensor([0.0, 1000.0]))
        tensor([0.        , 0.01261093])
    """,
)

__all__ = ["i0", "i0e", "i1", "i1e"]

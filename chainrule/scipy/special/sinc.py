"""sinc(x) = sin(πx)/(πx), 1 at x = 0: ``scipy.special.sinc`` is NumPy's own ``sinc``."""

from __future__ import annotations

import math

from chainrule import ops
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.ops.elementwise.trigonometric import sin


def _composed_sinc(x):
    """sin(πx)/(πx), and 1 at x = 0, as ``numpy.sinc``.

    At x = 0 it is 1 − (πx)²/6, so the first and second derivatives there are exact (0 and
    −π²/3); elsewhere sin(πx)/(πx) computed as NumPy computes it, so the values are NumPy's.
    Near 0 the derivative of that quotient loses digits (relative error about 1e-11 at
    |x| = 1e-3, 1e-7 at 1e-5); chainrule's own sinc, where it exists, does not.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.scipy import special
        >>> special.sinc(cr.tensor([0.0, 0.5, 1.0]))
        tensor([1.00000000e+00, 6.36619772e-01, 3.89817183e-17])
    """
    at_zero = comparison.equal(x, 0)
    y = piecewise.where(at_zero, 1.0e-20, x) * math.pi
    near_zero = x * math.pi
    return piecewise.where(at_zero, 1 - near_zero * near_zero / 6, sin(y) / y)


# chainrule.sinc (NumPy's name) is the one to use where it exists; until then, a composite.
sinc = getattr(ops, "sinc", None) or _composed_sinc

__all__ = ["sinc"]

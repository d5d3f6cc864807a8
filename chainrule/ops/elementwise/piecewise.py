"""Piecewise ops: where, maximum, minimum, clip, relu, leaky_relu — and their kink conventions.

Conventions: relu′(0) = 0; ties in maximum and minimum share the gradient equally; clip passes
the gradient at its bounds (x = lo or x = hi). Masks multiply the gradient directly, so a float32
gradient stays float32.
"""

from __future__ import annotations

import numpy as np

from chainrule.primitive import Primitive, primitive


def _select_x(grad_out, out, condition, x, y):
    return where(condition, grad_out, 0)


def _select_y(grad_out, out, condition, x, y):
    return where(condition, 0, grad_out)


def _where(condition, x, y):
    return np.where(condition, x, y)[()]


def _select(sympy, condition, x, y):
    # A condition given as numbers (where(x, ...) on floats) holds where it is not 0.
    if isinstance(condition, sympy.Expr):
        condition = sympy.Ne(condition, 0)
    return sympy.Piecewise((x, condition), (y, True))


where = Primitive(
    "where", _where,
    (None, _select_x, _select_y),
    (None, lambda x_dot, out, condition, x, y: where(condition, x_dot, 0),
     lambda y_dot, out, condition, x, y: where(condition, 0, y_dot)),
    inputs=("condition", "x", "y"), symbolic=lambda sympy, condition, x, y: _select(
        sympy, condition, x, y),
    supports_complex=True,
    doc="""x where condition holds, else y, elementwise with broadcasting.

    The gradient goes to x where the condition holds and to y elsewhere; the condition itself
    is not differentiable.

    Beware: both branches are computed and differentiated everywhere, and the branch that is
    not selected still contributes its derivative times 0 — which is NaN where that derivative
    is inf or NaN. So ``where(x > 0, sqrt(x), 0)`` has gradient NaN at x = 0 (sqrt′(0) = inf).
    The safe pattern is a second where that keeps the unselected branch away from its bad
    points: ``where(x > 0, sqrt(where(x > 0, x, 1)), 0)`` has gradient 0 at x = 0.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([-1.0, 4.0])
        >>> cr.where(x > 0, x, 0.0)
        tensor([0., 4.])
    """,
)


def _share(grad_out, winner, tie):
    # The winner takes the gradient; a tie splits it equally between both inputs.
    return grad_out * winner + (0.5 * grad_out) * tie


maximum = primitive(
    "maximum", np.maximum,
    vjp=(lambda grad_out, out, x, y: _share(grad_out, x > y, x == y),
         lambda grad_out, out, x, y: _share(grad_out, y > x, x == y)),
    jvp=(lambda x_dot, out, x, y: _share(x_dot, x > y, x == y),
         lambda y_dot, out, x, y: _share(y_dot, y > x, x == y)),
    symbolic="Max(x, y)",
    doc="""Elementwise larger of x and y; at a tie each input gets half the gradient.

    Example:
        >>> import chainrule as cr
        >>> cr.maximum(cr.tensor([1.0, 5.0]), cr.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """,
)

minimum = primitive(
    "minimum", np.minimum,
    vjp=(lambda grad_out, out, x, y: _share(grad_out, x < y, x == y),
         lambda grad_out, out, x, y: _share(grad_out, y < x, x == y)),
    jvp=(lambda x_dot, out, x, y: _share(x_dot, x < y, x == y),
         lambda y_dot, out, x, y: _share(y_dot, y < x, x == y)),
    symbolic="Min(x, y)",
    doc="""Elementwise smaller of x and y; at a tie each input gets half the gradient.

    Example:
        >>> import chainrule as cr
        >>> cr.minimum(cr.tensor([1.0, 5.0]), cr.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """,
)


def _bounded(sympy, x, lo, hi):
    low = x if lo is None else sympy.Max(x, lo)
    return low if hi is None else sympy.Min(low, hi)


def _inside(x, lo, hi):
    inside = True if lo is None else x >= lo
    return inside if hi is None else (x <= hi) & inside


_clip = primitive(
    "clip", np.clip,
    vjp=(lambda grad_out, out, x, lo, hi: grad_out * _inside(x, lo, hi),
         lambda grad_out, out, x, lo, hi: grad_out * (x < lo),
         lambda grad_out, out, x, lo, hi: grad_out * (x > hi)),
    jvp=(lambda x_dot, out, x, lo, hi: x_dot * _inside(x, lo, hi),
         lambda lo_dot, out, x, lo, hi: lo_dot * (x < lo),
         lambda hi_dot, out, x, lo, hi: hi_dot * (x > hi)),
    inputs=("x", "lo", "hi"), symbolic=lambda sympy, x, lo, hi: _bounded(sympy, x, lo, hi),
)


def clip(x, a_min=None, a_max=None):
    """x limited to [a_min, a_max] (either may be None); the bounds may be tensors.

    The gradient passes to x where a_min ≤ x ≤ a_max, bounds included, and to a bound where x
    lies beyond it.

    Raises:
        ValueError: if both bounds are None.

    Example:
        >>> import chainrule as cr
        >>> cr.clip(cr.tensor([-2.0, 0.5, 3.0]), -1.0, 1.0)
        tensor([-1. ,  0.5,  1. ])
    """
    if a_min is None and a_max is None:
        raise ValueError("clip needs a_min or a_max (or both); with neither it would do nothing")
    return _clip(x, a_min, a_max)


relu = primitive(
    "relu", lambda x: np.maximum(x, 0),
    vjp=lambda grad_out, out, x: grad_out * (x > 0),
    jvp=lambda x_dot, out, x: x_dot * (x > 0),
    symbolic="Max(x, 0)",
    doc="""max(x, 0); by convention relu′(0) = 0.

    Example:
        >>> import chainrule as cr
        >>> cr.relu(cr.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """,
)


def _leaky(x, negative_slope):
    return np.where(x > 0, x, x * negative_slope)[()]


_leaky_relu = primitive(
    "leaky_relu", _leaky,
    vjp=lambda grad_out, out, x, negative_slope: where(x > 0, grad_out, grad_out * negative_slope),
    jvp=lambda x_dot, out, x, negative_slope: where(x > 0, x_dot, x_dot * negative_slope),
    symbolic="Piecewise((x, x > 0), (negative_slope*x, True))",
)


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, else negative_slope · x; the derivative at 0 is negative_slope.

    Example:
        >>> import chainrule as cr
        >>> cr.leaky_relu(cr.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2,  3. ])
    """
    return _leaky_relu(x, negative_slope=float(negative_slope))


__all__ = ["where", "maximum", "minimum", "clip", "relu", "leaky_relu"]

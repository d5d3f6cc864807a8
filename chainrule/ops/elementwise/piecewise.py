"""Piecewise ops: where, maximum, minimum, fmax, fmin, clip, relu, leaky_relu — and their kink
conventions.

Conventions: relu′(0) = 0; ties in maximum and minimum (and fmax, fmin) share the gradient
equally; fmax and fmin pass the gradient to the number where the other input is NaN; clip passes
the gradient at its bounds (x = lo or x = hi). Masks multiply the gradient directly, so a float32
gradient stays float32.
"""

from __future__ import annotations

import numpy as np

from chainrule.ops.elementwise import comparison
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


def _beats(x, y, better):
    # x is the result of fmax/fmin: better than y, or a number where y is NaN. Comparisons and
    # isnan are ops, so the mask is computed anew wherever the rule runs (jit replays, order 2).
    # x == x: x is a number (NaN equals nothing, itself included).
    number_over_nan = comparison.logical_and(comparison.isnan(y), comparison.equal(x, x))
    return comparison.logical_or(better(x, y), number_over_nan)


def _nan_skipping(name, forward, better, symbolic, doc):
    # A primitive rather than maximum composed with wheres: NumPy's value (and its sign of zero)
    # to the bit, and one node whose rule states the NaN convention once.
    return primitive(
        name, forward,
        vjp=(lambda grad_out, out, x, y: _share(grad_out, _beats(x, y, better), x == y),
             lambda grad_out, out, x, y: _share(grad_out, _beats(y, x, better), x == y)),
        jvp=(lambda x_dot, out, x, y: _share(x_dot, _beats(x, y, better), x == y),
             lambda y_dot, out, x, y: _share(y_dot, _beats(y, x, better), x == y)),
        symbolic=symbolic, doc=doc,
    )


fmax = _nan_skipping(
    "fmax", np.fmax, lambda x, y: x > y, "Max(x, y)",
    """Elementwise larger of x and y, ignoring NaN (the other value wins), as ``numpy.fmax``.

    The gradient goes to the larger input, or to the number where the other input is NaN; at a
    tie each input gets half, as for :func:`maximum`; where both are NaN neither gets any.

    Example:
        >>> import chainrule as cr
        >>> cr.fmax(cr.tensor([1.0, float("nan")]), cr.tensor([float("nan"), 2.0]))
        tensor([1., 2.])
    """,
)

fmin = _nan_skipping(
    "fmin", np.fmin, lambda x, y: x < y, "Min(x, y)",
    """Elementwise smaller of x and y, ignoring NaN (the other value wins), as ``numpy.fmin``.

    The gradient goes to the smaller input, or to the number where the other input is NaN; at
    a tie each input gets half, as for :func:`minimum`; where both are NaN neither gets any.

    Example:
        >>> import chainrule as cr
        >>> cr.fmin(cr.tensor([1.0, float("nan")]), cr.tensor([3.0, 2.0]))
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


__all__ = ["where", "maximum", "minimum", "fmax", "fmin", "clip", "relu", "leaky_relu"]

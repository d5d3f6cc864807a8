"""Piecewise-linear interpolation, as ``numpy.interp``: differentiable in the points x, the knots
xp and the values fp.

Composed from gathers and arithmetic: which piece each x falls in has no derivative (NumPy's
searchsorted, as a primitive of its own so that jit finds it anew), and on a piece y = slope·(x
− xp[i]) + fp[i] with slope = (fp[i+1] − fp[i]) / (xp[i+1] − xp[i]), NumPy's own arithmetic in
NumPy's order.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import indexing, shape
from chainrule.ops.elementwise import comparison, piecewise
from chainrule.primitive import nondifferentiable
from chainrule.tensor import is_tensor, value_of


def interp(x, xp, fp, left=None, right=None, period=None):
    """One-dimensional piecewise-linear interpolation of (xp, fp) at x, as ``numpy.interp``.

    The derivative in x is the slope of the piece x lies in (at a knot, the piece to its
    right; past the ends, 0); fp and xp get the weights of the two knots of that piece; left
    and right (the values past the ends, fp[0] and fp[-1] by default) get the gradient there.

    Raises:
        ValueError: for xp and fp of different lengths, empty xp, or a 2-d xp or fp.
        NotImplementedError: for ``period`` (a periodic x) with a tensor that needs a derivative.

    Example:
        >>> import chainrule as cr
        >>> cr.interp(cr.tensor([0.5, 2.0]), [0.0, 1.0, 3.0], [0.0, 2.0, 3.0])
        tensor([1. , 2.5])
    """
    knots, values = asarray(value_of(xp)), asarray(value_of(fp))
    if knots.ndim != 1 or values.ndim != 1:
        raise ValueError("interp: xp and fp must be 1-d")
    if knots.size != values.size or knots.size == 0:
        raise ValueError(f"interp: xp and fp must have the same nonzero length, got "
                         f"{knots.size} and {values.size}")
    if period is not None:
        if any(is_tensor(v) for v in (x, xp, fp)):
            raise NotImplementedError("interp(period=...) is not differentiable in chainrule; "
                                      "pass values (x.detach()) for numpy.interp's result")
        return np.interp(x, xp, fp, left, right, period)
    points_shape = np.shape(value_of(x))
    piece = _piece_op(x, xp)
    low_x, low_f = indexing.getitem(xp, piece), indexing.getitem(fp, piece)
    last_x, last_f = indexing.getitem(xp, -1), indexing.getitem(fp, -1)
    if knots.size == 1:
        inside = low_f
    else:
        high_x, high_f = indexing.getitem(xp, piece + 1), indexing.getitem(fp, piece + 1)
        slope = (high_f - low_f) / (high_x - low_x)
        inside = slope * (x - low_x) + low_f
        # At the last knot NumPy gives fp[-1] itself, not the line's value there.
        inside = piecewise.where(comparison.equal(x, last_x), high_f, inside)
    left = indexing.getitem(fp, 0) if left is None else left
    right = last_f if right is None else right
    below = comparison.less(x, indexing.getitem(xp, 0))
    above = comparison.greater(x, last_x)
    out = piecewise.where(below, left, piecewise.where(above, right, inside))
    return shape.reshape(out, points_shape) if shape.shape_of(out) != points_shape else out


def _piece(x, xp):
    # The piece each x falls in: the knot at or left of it, the first and last pieces taking
    # the points past the ends.
    if xp.size == 1:
        return np.zeros(np.shape(x), dtype=np.intp)
    return np.clip(np.searchsorted(xp, x, side="right") - 1, 0, xp.size - 2)


# A primitive (of no derivative), so that jit records it and finds the pieces anew each call.
_piece_op = nondifferentiable("interp_piece", _piece,
                              doc="The piece of xp each x falls in, for interp (no derivative).")


__all__ = ["interp"]

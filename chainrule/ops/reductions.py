"""Reductions: sum, mean and the rest. Each returns NumPy's shape for axis and keepdims."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import linear


def normalize_axes(axis, ndim):
    """``axis`` as a sorted tuple of non-negative ints (None means every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    try:
        return tuple(sorted(int(a) % ndim if ndim else _check_0d(a) for a in axes))
    except ZeroDivisionError:
        raise ValueError(f"axis {axis} is out of bounds for a 0-d array") from None


def _check_0d(a):
    if a not in (0, -1):
        raise ValueError(f"axis {a} is out of bounds for a 0-d array")
    return 0


def expand_reduced(grad_out, full_shape, axis, keepdims):
    """Undo a reduction's shape: put back the reduced axes (size 1), broadcast to ``full_shape``."""
    if not keepdims and axis is not None and len(full_shape) > 0:
        axes = normalize_axes(axis, len(full_shape))
        kept = [1 if i in axes else n for i, n in enumerate(full_shape)]
        grad_out = shape.reshape(grad_out, tuple(kept))
    return shape.broadcast_to(grad_out, full_shape)


def _sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


_sum_op = linear(
    "sum", _sum,
    lambda grad_out, x, axis=None, keepdims=False: expand_reduced(grad_out, x.shape, axis, keepdims),
    "1",
)


def sum(x, axis=None, keepdims=False):  # noqa: A001 -- NumPy's name
    """Σ x over ``axis`` (all axes by default), as ``numpy.sum``.

    Example:
        >>> import chainrule as cr
        >>> cr.sum(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
        tensor([4., 6.])
    """
    return _sum_op(x, axis=_hashable(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """The arithmetic mean over ``axis``, as ``numpy.mean`` (a sum scaled by 1/n).

    Example:
        >>> import chainrule as cr
        >>> cr.mean(cr.tensor([1.0, 2.0, 6.0]))
        tensor(3.)
    """
    x_shape = np.shape(getattr(x, "_data", x))
    count = 1
    for i in normalize_axes(axis, len(x_shape)):
        count *= x_shape[i]
    total = sum(x, axis=axis, keepdims=keepdims)
    return total / count if count else total * np.nan


def _hashable(axis):
    return tuple(axis) if isinstance(axis, list) else axis


from chainrule.ops import shape  # noqa: E402  (shape uses reductions too)

__all__ = ["sum", "mean", "normalize_axes", "expand_reduced"]

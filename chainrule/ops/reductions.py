"""Reductions: sum, mean, prod, max and min over axes, with NumPy's axis and keepdims.

Each result has NumPy's shape; a VJP puts the reduced axes back with ``expand_reduced``.
var, std (composed from these) and logsumexp are in :mod:`chainrule.ops.statistics`.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import ForeignArray, is_lazy
from chainrule.ops import cumulative, shape
from chainrule.ops.elementwise import arithmetic, comparison
from chainrule.primitive import linear, primitive
from chainrule.tensor import value_of


def normalize_axes(axis, ndim, op="reduction"):
    """``axis`` as a sorted tuple of distinct non-negative ints (None means every axis).

    As in NumPy, a 0-d array accepts the single axis 0 or -1, which reduces nothing.

    Raises:
        numpy.exceptions.AxisError: an axis out of range (it is also a ValueError).
        ValueError: an axis named twice.
        TypeError: an axis that is not an integer.
    """
    if axis is None:
        return tuple(range(ndim))
    if ndim == 0 and isinstance(axis, (int, np.integer)) and axis in (0, -1):
        return ()
    named = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(shape.normalize_axis_tuple(named, ndim, op)))


def restore_axes(reduced, full_shape, axis, keepdims):
    """``reduced`` with a size-1 axis back where each reduced axis was (the keepdims shape)."""
    if keepdims or axis is None or len(full_shape) == 0:
        return reduced  # nothing to restore, or a full reduction that broadcasts as it is
    axes = normalize_axes(axis, len(full_shape))
    kept = tuple(1 if i in axes else n for i, n in enumerate(full_shape))
    return reduced if reduced.shape == kept else shape.reshape(reduced, kept)


def expand_reduced(grad_out, x, axis, keepdims):
    """Undo a reduction's shape: put back the reduced axes (size 1), broadcast to ``x``'s."""
    restored = restore_axes(grad_out, x.shape, axis, keepdims)
    if is_lazy(x):
        # Dask broadcasts a size-1 axis into one chunk as long as the axis, a task that every
        # chunk of the sweep then waits on, and its scheduler keeps the inputs' chunks alive
        # meanwhile (a gradient over 10⁸ rows held ~13 chunks at once). Times ones in x's own
        # chunks, the broadcast is made chunk by chunk and the sweep streams over x.
        return restored * np.ones_like(value_of(x))
    return shape.broadcast_to(restored, x.shape)


def _sum(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


_sum_op = linear(
    "sum", _sum,
    lambda grad_out, x, axis, keepdims: expand_reduced(grad_out, x, axis, keepdims),
)


def sum(x, axis=None, keepdims=False):  # noqa: A001 -- NumPy's name
    """Σ x over ``axis`` (all axes by default), as ``numpy.sum``; an empty sum is 0.

    Example:
        >>> import chainrule as cr
        >>> cr.sum(cr.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
        tensor([4., 6.])
    """
    if axis is not None:
        axis = normalize_axes(axis, len(shape.shape_of(x)), "sum")
    return _sum_op(x, axis=axis, keepdims=keepdims)


def _mean(x, axis, keepdims):
    count = math.prod(np.shape(x)[i] for i in axis)
    with np.errstate(over="ignore"):
        total = np.sum(x, axis=axis, keepdims=keepdims)
    if not count:
        return total * np.nan
    out = total / count
    # Another library's arrays may be lazy (Dask): there the test would compute them, so the
    # overflow-safe values are taken wherever needed, without asking first.
    if isinstance(out, ForeignArray) or np.isinf(out).any():
        # The sum of finite values can overflow where their mean does not (float32 [max, max]):
        # there the values are divided by n first.
        finite = np.all(np.isfinite(x), axis=axis, keepdims=keepdims)
        out = np.where(np.isinf(out) & finite, np.sum(x / count, axis=axis, keepdims=keepdims), out)
    return out[()] if np.ndim(out) == 0 else out


# A primitive rather than sum / n, for stability: the sum of float32 values near the maximum
# overflows where their mean is finite. One node instead of two is also faster.
_mean_op = linear(
    "mean", _mean,
    lambda grad_out, x, axis, keepdims: (
        expand_reduced(grad_out, x, axis, keepdims) / math.prod(x.shape[i] for i in axis)
    ),
)


def mean(x, axis=None, keepdims=False):
    """The arithmetic mean over ``axis``, as ``numpy.mean``: Σ x / n.

    Where the sum of finite values overflows (float32 [max, max]) the mean is still finite: the
    values are divided by n first there. The mean of no values is NaN (NumPy also warns).

    Example:
        >>> import chainrule as cr
        >>> cr.mean(cr.tensor([1.0, 2.0, 6.0]))
        tensor(3.)
    """
    axes = normalize_axes(axis, len(shape.shape_of(x)), "mean")
    return _mean_op(x, axis=axes, keepdims=keepdims)


def _others_product(x, axes):
    # ∂(Π x)/∂x_i is the product of the other entries of i's group: (the product of those
    # before i) · (the product of those after i), two exclusive cumprods. No division by x_i,
    # so it is exact at zeros, and it is written in chainrule ops, so it differentiates again.
    x_shape = x.shape
    kept = [i for i in range(len(x_shape)) if i not in axes]
    order = kept + list(axes)
    in_order = order == sorted(order)
    grouped = x if in_order else shape.transpose(x, order)
    rows_shape = tuple(x_shape[i] for i in kept) + (math.prod(x_shape[i] for i in axes),)
    rows = grouped if grouped.shape == rows_shape else shape.reshape(grouped, rows_shape)
    last = len(kept)
    others = cumulative.exclusive_cumprod(rows, last) * cumulative.exclusive_cumprod(
        rows, last, reverse=True
    )
    others = others if others.shape == grouped.shape else shape.reshape(others, grouped.shape)
    return others if in_order else shape.transpose(others, tuple(np.argsort(order)))


def _prod(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


# A primitive rather than the last entry of a cumprod: its value is numpy.prod's to the bit,
# and its gradient costs two cumprods where cumprod's rule needs a log-depth scan.
_prod_op = primitive(
    "prod", _prod,
    vjp=lambda grad_out, out, x, axis, keepdims: (
        expand_reduced(grad_out, x, axis, keepdims) * _others_product(x, axis)
    ),
    jvp=lambda x_dot, out, x, axis, keepdims: sum(
        x_dot * _others_product(x, axis), axis=axis, keepdims=keepdims
    ),
    supports_complex=True,
)


def prod(x, axis=None, keepdims=False):
    """Π x over ``axis`` (all axes by default), as ``numpy.prod``; an empty product is 1.

    The gradient of each entry is the product of the other entries, computed without dividing
    by the entry, so it is exact at zeros: prod([2, 0, 3]) has gradient [0, 6, 0].

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> cr.prod(x).backward()
        >>> x.grad
        tensor([0., 6., 0.])
    """
    axes = normalize_axes(axis, len(shape.shape_of(x)), "prod")
    return _prod_op(x, axis=axes, keepdims=keepdims)


def _tie_share(x, out, axis, keepdims):
    # Where the extreme value is reached several times, the entries share the gradient equally.
    # A NaN is what NumPy returns when a group holds one, so the NaN entries take it. The share
    # is piecewise constant in x (its derivative is zero): it is built from comparisons, which
    # carry no derivative, and is computed again wherever the rule runs on new values.
    extreme = restore_axes(out, x.shape, axis, keepdims)
    reached = comparison.logical_or(comparison.equal(x, extreme), comparison.isnan(x))
    share = arithmetic.astype(reached, x.dtype)
    return share / sum(share, axis=axis, keepdims=True)


def _extremum(name, forward, which):
    return primitive(
        name, lambda x, axis, keepdims: forward(x, axis=axis, keepdims=keepdims),
        vjp=lambda grad_out, out, x, axis, keepdims: (
            expand_reduced(grad_out, x, axis, keepdims) * _tie_share(x, out, axis, keepdims)
        ),
        jvp=lambda x_dot, out, x, axis, keepdims: sum(
            x_dot * _tie_share(x, out, axis, keepdims), axis=axis, keepdims=keepdims
        ),
        reads_out=True,
    )


_max_op = _extremum("max", np.max, "maximum")
_min_op = _extremum("min", np.min, "minimum")


def _nonempty_axes(x, axis, op):
    x_shape = shape.shape_of(x)
    axes = normalize_axes(axis, len(x_shape), op)
    if any(x_shape[i] == 0 for i in axes):
        where = "over all axes" if axis is None else f"along axis {axis}"
        raise ValueError(
            f"{op} of an empty array: an input of shape {x_shape} reduced {where} has slices "
            f"with no values, which have no {op}; pass a non-empty input, or append a starting "
            "value first (what numpy's initial= does)"
        )
    return axes


def max(x, axis=None, keepdims=False):  # noqa: A001 -- NumPy's name
    """The largest value over ``axis``, as ``numpy.max``; ties share the gradient equally.

    max([1, 3, 3]) has gradient [0, 0.5, 0.5]. A NaN in a slice makes its max NaN (as NumPy),
    and the NaN entries then take the gradient.

    Raises:
        ValueError: a reduced slice is empty (an empty array has no max).

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 3.0, 3.0], requires_grad=True)
        >>> cr.max(x).backward()
        >>> x.grad
        tensor([0. , 0.5, 0.5])
    """
    return _max_op(x, axis=_nonempty_axes(x, axis, "max"), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001 -- NumPy's name
    """The smallest value over ``axis``, as ``numpy.min``; ties share the gradient equally.

    Raises:
        ValueError: a reduced slice is empty (an empty array has no min).

    Example:
        >>> import chainrule as cr
        >>> cr.min(cr.tensor([[4.0, 1.0], [2.0, 5.0]]), axis=1)
        tensor([1., 2.])
    """
    return _min_op(x, axis=_nonempty_axes(x, axis, "min"), keepdims=keepdims)


__all__ = [
    "sum", "mean", "prod", "max", "min", "normalize_axes", "restore_axes", "expand_reduced",
]

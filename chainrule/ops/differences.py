"""Finite differences along an axis: diff (n-th differences) and gradient (central differences,
one- or two-sided at the edges), composed of slices, products and sums as NumPy computes them.

Both are linear in the values; the spacing of ``gradient`` is a constant (not differentiated).
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import joining, shape
from chainrule.ops.elementwise import arithmetic, comparison
from chainrule.primitive import value_of

# NumPy's "argument not given" marker: None is a value prepend and append can take.
_NOT_GIVEN = np._NoValue


def _along(axis, part):
    return (slice(None),) * axis + (part,)


def _edge(value, a_shape, axis):
    # A scalar to prepend or append is broadcast to one slice along ``axis``, as in NumPy.
    if shape.shape_of(value):
        return value
    edge_shape = a_shape[:axis] + (1,) + a_shape[axis + 1:]
    return shape.broadcast_to(value if hasattr(value, "dtype") else asarray(value), edge_shape)


def diff(a, n=1, axis=-1, prepend=_NOT_GIVEN, append=_NOT_GIVEN):
    """The n-th differences out[i] = a[i+1] − a[i] along ``axis``, as ``numpy.diff``.

    ``prepend`` and ``append`` (scalars are broadcast) are joined to ``a`` along ``axis``
    first; they are differentiated like ``a``. Boolean input gives ``a[i+1] != a[i]``.

    Raises:
        ValueError: a negative ``n``, or a 0-d ``a``.

    Example:
        >>> import chainrule as cr
        >>> cr.diff(cr.tensor([1.0, 4.0, 9.0, 16.0]), n=2)
        tensor([2., 2.])
    """
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    a_shape = shape.shape_of(a)
    if not a_shape:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = shape.normalize_axis(axis, len(a_shape), "diff")
    combined = [a]
    if prepend is not _NOT_GIVEN:
        combined.insert(0, _edge(prepend, a_shape, axis))
    if append is not _NOT_GIVEN:
        combined.append(_edge(append, a_shape, axis))
    if len(combined) > 1:
        a = joining.concatenate(combined, axis=axis)
    boolean = asarray(value_of(a)).dtype == np.bool_
    for _ in range(n):
        later, earlier = a[_along(axis, slice(1, None))], a[_along(axis, slice(None, -1))]
        a = comparison.not_equal(later, earlier) if boolean else later - earlier
    return a


def _spacings(varargs, f_shape, axes):
    # One spacing per axis, as NumPy reads them: a scalar (uniform), or coordinates, which
    # become their differences, or one scalar where those differences are all equal.
    if not varargs:
        return [1.0] * len(axes)
    varargs = [value_of(v) for v in varargs]
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return varargs * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    spacings = []
    for axis, given in zip(axes, varargs):
        distances = np.asanyarray(given)
        if distances.ndim == 0:
            spacings.append(given)
            continue
        if distances.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if len(distances) != f_shape[axis]:
            raise ValueError(
                "when 1d, distances must match the length of the corresponding dimension"
            )
        if np.issubdtype(distances.dtype, np.integer):
            distances = distances.astype(np.float64)
        steps = np.diff(distances)
        spacings.append(steps[0] if (steps == steps[0]).all() else steps)
    return spacings


def _weighted(f, axis, weights, parts):
    # a·f[p] + b·f[q] + c·f[r], summed left to right as NumPy does.
    total = None
    for weight, part in zip(weights, parts):
        term = weight * f[_along(axis, part)]
        total = term if total is None else total + term
    return total


def _interior(f, axis, ndim, dx):
    inner, before, after = slice(1, -1), slice(None, -2), slice(2, None)
    if np.ndim(dx) == 0:
        return (f[_along(axis, after)] - f[_along(axis, before)]) / (2.0 * dx)
    dx1, dx2 = dx[0:-1], dx[1:]
    column = [1] * ndim
    column[axis] = -1
    weights = [
        (-(dx2) / (dx1 * (dx1 + dx2))).reshape(column),
        ((dx2 - dx1) / (dx1 * dx2)).reshape(column),
        (dx1 / (dx2 * (dx1 + dx2))).reshape(column),
    ]
    return _weighted(f, axis, weights, (before, inner, after))


def _edges(f, axis, dx, edge_order):
    first, second, third = slice(0, 1), slice(1, 2), slice(2, 3)
    last, second_last, third_last = slice(-1, None), slice(-2, -1), slice(-3, -2)
    uniform = np.ndim(dx) == 0
    if edge_order == 1:
        start = (f[_along(axis, second)] - f[_along(axis, first)]) / (dx if uniform else dx[0])
        end = (f[_along(axis, last)] - f[_along(axis, second_last)]) / (dx if uniform else dx[-1])
        return start, end
    if uniform:
        start_weights = (-1.5 / dx, 2.0 / dx, -0.5 / dx)
        end_weights = (0.5 / dx, -2.0 / dx, 1.5 / dx)
    else:
        dx1, dx2 = dx[0], dx[1]
        start_weights = (-(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2)), (dx1 + dx2) / (dx1 * dx2),
                         -dx1 / (dx2 * (dx1 + dx2)))
        dx1, dx2 = dx[-2], dx[-1]
        end_weights = ((dx2) / (dx1 * (dx1 + dx2)), -(dx2 + dx1) / (dx1 * dx2),
                       (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2)))
    start = _weighted(f, axis, start_weights, (first, second, third))
    end = _weighted(f, axis, end_weights, (third_last, second_last, last))
    return start, end


def gradient(f, *varargs, axis=None, edge_order=1):
    """The derivative of sampled values ``f`` along each axis, as ``numpy.gradient``.

    Interior points take central differences (second order, also for uneven spacing); the
    edges one-sided differences of order ``edge_order`` (1 or 2). ``varargs`` gives the
    spacing: none (1), one scalar for every axis, or one scalar or coordinate array per axis.
    The spacing is a constant: only ``f`` is differentiated.

    Returns:
        One tensor for one axis; a tuple of them, one per axis, for several (as NumPy).

    Raises:
        ValueError: an axis with fewer than ``edge_order + 1`` values, or edge_order > 2.

    Example:
        >>> import chainrule as cr
        >>> cr.gradient(cr.tensor([1.0, 4.0, 9.0, 16.0]), 2.0)
        tensor([1.5, 2. , 3. , 3.5])
    """
    f_shape = shape.shape_of(f)
    ndim = len(f_shape)
    axes = tuple(range(ndim)) if axis is None else shape.normalize_axis_tuple(axis, ndim,
                                                                             "gradient")
    spacings = _spacings(varargs, f_shape, axes)
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    dtype = asarray(value_of(f)).dtype
    otype = dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)
    if otype != dtype:
        f = arithmetic.astype(f, otype)
    outvals = []
    for axis_index, dx in zip(axes, spacings):
        if f_shape[axis_index] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required."
            )
        start, end = _edges(f, axis_index, dx, edge_order)
        middle = _interior(f, axis_index, ndim, dx)
        out = joining.concatenate([start, middle, end], axis=axis_index)
        outvals.append(out if out.dtype == otype else arithmetic.astype(out, otype))
    return outvals[0] if len(axes) == 1 else tuple(outvals)


__all__ = ["diff", "gradient"]

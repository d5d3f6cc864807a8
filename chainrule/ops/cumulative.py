"""Running sums and products along an axis (of the flattened array when axis is None), as NumPy.

cumprod's rules never divide by x, so they are exact at zeros: ∂out_k/∂x_i is the product of
the other x_j (j ≤ k), built from exclusive products and a log-depth scan in chainrule ops.
"""

from __future__ import annotations

import numpy as np

from chainrule.backends import constant_like
from chainrule.ops import indexing, shape
from chainrule.primitive import linear, primitive


def _along(axis, part):
    return (slice(None),) * axis + (part,)


def _shift(x, offset, axis):
    # x moved ``offset`` places along ``axis`` (toward the end when positive); zeros fill in.
    n = x.shape[axis]
    size = n - abs(offset) if abs(offset) < n else 0
    source, target = slice(0, size), slice(n - size, n)
    if offset < 0:
        source, target = target, source
    moved = indexing.getitem(x, _along(axis, source))
    return indexing.scatter(moved, shape=x.shape, index=_along(axis, target))


def _linear_scan(a, b, axis, reverse):
    # s with s_k = b_k + a_k·s_{k-1} (s_{k+1} when reverse), s = 0 beyond the ends: each round
    # folds in the next 2^r terms (s_k = b_k + a_k·s_{k-d} becomes b_k + a_k·b_{k-d} +
    # a_k·a_{k-d}·s_{k-2d}), so there are log2(n) rounds of products and sums, no division.
    direction = -1 if reverse else 1
    n = b.shape[axis]
    step = 1
    while step < n:
        b = b + a * _shift(b, direction * step, axis)
        if 2 * step < n:
            a = a * _shift(a, direction * step, axis)
        step *= 2
    return b


def _before(running, axis):
    # A running product (Π_{j≤k}) moved one place along: Π_{j<k}, the empty product 1 first.
    first = np.zeros(running.shape, running.dtype)
    first[_along(axis, slice(0, 1))] = 1
    first = constant_like(first, running)
    return _shift(running, 1, axis) + first


def exclusive_cumprod(x, axis, reverse=False):
    """Π_{j<k} x_j along ``axis`` (Π_{j>k} when ``reverse``): 1 at the start; exact at zeros."""
    if reverse:
        return indexing.flip(exclusive_cumprod(indexing.flip(x, axis), axis), axis)
    return _before(_cumprod_op(x, axis=axis), axis)


def _cumsum(x, axis):
    return np.cumsum(x, axis=axis)


def _reversed_cumsum(grad_out, x, axis):
    # grad_x_i = Σ_{k≥i} grad_out_k: a running sum from the end.
    return indexing.flip(_cumsum_op(indexing.flip(grad_out, axis), axis=axis), axis)


_cumsum_op = linear("cumsum", _cumsum, _reversed_cumsum)


def _cumprod(x, axis):
    return np.cumprod(x, axis=axis)


def _cumprod_vjp(grad_out, out, x, axis):
    # grad_x_i = Σ_{k≥i} grad_out_k Π_{j≤k, j≠i} x_j = (Π_{j<i} x_j)·s_i, where
    # s_i = grad_out_i + x_{i+1}·s_{i+1}.
    return _before(out, axis) * _linear_scan(_shift(x, -1, axis), grad_out, axis, reverse=True)


def _cumprod_jvp(x_dot, out, x, axis):
    # out_dot_k = Σ_{i≤k} x_dot_i Π_{j≤k, j≠i} x_j
    #           = x_k·out_dot_{k-1} + x_dot_k·Π_{j<k} x_j.
    return _linear_scan(x, x_dot * _before(out, axis), axis, reverse=False)


_cumprod_op = primitive(
    "cumprod", _cumprod, vjp=_cumprod_vjp, jvp=_cumprod_jvp,
    reads_out=True, supports_complex=True,
)


def _prepared(x, axis, op):
    # NumPy's cumulative ops run along the flattened array when axis is None, or x is 0-d
    # (which then takes axis 0 or -1, as its one-entry flattening does).
    ndim = len(shape.shape_of(x))
    if axis is not None and ndim:
        return x, shape.normalize_axis(axis, ndim, op)
    if axis is not None:
        shape.normalize_axis(axis, 1, op)
    return shape.ravel(x), 0


def cumsum(x, axis=None):
    """out_k = Σ_{j≤k} x_j along ``axis`` (the flattened array when None), as ``numpy.cumsum``.

    Example:
        >>> import chainrule as cr
        >>> cr.cumsum(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([ 1.,  3.,  6., 10.])
    """
    x, axis = _prepared(x, axis, "cumsum")
    return _cumsum_op(x, axis=axis)


def cumprod(x, axis=None):
    """out_k = Π_{j≤k} x_j along ``axis`` (the flattened array when None), as ``numpy.cumprod``.

    Its derivatives never divide by x, so they are exact at zeros (first and second order).

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> cr.cumprod(x).sum().backward()
        >>> x.grad
        tensor([1., 8., 0.])
    """
    x, axis = _prepared(x, axis, "cumprod")
    return _cumprod_op(x, axis=axis)


__all__ = ["cumsum", "cumprod"]

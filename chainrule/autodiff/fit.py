"""Fitting a rule's contribution to the value it belongs to: broadcast axes summed, dtype kept.

It calls methods that arrays, tensors and batches share (``sum``, ``reshape``, ``astype``): on
tensors those are chainrule's ops, so a recorded sweep differentiates the fitting too.
"""

from __future__ import annotations

import numpy as np



def fit_gradient(contribution, x):
    """Reduce ``contribution`` (broadcast shape) to ``x``'s shape and dtype: the VJP side."""
    shape = x.shape
    if contribution.shape != shape:
        contribution = unbroadcast(contribution, shape)
    if contribution.dtype != x.dtype:
        contribution = cast(contribution, x.dtype)
    return contribution


def fit_tangent(out_dot, out):
    """Broadcast ``out_dot`` to ``out``'s shape and cast to its dtype: the JVP side."""
    if out_dot.shape != out.shape:
        out_dot = broadcast(out_dot, out.shape)
    if out_dot.dtype != out.dtype:
        out_dot = cast(out_dot, out.dtype)
    return out_dot


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``."""
    if len(grad.shape) < len(shape):
        return broadcast(grad, shape)
    axes = summed_axes.get((grad.shape, shape))
    if axes is None:
        if len(summed_axes) >= 4096:  # shapes that change every step (a growing sequence)
            summed_axes.clear()
        axes = summed_axes[grad.shape, shape] = broadcast_axes(grad.shape, shape)
    if axes:
        # An array is summed by the ufunc itself: ndarray.sum is a Python wrapper around it, and
        # a training step sums every bias gradient this way. Tensors and other libraries' arrays
        # sum through their own method (a recorded op, for a tensor).
        grad = _add_reduce(grad, axes) if type(grad) is np.ndarray else grad.sum(axis=axes)
    if grad.shape != shape:
        return grad.reshape(shape) if _size(grad.shape) == _size(shape) else broadcast(grad, shape)
    return grad


# The axes for each (gradient shape, value shape) met so far: a model meets a handful of pairs, and
# computing them again is most of what fitting a bias gradient costs besides the sum itself. The
# compiled sweep reads this table too (one table: it sums only by axes found here).
summed_axes = {}
_add_reduce = np.add.reduce


def broadcast_axes(grad_shape, shape):
    """The axes of ``grad_shape`` that broadcasting ``shape`` to it added or stretched: those
    a gradient sums over (``(0,)`` for a bias of shape (2,) added to rows of shape (4, 2))."""
    extra = len(grad_shape) - len(shape)
    return tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1
    )


def broadcast(value, shape):
    """``value`` stretched to ``shape``: NumPy's view on an array; a value of another kind (a
    tensor, whose method is a recorded op; a formula term) stretches itself."""
    if isinstance(value, (np.ndarray, np.generic)) or not hasattr(value, "broadcast_to"):
        return _scalar_if_0d(np.broadcast_to(value, shape))
    return value.broadcast_to(shape)


def cast(value, dtype):
    """``value`` in ``dtype``: a recorded op on a tensor, a converted copy on an array.

    A complex value cast to a real dtype keeps its real part: under the pairing
    ⟨v̄, v̇⟩ = Re(v̄·v̇) that is the whole of a complex cotangent a real input receives
    (docs/complex.md), and a real value's tangent is real.
    """
    if value.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        value = value.real
    return _scalar_if_0d(value.astype(dtype))


def _scalar_if_0d(value):
    # 0-d results are NumPy scalars, as everywhere in the engine (they compute faster).
    return value[()] if type(value) is np.ndarray and value.ndim == 0 else value


def _size(shape):
    size = 1
    for n in shape:
        size *= n
    return size

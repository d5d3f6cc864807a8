"""Fitting a rule's contribution to the value it belongs to: broadcast axes summed, dtype kept.

Rules state only the math; this is the bookkeeping the engine does once for every rule, in
chainrule ops, so that it is differentiated too when a sweep is itself recorded.
"""

from __future__ import annotations

import numpy as np

from chainrule.ops import reductions
from chainrule.ops.elementwise import arithmetic
from chainrule.ops import shape as shape_ops
from chainrule.tensor import Tensor


def fit_gradient(contribution, x):
    """Reduce ``contribution`` (broadcast shape) to ``x``'s shape and dtype: the VJP side."""
    shape = x.shape
    if contribution.shape != shape:
        contribution = unbroadcast(contribution, shape)
    if contribution.dtype != x.dtype:
        contribution = arithmetic.astype(contribution, x.dtype)
    return contribution


def fit_tangent(out_dot, out):
    """Broadcast ``out_dot`` to ``out``'s shape and cast to its dtype: the JVP side."""
    if out_dot.shape != out.shape:
        out_dot = shape_ops.broadcast_to(out_dot, out.shape)
    if out_dot.dtype != out.dtype:
        out_dot = arithmetic.astype(out_dot, out.dtype)
    return out_dot


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``."""
    grad_shape = grad.shape
    extra = len(grad_shape) - len(shape)
    if extra < 0:
        return shape_ops.broadcast_to(grad, shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad_shape[extra + i] != 1
    )
    if not isinstance(grad, Tensor):
        # A plain backward pass: the same sums straight on the array (this runs for every
        # broadcast bias in a network, so the op-level argument checks are skipped).
        return _unbroadcast_array(grad, shape, axes)
    if axes:
        grad = reductions.sum(grad, axis=axes)
    if grad.shape != shape:
        if _size(grad.shape) == _size(shape):
            return shape_ops.reshape(grad, shape)
        return shape_ops.broadcast_to(grad, shape)
    return grad


def _unbroadcast_array(grad, shape, axes):
    if axes:
        grad = grad.sum(axis=axes)
    if grad.shape != shape:
        grad = grad.reshape(shape) if _size(grad.shape) == _size(shape) else np.broadcast_to(
            grad, shape
        )
    return grad


def _size(shape):
    size = 1
    for n in shape:
        size *= n
    return size

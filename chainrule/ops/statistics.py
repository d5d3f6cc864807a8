"""Spread and soft maximum over axes: var and std (composed), logsumexp (overflow-safe).

Shapes follow NumPy's axis and keepdims, as the reductions they are built on.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import ForeignArray
from chainrule.ops import reductions, shape
from chainrule.ops.elementwise import (
    arithmetic, comparison, complex_parts, exponential, piecewise,
)
from chainrule.ops.linalg import norms
from chainrule.primitive import is_tensor, primitive


def var(x, axis=None, ddof=0, keepdims=False):
    """Σ (x − mean x)² / (n − ddof) over ``axis``, as ``numpy.var``.

    The deviations are taken from the mean first (two passes), as NumPy does, for accuracy.
    With n − ddof ≤ 0 (an empty slice, or too few values) the result is NaN (NumPy also warns).

    Example:
        >>> import chainrule as cr
        >>> cr.var(cr.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.25)
    """
    x_shape = shape.shape_of(x)
    axes = reductions.normalize_axes(axis, len(x_shape), "var")
    dof = math.prod(x_shape[i] for i in axes) - ddof
    deviation = x - reductions.mean(x, axis=axes, keepdims=True)
    if complex_parts.is_complex(x):  # |x − mean x|², real, as NumPy computes it
        squares = complex_parts.real(deviation * complex_parts.conj(deviation))
    else:
        squares = arithmetic.square(deviation)
    total = reductions.sum(squares, axis=axes, keepdims=keepdims)
    return total / dof if dof > 0 else total * np.nan


def std(x, axis=None, ddof=0, keepdims=False):
    """√var(x) over ``axis``, as ``numpy.std``.

    It is taken as ‖(x − mean x)/√(n − ddof)‖₂, with the 2-norm rescaled where the squares would
    over- or underflow: std([1e300, −1e300]) is 1e300 and std([0, 1e-300]) is 5e-301 (NumPy
    gives inf and 0). At a constant input (std = 0) the square root has an infinite slope; std
    is convex and smallest there, so the gradient is the zero subgradient, never NaN.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([2.0, 2.0, 2.0], requires_grad=True)
        >>> cr.std(x).backward()
        >>> x.grad
        tensor([0., 0., 0.])
    """
    if complex_parts.is_complex(x):  # √var, as NumPy computes it for complex x
        return arithmetic.sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))
    x_shape = shape.shape_of(x)
    axes = reductions.normalize_axes(axis, len(x_shape), "std")
    dof = math.prod(x_shape[i] for i in axes) - ddof
    deviation = x - reductions.mean(x, axis=axes, keepdims=True)
    if dof <= 0:
        return norms.l2_norm(deviation, axis=axes, keepdims=keepdims) * np.nan
    # Scaled before the norm, which could overflow where std does not (float32 [max, −max]).
    return norms.l2_norm(deviation / math.sqrt(dof), axis=axes, keepdims=keepdims)


def _logsumexp(x, axis, keepdims):
    if x.dtype.kind not in "fc":
        x = x.astype(np.float64)
    if x.size and isinstance(x, ForeignArray):  # other libraries' max takes no initial=
        peak = np.max(x, axis=axis, keepdims=True)
    else:
        peak = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    # Subtracting the largest value keeps every exp ≤ 1, so nothing overflows. A slice whose
    # largest value is ±inf or NaN is its own answer (inf − inf would be NaN); it skips the
    # sum, and its log(0) = −inf, which the where discards, is silenced on purpose, as is the
    # overflow of x − max to −inf at the float32 extremes (−max − max), exact for exp.
    finite = np.isfinite(peak)
    shift = np.where(finite, peak, 0)
    with np.errstate(divide="ignore", over="ignore"):
        total = np.sum(np.exp(np.where(finite, x - shift, -np.inf)), axis=axis, keepdims=True)
        out = np.where(finite, np.log(total) + shift, peak)
    out = out if keepdims else np.squeeze(out, axis=axis)
    return out[()] if out.ndim == 0 else out


def _infinite_share(x, out, axis):
    share = arithmetic.astype(comparison.equal(x, out), x.dtype)
    return share / piecewise.maximum(reductions.sum(share, axis=axis, keepdims=True), 1)


def _exp_difference(x, c):
    # e^(x − c) for x ≤ c as (e^(x/2 − c/2))²: x − c itself overflows to −inf, with a warning,
    # at the float32 extremes (−max − max), where e^(x − c) is simply 0.
    half = exponential.exp(x * 0.5 - c * 0.5)
    return half * half


def _softmax(x, out, axis, keepdims):
    # The weights of the gradient, softmax(x); each slice sums to 1. They are computed as
    # exp(x − max) / Σ exp(x − max), not exp(x − logsumexp x): logsumexp rounds at large |x|
    # (3e7 + log 2 is 3e7 in float32), and the weights would be off by that rounding. The
    # max is a constant here (detached): softmax does not change when x is shifted.
    out = reductions.restore_axes(out, x.shape, axis, keepdims)
    # An infinite logsumexp is shared equally by the entries equal to it: the +inf entries
    # (as max shares ties), or, for an all −inf slice, every entry, which is the limit of the
    # uniform softmax of equal entries. Such slices are weighted on zeros, never inf − inf,
    # and then replaced by their share. NaN slices still give NaN through exp.
    infinite = comparison.isinf(out)
    finite = piecewise.where(infinite, 0, x)
    weights = _exp_difference(finite, _constant_max(finite, axis))
    weights = weights / reductions.sum(weights, axis=axis, keepdims=True)
    return piecewise.where(infinite, _infinite_share(x, out, axis), weights)


def _constant_max(x, axis):
    if x.size == 0:
        return 0
    peak = reductions.max(x, axis=axis, keepdims=True)
    return peak.detach() if is_tensor(peak) else peak


def _logsumexp_vjp(grad_out, out, x, axis, keepdims):
    weights = _softmax(x, out, axis, keepdims)
    return reductions.restore_axes(grad_out, x.shape, axis, keepdims) * weights


_logsumexp_op = primitive(
    "logsumexp", _logsumexp,
    vjp=_logsumexp_vjp,
    jvp=lambda x_dot, out, x, axis, keepdims: reductions.sum(
        x_dot * _softmax(x, out, axis, keepdims), axis=axis, keepdims=keepdims
    ),
    reads_out=True,
)


def logsumexp(x, axis=None, keepdims=False):
    """log Σ exp(x) over ``axis``, without overflow; its gradient is softmax(x).

    The largest value is subtracted before exponentiating, so inputs like ±1000 give finite
    values and gradients. An all −inf (or empty) slice gives −inf, and its gradient is shared
    equally by its entries; a slice holding +inf gives +inf, its +inf entries sharing the
    gradient; a NaN gives NaN.

    Example:
        >>> import chainrule as cr
        >>> cr.logsumexp(cr.tensor([1000.0, 1000.0]))
        tensor(1000.69314718)
    """
    axes = reductions.normalize_axes(axis, len(shape.shape_of(x)), "logsumexp")
    return _logsumexp_op(x, axis=axes, keepdims=keepdims)


__all__ = ["var", "std", "logsumexp"]

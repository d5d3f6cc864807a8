"""softmax and log_softmax along one axis: primitives, overflow-safe at any input scale.

Primitives for stability and speed: exp, sum and log composed naively overflow at x = 1000, and
each rule here is one line that reads only the output (no second pass over exp of the input).
"""

from __future__ import annotations

from math import isfinite

import numpy as np

from chainrule.backends import ForeignArray
from chainrule.ops import reductions
from chainrule.ops.elementwise import exponential
from chainrule.primitive import primitive, value_of


def shifted_by_max(x, axis):
    """x − max x along ``axis`` (NumPy arrays): every entry ≤ 0, so exp of it never overflows,
    and softmax(x + c) = softmax(x) leaves the result unchanged.

    Where the max is ±inf, x − max would be inf − inf = NaN; there the entries equal to it get 0
    and the others −inf, the limit of a tie that grows without bound: the +inf entries share the
    mass equally, and an all −inf slice is uniform.

    Example:
        >>> import numpy as np
        >>> from chainrule.ops.nn.softmax import shifted_by_max
        >>> shifted_by_max(np.array([1.0, 3.0, 2.0]), axis=-1)
        array([-2.,  0., -1.])
        >>> shifted_by_max(np.array([1.0, 3.0, np.inf]), axis=-1)
        array([-inf, -inf,   0.])
    """
    if x.size == 0:
        return x
    if type(x) is np.ndarray and x.dtype.kind == "f":
        # The usual case, told by two reductions that never warn (NaN propagates to both), so
        # no errstate is needed (entering one costs as much as both): every entry and peak
        # finite, and no x − peak below the dtype's range, since no peak exceeds the smallest
        # entry by more than the largest finite value. Then x − peak alone is the answer.
        peak = _largest(x, axis, keepdims=True)
        lowest, highest = float(_smallest(x, None)), float(_largest(peak, None))
        if (isfinite(lowest) and isfinite(highest)
                and highest - lowest <= _finite_range(x.dtype)):
            return x - peak
    else:
        peak = x.max(axis=axis, keepdims=True)
    infinite = np.isinf(peak)
    # A lazy array (Dask) is not asked: both branches' values are taken where they apply.
    any_infinite = isinstance(x, ForeignArray) or infinite.any()
    # −max − max overflows to −inf at the float32 extremes, as it should: e^−inf = 0 either way.
    with np.errstate(over="ignore"):
        shifted = x - (np.where(infinite, 0, peak) if any_infinite else peak)
    if any_infinite:
        tie = np.where(x == peak, np.zeros_like(x), -np.inf)
        shifted = np.where(infinite, tie, shifted)
    return shifted


# The ufuncs' own reductions: ndarray.max and .sum are Python wrappers around them, and every
# softmax and cross-entropy (forward and backward) takes one of each.
_largest, _smallest = np.maximum.reduce, np.minimum.reduce
_add_reduce = np.add.reduce


_FINITE_RANGE = {}


def _finite_range(dtype):
    # The largest finite value of a float dtype, as a Python float (kept per dtype).
    largest = _FINITE_RANGE.get(dtype)
    if largest is None:
        largest = _FINITE_RANGE[dtype] = float(np.finfo(dtype).max)
    return largest


def softmax_of_array(x, axis):
    """softmax of a NumPy array along ``axis`` (the softmax op's forward), in a new array."""
    e = np.exp(shifted_by_max(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis):
    if x.size == 0:
        return np.exp(x)  # empty; log of the empty sum below would warn
    shifted = shifted_by_max(x, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _sum_along(x, axis):
    return reductions.sum(x, axis=axis, keepdims=True)


_softmax_op = primitive(
    "softmax", softmax_of_array,
    vjp=lambda grad_out, out, x, axis: out * (grad_out - _sum_along(grad_out * out, axis)),
    jvp=lambda x_dot, out, x, axis: out * (x_dot - _sum_along(x_dot * out, axis)),
    reads_inputs=False, reads_out=True,
)

# exp(out) is softmax(x) and never overflows: out = log_softmax(x) ≤ 0.
_log_softmax_op = primitive(
    "log_softmax", _log_softmax,
    vjp=lambda grad_out, out, x, axis: grad_out - exponential.exp(out) * _sum_along(grad_out, axis),
    jvp=lambda x_dot, out, x, axis: x_dot - _sum_along(exponential.exp(out) * x_dot, axis),
    reads_inputs=False, reads_out=True,
)


def _resolve_axis(x, axis, dim, who):
    """The one axis to normalize over: ``dim`` (PyTorch's spelling) wins over the default ``axis``.

    A 0-d input has one value and normalizes over None (axis 0 or -1 are accepted).
    """
    if dim is not None:
        if axis != -1 and axis != dim:
            raise TypeError(f"{who}: got axis={axis} and dim={dim}; give one of them (the same)")
        axis = dim
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{who}: axis must be one int, got {axis!r}")
    ndim = np.ndim(value_of(x))
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"{who}: axis {axis} is out of range for a {ndim}-d input "
                         f"(use an axis in [-{max(ndim, 1)}, {max(ndim, 1)}))")
    return None if ndim == 0 else int(axis) % ndim


def softmax(x, axis=-1, *, dim=None):
    """softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along ``axis``: positive values summing to 1.

    Finite for any finite input (it is computed from x − max x, so exp never overflows). The
    +inf entries of a slice share it equally (softmax([0, inf]) is [0, 1]) and an all −inf
    slice is uniform: the limits of large ties.

    Args:
        x: the scores (logits).
        axis: the axis to normalize along, the last by default; ``dim`` is PyTorch's name for it.

    Raises:
        ValueError: the axis is out of range. TypeError: both axis and dim given, and different.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.softmax(cr.tensor([0.0, 1000.0, 1000.0]))
        tensor([0. , 0.5, 0.5])
    """
    return _softmax_op(x, axis=_resolve_axis(x, axis, dim, "softmax"))


def log_softmax(x, axis=-1, *, dim=None):
    """log_softmax(x)_i = x_i − log Σ_j exp(x_j) along ``axis``; accurate where softmax is 0.

    Use it (not log(softmax(x))) for log-probabilities: at x = [0, 1000] it gives [-1000, 0]
    where log(softmax(x)) would give [-inf, 0]. Infinities follow softmax: [0, inf] gives
    [-inf, 0], and an all −inf slice of n entries gives −log n each.

    Args:
        x: the scores (logits).
        axis: the axis to normalize along, the last by default; ``dim`` is PyTorch's name for it.

    Raises:
        ValueError: the axis is out of range. TypeError: both axis and dim given, and different.

    Example:
        >>> import chainrule as cr
        >>> from chainrule.nn import functional as F
        >>> F.log_softmax(cr.tensor([0.0, 1000.0]))
        tensor([-1000.,     0.])
    """
    return _log_softmax_op(x, axis=_resolve_axis(x, axis, dim, "log_softmax"))


__all__ = ["softmax", "log_softmax", "shifted_by_max"]

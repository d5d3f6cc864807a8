"""Evenly spaced values: linspace, differentiable in its endpoints.

start + i·step, composed of arithmetic on start and stop, in NumPy's order of operations so
that the values are NumPy's to the last bit.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.backends import asarray, constant_like
from chainrule.ops import shape
from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.primitive import is_tensor, value_of
from chainrule.tensor import asarray_if_sequence


def _as_dtype(x, dtype):
    x = asarray_if_sequence(x)
    x = x if is_tensor(x) else asarray(x)
    return x if asarray(value_of(x)).dtype == dtype else arithmetic.astype(x, dtype)


def _spaced(counts, delta, div):
    # NumPy's two ways: i·(delta/div), or (i/div)·delta where a step underflows to 0 (denormal
    # deltas). A where over both keeps the choice, which depends on values, inside the graph.
    step = delta / div
    scaled = counts * step
    if np.ndim(value_of(step)) == 0 and not is_tensor(step) and step != 0:
        return scaled, step
    any_zero = comparison.any(comparison.equal(step, 0))
    return piecewise.where(any_zero, counts / div * delta, scaled), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """``num`` evenly spaced values from start to stop (stop left out unless ``endpoint``), as
    ``numpy.linspace``; start and stop may be arrays, each pair spaced along a new ``axis``.

    Differentiable in start and stop: value i is start·(1 − i/div) + stop·(i/div), div being
    num − 1 (or num without the endpoint); the endpoint is stop itself. With ``retstep`` the
    step (stop − start)/div comes too (NaN when div is 0).

    Raises:
        ValueError: for a negative ``num``, or a ``device`` other than "cpu".

    Example:
        >>> import chainrule as cr
        >>> cr.linspace(cr.tensor(0.0), cr.tensor(1.0), 5)
        tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    if device not in (None, "cpu"):
        raise ValueError(f"linspace: device must be 'cpu' or None, got {device!r}")
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"linspace: the number of samples, {num}, must be non-negative")
    div = num - 1 if endpoint else num
    operands = [x if type(x) in (int, float, complex) else asarray(value_of(x))
                for x in (start, stop)]
    inexact = np.result_type(*operands, 1.0)
    start, stop = _as_dtype(start, inexact), _as_dtype(stop, inexact)
    delta = stop - start
    # The counts and the endpoint's mask come from num alone: made in the endpoints' library.
    counts = constant_like(
        np.arange(0, num, dtype=inexact).reshape((-1,) + (1,) * np.ndim(value_of(delta))), delta)
    if div > 0:
        out, step = _spaced(counts, delta, div)
    else:
        out, step = counts * delta, np.nan
    out = out + start
    if endpoint and num > 1:
        last = constant_like((np.arange(num) == num - 1).reshape(counts.shape), delta)
        out = piecewise.where(last, stop, out)
    if axis != 0:
        out = shape.moveaxis(out, 0, axis)
    if dtype is not None and np.issubdtype(dtype, np.integer):
        out = comparison.floor(out)
    out = _as_dtype(out, np.dtype(dtype or inexact))
    return (out, step) if retstep else out


__all__ = ["linspace"]

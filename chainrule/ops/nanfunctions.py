"""NaN-ignoring reductions and running totals (nansum … nancumprod) and nan_to_num, as NumPy's.

Each is composed: the NaN entries are replaced (0 for sums, 1 for products, −inf/+inf for
extremes) by ``where``, which sends them no gradient, and the ordinary op runs on the rest.
Values follow NumPy's arithmetic step by step, so they are NumPy's to the bit; all-NaN slices
give NumPy's value and warning. Integer inputs hold no NaN: the ordinary op runs on them.
The NaN-ignoring quantiles are in :mod:`chainrule.ops.quantiles`.
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.backends import asarray, is_lazy
from chainrule.ops import cumulative, reductions, shape, statistics
from chainrule.ops.elementwise import arithmetic, comparison, piecewise
from chainrule.primitive import value_of


def _dtype(x):
    return asarray(value_of(x)).dtype


def _holds_nan(x):
    return _dtype(x).kind in "fc"


def _no_out(out, op):
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; use the returned tensor")


def _in(x, dtype):
    return x if dtype is None or np.dtype(dtype) == _dtype(x) else arithmetic.astype(x, dtype)


def _filled(x, value, dtype=None):
    x = _in(x, dtype)
    return piecewise.where(comparison.isnan(x), value, x) if _holds_nan(x) else x


def _warn_where(bad, message):
    # A lazy array (Dask) is not computed to decide whether to warn.
    if not is_lazy(bad) and np.any(value_of(bad)):
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """x with NaN, +inf and −inf replaced by finite numbers, as ``numpy.nan_to_num``.

    By default NaN becomes 0 and ±inf the largest finite value of x's dtype (with its sign).
    The gradient is 1 where x is finite and 0 where a value was replaced. ``copy`` is accepted
    for NumPy's signature; the result is always a new tensor.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, float("nan"), float("inf")], requires_grad=True)
        >>> cr.nan_to_num(x, posinf=9.0).sum().backward()
        >>> x.grad
        tensor([1., 0., 0.])
    """
    dtype = _dtype(x)
    if dtype.kind != "f":
        return arithmetic.copy(x)
    largest = np.finfo(dtype).max
    posinf = largest if posinf is None else posinf
    neginf = -largest if neginf is None else neginf
    out = piecewise.where(comparison.equal(x, -np.inf), dtype.type(neginf), x)
    out = piecewise.where(comparison.equal(x, np.inf), dtype.type(posinf), out)
    return piecewise.where(comparison.isnan(x), dtype.type(nan), out)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False):
    """Σ a over ``axis`` with NaN counted as 0, as ``numpy.nansum``; an all-NaN slice sums to 0.

    Example:
        >>> import chainrule as cr
        >>> cr.nansum(cr.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    _no_out(out, "nansum")
    return reductions.sum(_filled(a, 0, dtype), axis=axis, keepdims=keepdims)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False):
    """Π a over ``axis`` with NaN counted as 1, as ``numpy.nanprod``.

    Example:
        >>> import chainrule as cr
        >>> cr.nanprod(cr.tensor([2.0, float("nan"), 3.0]))
        tensor(6.)
    """
    _no_out(out, "nanprod")
    return reductions.prod(_filled(a, 1, dtype), axis=axis, keepdims=keepdims)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Running sums along ``axis`` with NaN counted as 0, as ``numpy.nancumsum``.

    Example:
        >>> import chainrule as cr
        >>> cr.nancumsum(cr.tensor([1.0, float("nan"), 2.0]))
        tensor([1., 1., 3.])
    """
    _no_out(out, "nancumsum")
    return cumulative.cumsum(_filled(a, 0, dtype), axis=axis)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Running products along ``axis`` with NaN counted as 1, as ``numpy.nancumprod``.

    Example:
        >>> import chainrule as cr
        >>> cr.nancumprod(cr.tensor([2.0, float("nan"), 3.0]))
        tensor([2., 2., 6.])
    """
    _no_out(out, "nancumprod")
    return cumulative.cumprod(_filled(a, 1, dtype), axis=axis)


def _count(a, axis, keepdims, dtype):
    # How many numbers (not NaN) each slice holds, in the dtype the totals are divided in.
    numbers = arithmetic.astype(comparison.logical_not(comparison.isnan(a)), dtype)
    return reductions.sum(numbers, axis=axis, keepdims=keepdims)


def _divided(total, count):
    # total / count where count > 0, NaN where the slice held no number (0/0, without its warning).
    empty = comparison.less_equal(count, 0)
    return piecewise.where(empty, np.nan, total / piecewise.where(empty, 1, count))


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False):
    """The mean of the numbers over ``axis``, NaN ignored, as ``numpy.nanmean``.

    An all-NaN slice gives NaN and NumPy's RuntimeWarning "Mean of empty slice"; its entries,
    as every NaN entry, get gradient 0.

    Example:
        >>> import chainrule as cr
        >>> cr.nanmean(cr.tensor([1.0, float("nan"), 2.0]))
        tensor(1.5)
    """
    _no_out(out, "nanmean")
    if not _holds_nan(a):
        return reductions.mean(_in(a, dtype), axis=axis, keepdims=keepdims)
    filled = _filled(a, 0, dtype)
    count = _count(a, axis, keepdims, _dtype(filled))
    _warn_where(comparison.equal(count, 0), "Mean of empty slice")
    return _divided(reductions.sum(filled, axis=axis, keepdims=keepdims), count)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    """Σ (x − mean)² / (n − ddof) over the numbers of each slice, as ``numpy.nanvar``.

    n counts the numbers (not NaN) of the slice. Where n − ddof ≤ 0 (an all-NaN slice) the
    result is NaN with NumPy's RuntimeWarning "Degrees of freedom <= 0 for slice.".

    Example:
        >>> import chainrule as cr
        >>> cr.nanvar(cr.tensor([1.0, float("nan"), 3.0]))
        tensor(1.)
    """
    _no_out(out, "nanvar")
    if not _holds_nan(a):
        return statistics.var(_in(a, dtype), axis=axis, ddof=ddof, keepdims=keepdims)
    return _nanvar(a, axis, dtype, ddof, keepdims)


def _nanvar(a, axis, dtype, ddof, keepdims):
    # As NumPy: sums in ``dtype``, the deviations written back in a's own dtype.
    axes = reductions.normalize_axes(axis, len(shape.shape_of(a)), "nanvar")
    filled = _filled(a, 0)
    work = _dtype(_in(filled, dtype))
    mean = _divided(reductions.sum(_in(filled, dtype), axis=axes, keepdims=True),
                    _count(a, axes, True, work))
    deviation = _in(filled - mean, _dtype(a))
    deviation = piecewise.where(comparison.isnan(a), 0, deviation)
    total = reductions.sum(_in(deviation * deviation, dtype), axis=axes, keepdims=keepdims)
    dof = _count(a, axes, keepdims, work) - ddof
    _warn_where(comparison.less_equal(dof, 0), "Degrees of freedom <= 0 for slice.")
    return _divided(total, dof)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    """√nanvar(a): the standard deviation of the numbers of each slice, as ``numpy.nanstd``.

    Taken as NumPy takes it, the square root of :func:`nanvar`, so values are NumPy's to the
    bit. At a zero variance (a constant slice) the gradient is the zero subgradient, as for
    :func:`chainrule.std`, never NaN.

    Example:
        >>> import chainrule as cr
        >>> cr.nanstd(cr.tensor([1.0, float("nan"), 3.0]))
        tensor(1.)
    """
    _no_out(out, "nanstd")
    if not _holds_nan(a):
        return statistics.std(_in(a, dtype), axis=axis, ddof=ddof, keepdims=keepdims)
    variance = _nanvar(a, axis, dtype, ddof, keepdims)
    zero = comparison.equal(variance, 0)
    return piecewise.where(zero, 0, arithmetic.sqrt(piecewise.where(zero, 1, variance)))


def _nan_extremum(a, axis, keepdims, op, fill, name):
    if not _holds_nan(a):
        return op(a, axis=axis, keepdims=keepdims)
    nan = comparison.isnan(a)
    every_nan = comparison.all(nan, axis=reductions.normalize_axes(
        axis, len(shape.shape_of(a)), name), keepdims=keepdims)
    _warn_where(every_nan, "All-NaN slice encountered")
    extreme = op(piecewise.where(nan, fill, a), axis=axis, keepdims=keepdims)
    return piecewise.where(every_nan, np.nan, extreme)


def nanmax(a, axis=None, out=None, keepdims=False):
    """The largest number over ``axis``, NaN ignored, as ``numpy.nanmax``.

    Ties share the gradient equally (as :func:`chainrule.max`); NaN entries get none. An
    all-NaN slice gives NaN with NumPy's RuntimeWarning "All-NaN slice encountered". (NaN
    entries stand in as −inf, so where the largest number is −inf they count in its tie, and
    the shares they would take are dropped.)

    Raises:
        ValueError: a reduced slice is empty.

    Example:
        >>> import chainrule as cr
        >>> cr.nanmax(cr.tensor([1.0, float("nan"), 3.0]))
        tensor(3.)
    """
    _no_out(out, "nanmax")
    return _nan_extremum(a, axis, keepdims, reductions.max, -np.inf, "nanmax")


def nanmin(a, axis=None, out=None, keepdims=False):
    """The smallest number over ``axis``, NaN ignored, as ``numpy.nanmin``.

    Ties share the gradient equally (as :func:`chainrule.min`); NaN entries get none. An
    all-NaN slice gives NaN with NumPy's RuntimeWarning "All-NaN slice encountered". (NaN
    entries stand in as +inf: where the smallest number is +inf they count in its tie.)

    Raises:
        ValueError: a reduced slice is empty.

    Example:
        >>> import chainrule as cr
        >>> cr.nanmin(cr.tensor([1.0, float("nan"), 3.0]))
        tensor(1.)
    """
    _no_out(out, "nanmin")
    return _nan_extremum(a, axis, keepdims, reductions.min, np.inf, "nanmin")


__all__ = [
    "nan_to_num", "nansum", "nanprod", "nancumsum", "nancumprod", "nanmean", "nanvar", "nanstd",
    "nanmax", "nanmin",
]

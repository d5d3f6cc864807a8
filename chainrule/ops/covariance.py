"""Weighted means and second moments: average, cov and corrcoef, composed as NumPy computes them.

The data (and average's weights) are differentiated; cov's frequency and analytic weights are
constants, as are the degrees of freedom they give.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from chainrule.backends import asarray, is_lazy
from chainrule.ops import contraction, joining, reductions, shape
from chainrule.ops.arrays import triangular
from chainrule.ops.elementwise import arithmetic, piecewise
from chainrule.primitive import value_of


def _dtype(x):
    return asarray(value_of(x)).dtype


def _cast(x, dtype):
    return x if _dtype(x) == dtype else arithmetic.astype(x, dtype)


def _aligned_weights(weights, a_shape, axes):
    # Weights of a's shape, or one per entry along ``axes``, placed to broadcast against a.
    w_shape = shape.shape_of(weights)
    if w_shape == a_shape:
        return weights
    if axes is None:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    if w_shape != tuple(a_shape[i] for i in axes):
        raise ValueError(
            "Shape of weights must be consistent with shape of a along specified axis."
        )
    weights = shape.transpose(weights, tuple(np.argsort(axes)))
    return shape.reshape(weights, tuple(n if i in axes else 1 for i, n in enumerate(a_shape)))


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Σ w·a / Σ w over ``axis`` (the mean without weights), as ``numpy.average``.

    Both ``a`` and ``weights`` are differentiated. Weights have a's shape, or one entry per
    position along ``axis``.

    Returns:
        The average; with ``returned=True`` also the sum of the weights (the count without
        weights), broadcast to the average's shape.

    Raises:
        ZeroDivisionError: weights summing to zero along ``axis``.

    Example:
        >>> import chainrule as cr
        >>> cr.average(cr.tensor([1.0, 2.0, 4.0]), weights=cr.tensor([3.0, 1.0, 0.0]))
        tensor(1.25)
    """
    a_shape = shape.shape_of(a)
    axes = None if axis is None else shape.normalize_axis_tuple(axis, len(a_shape), "average")
    if weights is None:
        avg = reductions.mean(a, axis=axes, keepdims=keepdims)
        scale = _dtype(avg).type(math.prod(a_shape) / math.prod(shape.shape_of(avg)))
    else:
        weights = _aligned_weights(weights, a_shape, axes)
        a_dtype, w_dtype = _dtype(a), _dtype(weights)
        integral = a_dtype.kind in "biu"
        result_dtype = np.result_type(a_dtype, w_dtype, *(("f8",) if integral else ()))
        scale = reductions.sum(_cast(weights, result_dtype), axis=axes, keepdims=keepdims)
        if not is_lazy(scale) and np.any(value_of(scale) == 0.0):  # lazy: 0/0 shows as NaN
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        total = _cast(a, result_dtype) * _cast(weights, result_dtype)
        avg = reductions.sum(total, axis=axes, keepdims=keepdims) / scale
    if not returned:
        return avg
    avg_shape = shape.shape_of(avg)
    if shape.shape_of(scale) != avg_shape:
        scale = shape.broadcast_to(scale, avg_shape)
    return avg, scale


def _as_rows(m, rowvar, dtype, name):
    m_shape = shape.shape_of(m)
    if len(m_shape) > 2:
        raise ValueError(f"{name} has more than 2 dimensions")
    rows = _cast(m, dtype)
    if len(m_shape) < 2:
        rows = shape.reshape(rows, (1, int(np.prod(m_shape, dtype=np.intp))))
    # As NumPy: m is transposed unless 1-D, y unless it holds one row.
    flips = len(m_shape) != 1 if name == "m" else shape.shape_of(rows)[0] != 1
    if not rowvar and flips:
        rows = shape.transpose(rows)
    return rows


def _checked_weights(weights, kind, samples):
    weights = asarray(value_of(weights), dtype=float)
    if kind == "fweights" and not np.all(weights == np.around(weights)):
        raise TypeError("fweights must be integer")
    if weights.ndim > 1:
        raise RuntimeError(f"cannot handle multidimensional {kind}")
    if weights.shape[0] != samples:
        raise RuntimeError(f"incompatible numbers of samples and {kind}")
    if any(weights < 0):
        raise ValueError(f"{kind} cannot be negative")
    return weights


def _normalizer(w, aweights, ddof, samples, w_sum):
    if w is None:
        return samples - ddof
    if ddof == 0:
        return w_sum
    if aweights is None:
        return w_sum - ddof
    return w_sum - ddof * sum(w * aweights) / w_sum


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """The covariance matrix of the variables in ``m`` (and ``y``), as ``numpy.cov``.

    Each row is a variable and each column an observation (the transpose when ``rowvar`` is
    False). The normalization is n − 1 (n with ``bias``, n − ``ddof`` when given), with
    frequency and analytic weights as NumPy applies them; the weights are constants. As in
    NumPy the result is at least float64 unless ``dtype`` is given, and squeezed.

    Example:
        >>> import chainrule as cr
        >>> cr.cov(cr.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    if dtype is None:
        dtype = np.result_type(*(_dtype(v) for v in (m, y) if v is not None), np.float64)
    rows = _as_rows(m, rowvar, np.dtype(dtype), "m")
    if shape.shape_of(rows)[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        rows = joining.concatenate([rows, _as_rows(y, rowvar, np.dtype(dtype), "y")], axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    samples = shape.shape_of(rows)[1]
    w = None
    if fweights is not None:
        w = _checked_weights(fweights, "fweights", samples)
    if aweights is not None:
        aweights = _checked_weights(aweights, "aweights", samples)
        w = aweights if w is None else w * aweights
    avg, w_sum = average(rows, axis=1, weights=w, returned=True)
    fact = _normalizer(w, aweights, ddof, samples, value_of(w_sum)[0])
    if fact <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    centred = rows - shape.expand_dims(avg, 1)
    weighted = centred if w is None else centred * w
    c = contraction.dot(centred, shape.transpose(weighted))
    # NumPy scales in place (c *= 1/fact): the product is taken in float64, kept in c's dtype.
    return shape.squeeze(_cast(c * np.true_divide(1, fact), _dtype(c)))


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients cov(i, j)/√(cov(i, i)·cov(j, j)), as ``numpy.corrcoef``.

    As NumPy, the coefficients are clipped to [−1, 1]; the clip passes the gradient at ±1.

    Example:
        >>> import chainrule as cr
        >>> cr.corrcoef(cr.tensor([[0.0, 1.0, 2.0], [0.0, 2.0, 3.0]]))
        tensor([[1.        , 0.98198051],
                [0.98198051, 1.        ]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    c_shape = shape.shape_of(c)
    if len(c_shape) != 2:
        return c / c
    stddev = arithmetic.sqrt(triangular.diagonal(c))
    c = c / shape.expand_dims(stddev, 1)
    c = c / shape.expand_dims(stddev, 0)
    return piecewise.clip(c, -1, 1)


__all__ = ["average", "cov", "corrcoef"]

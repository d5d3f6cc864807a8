"""Order statistics: median, percentile and quantile, and their NaN-ignoring forms, as NumPy's.

Each is a primitive whose forward is NumPy's own function (so values, dtypes and every method
are NumPy's), and whose rules read one set of weights: a quantile is Σᵢ Wᵢ·xᵢ, W putting
1 − γ on the order statistic below the quantile's position and γ on the one above. W is
piecewise constant in x, so the rules are linear in the seed and second derivatives are 0.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from chainrule.backends import asarray
from chainrule.ops import reductions, shape
from chainrule.primitive import is_tensor, nondifferentiable, primitive, value_of

_NAN_IGNORING = {"nanquantile", "nanpercentile", "nanmedian"}


def _locate(function, ranks, q, method):
    # Where the quantile sits among the sorted values, found by NumPy itself: the function run
    # on the ranks 0, 1, …, n − 1 gives low + γ, as every method interpolates between
    # neighbours (NaN ranks stand for the NaN entries of a NaN-ignoring function).
    numpy_function = getattr(np, function)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if q is None:
            return numpy_function(ranks, axis=-1)
        return numpy_function(ranks, q, axis=-1, method=method)


def _share_of(mask):
    # Entries picked by the mask share a weight equally (as max shares a tie).
    return mask / np.maximum(mask.sum(axis=-1, keepdims=True), 1)


def _order_statistic(ordered, rank, q_ndim):
    # The order statistics at ``rank`` (q.shape + batch) of ``ordered`` (batch + (n,)).
    ordered = ordered.reshape((1,) * q_ndim + ordered.shape)
    return np.take_along_axis(ordered, rank.astype(np.intp)[..., None], axis=-1)[..., 0]


def _weights(x, q, method, function):
    """W with quantile = Σ W·x along the last axis: shape q.shape + x.shape, x's float dtype."""
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    n = x.shape[-1]
    if n == 0:  # the median of no values is NaN (as NumPy), with nothing to differentiate
        return np.zeros((() if q is None else np.shape(q)) + x.shape, dtype)
    nan = np.isnan(x)
    ranks = np.broadcast_to(np.arange(n, dtype=np.float64), x.shape)
    if function in _NAN_IGNORING:
        ranks = np.where(ranks < n - nan.sum(axis=-1, keepdims=True), ranks, np.nan)
    position = asarray(_locate(function, ranks, q, method))
    placed = np.isfinite(position)
    low = np.floor(np.where(placed, position, 0))
    gamma = np.where(placed, position - low, 0)[..., None]
    ordered = np.sort(x, axis=-1)
    q_ndim = position.ndim - (x.ndim - 1)
    below = _order_statistic(ordered, low, q_ndim)
    above = _order_statistic(ordered, np.minimum(low + 1, n - 1), q_ndim)
    weights = (1 - gamma) * _share_of(x == below[..., None]) + gamma * _share_of(
        x == above[..., None])
    weights = np.where(placed[..., None], weights, 0)
    if function not in _NAN_IGNORING:
        # A slice holding NaN has quantile NaN (as in NumPy); its NaN entries take the gradient.
        weights = np.where(nan.any(axis=-1, keepdims=True), _share_of(nan), weights)
    return weights.astype(dtype)


_weights_op = nondifferentiable(
    "quantile_weights", lambda x, q, method, function: _weights(x, q, method, function),
    doc="The weights W of a quantile along the last axis (quantile = Σ W·x): no derivative.",
)


def _seed_axes(q):
    return tuple(range(np.ndim(q))) if q is not None else ()


def _order_statistic_op(function):
    def forward(x, q, method):
        if q is None:
            return getattr(np, function)(x, axis=-1)
        return getattr(np, function)(x, q, axis=-1, method=method)

    def vjp(grad_out, out, x, q, method):
        weights = _weights_op(x, q=q, method=method, function=function)
        spread = shape.expand_dims(grad_out, -1) * weights
        axes = _seed_axes(q)
        return reductions.sum(spread, axis=axes) if axes else spread

    def jvp(x_dot, out, x, q, method):
        weights = _weights_op(x, q=q, method=method, function=function)
        return reductions.sum(x_dot * weights, axis=-1)

    return primitive(function, forward, vjp=vjp, jvp=jvp)


# Primitives, for exactness and speed: NumPy's own value for every method, and one node whose
# rules are a weighted sum, where a composite would need a sort with its own derivative.
_OPS = {name: _order_statistic_op(name) for name in (
    "quantile", "percentile", "median", "nanquantile", "nanpercentile", "nanmedian")}


def _along_last(a, axis, op):
    # The reduced axes moved to the end and merged into one, which the primitive reduces.
    a_shape = shape.shape_of(a)
    axes = reductions.normalize_axes(axis, len(a_shape), op)
    kept = [i for i in range(len(a_shape)) if i not in axes]
    order = kept + list(axes)
    moved = a if order == sorted(order) else shape.transpose(a, order)
    merged = tuple(a_shape[i] for i in kept) + (math.prod(a_shape[i] for i in axes),)
    if shape.shape_of(moved) != merged:
        moved = shape.reshape(moved, merged)
    return moved, a_shape, axes


def _reduce(function, a, q, axis, method, keepdims, out=None, weights=None):
    if out is not None:
        raise TypeError(f"{function}: out= is not supported; use the returned tensor")
    if weights is not None:
        raise NotImplementedError(f"{function}: weights= is not supported")
    if isinstance(q, (list, tuple)) or is_tensor(q):
        q = asarray(value_of(q))
    moved, a_shape, axes = _along_last(a, axis, function)
    result = _OPS[function](moved, q=q, method=method)
    if not keepdims:
        return result
    kept_shape = tuple(1 if i in axes else n for i, n in enumerate(a_shape))
    return shape.reshape(result, (() if q is None else np.shape(q)) + kept_shape)


_CONVENTION = """The gradient goes to the order statistics used, weighted as NumPy interpolates
    between them (1 − γ below, γ above); entries tied with an order statistic share its weight
    equally, as ties share the gradient of :func:`chainrule.max`. The quantile levels ``q`` are
    constants (not differentiated)."""


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """The ``q``-th quantiles (0 ≤ q ≤ 1) over ``axis``, as ``numpy.quantile``.

    Every NumPy method is supported (each interpolates between neighbouring order
    statistics). A slice holding NaN gives NaN, and its NaN entries take the gradient.
    {convention}

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 4.0, 2.0, 8.0], requires_grad=True)
        >>> cr.quantile(x, 0.5).backward()
        >>> x.grad
        tensor([0. , 0.5, 0.5, 0. ])
    """
    return _reduce("quantile", a, q, axis, method, keepdims, out, weights)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """The ``q``-th percentiles (0 ≤ q ≤ 100) over ``axis``, as ``numpy.percentile``.

    {convention}

    Example:
        >>> import chainrule as cr
        >>> cr.percentile(cr.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), [25, 50])
        tensor([2., 3.])
    """
    return _reduce("percentile", a, q, axis, method, keepdims, out, weights)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median over ``axis``, as ``numpy.median``: the middle value, or the mean of the two.

    {convention}

    Example:
        >>> import chainrule as cr
        >>> cr.median(cr.tensor([[3.0, 1.0, 2.0], [4.0, 6.0, 5.0]]), axis=1)
        tensor([2., 5.])
    """
    return _reduce("median", a, None, axis, None, keepdims, out)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    """The ``q``-th quantiles of the numbers over ``axis``, NaN ignored, as ``numpy.nanquantile``.

    NaN entries get gradient 0; an all-NaN slice gives NaN with NumPy's warning.
    {convention}

    Example:
        >>> import chainrule as cr
        >>> cr.nanquantile(cr.tensor([1.0, float("nan"), 3.0]), 0.5)
        tensor(2.)
    """
    return _reduce("nanquantile", a, q, axis, method, keepdims, out, weights)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    """The ``q``-th percentiles of the numbers, NaN ignored, as ``numpy.nanpercentile``.

    NaN entries get gradient 0; an all-NaN slice gives NaN with NumPy's warning.
    {convention}

    Example:
        >>> import chainrule as cr
        >>> cr.nanpercentile(cr.tensor([1.0, float("nan"), 3.0]), 100)
        tensor(3.)
    """
    return _reduce("nanpercentile", a, q, axis, method, keepdims, out, weights)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the numbers over ``axis``, NaN ignored, as ``numpy.nanmedian``.

    NaN entries get gradient 0; an all-NaN slice gives NaN with NumPy's warning.
    {convention}

    Example:
        >>> import chainrule as cr
        >>> cr.nanmedian(cr.tensor([1.0, float("nan"), 3.0, 10.0]))
        tensor(3.)
    """
    return _reduce("nanmedian", a, None, axis, None, keepdims, out)


for _public in (quantile, percentile, median, nanquantile, nanpercentile, nanmedian):
    _public.__doc__ = _public.__doc__.replace("{convention}", _CONVENTION)

__all__ = ["quantile", "percentile", "median", "nanquantile", "nanpercentile", "nanmedian"]

"""Vector and matrix norms, as ``numpy.linalg.norm``.

The 2-norm (and so the Frobenius norm) is a primitive: its gradient x/‖x‖ is taken as the zero
subgradient at x = 0, where the composed √(Σx²) would give 0·∞ = NaN.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends import asarray, is_lazy
from chainrule.ops.linalg import spectral
from chainrule.ops import reductions, shape
from chainrule.ops.elementwise import arithmetic, complex_parts
from chainrule.ops.elementwise import comparison
from chainrule.ops.elementwise import piecewise
from chainrule.primitive import is_tensor, primitive


def _l2(x, axis, keepdims):
    x = asarray(x)
    if x.dtype.kind == "c":  # ‖z‖ = ‖|z|‖, real
        x = np.abs(x)
    # Σx² overflows past |x| ≈ 1e154 (float64) and underflows below 1e-154: then scale by max|x|.
    # A slice holding ±inf has norm inf, which the sum of squares already gives: its scale
    # stands in as 1, so that inf/inf is never formed.
    with np.errstate(over="ignore", under="ignore"):
        if axis is None:  # as numpy.linalg.norm: one dot product of the flattened values
            flat = x.ravel(order="K")
            out = np.sqrt(np.dot(flat, flat)).reshape((1,) * x.ndim if keepdims else ())
        else:
            out = np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
        fine = (out > np.sqrt(np.finfo(x.dtype).tiny)) & np.isfinite(out)
        if x.size and (is_lazy(x) or not np.all(fine)):
            largest = np.max(np.abs(x), axis=axis, keepdims=True)
            infinite = np.isinf(largest)
            ratio = x / np.where((largest == 0) | infinite, 1, largest)
            rescaled = largest * np.sqrt(np.sum(ratio * ratio, axis=axis, keepdims=True))
            rescaled = np.where(infinite, largest, rescaled)
            rescaled = rescaled if keepdims else np.squeeze(rescaled, axis=axis)[()]
            # Where the plain sum was fine it is kept: the rescaled one rounds differently.
            out = np.where(fine, out, rescaled)[()] if is_lazy(x) else rescaled
    return out


def _direction(x, out, axis, keepdims):
    # x/‖x‖, whose entries lie in [−1, 1]; grad_out/‖x‖ would overflow at a subnormal norm.
    # At x = 0 it is the zero subgradient, and its own derivative is 0 there too (‖x‖ = 0 is
    # read as 1 in the branch not taken, so that no branch divides by 0).
    # For complex z it is conj(z)/‖z‖, since d‖z‖ = Re Σ conj(z)/‖z‖·ż (docs/complex.md).
    norm = reductions.restore_axes(out, x.shape, axis, keepdims)
    zero = norm == 0
    x = complex_parts.conj(x) if complex_parts.is_complex(x) else x
    return piecewise.where(zero, 0, x / piecewise.where(zero, 1, norm))


def _l2_vjp(grad_out, out, x, axis, keepdims):
    grad_out = reductions.restore_axes(grad_out, x.shape, axis, keepdims)
    return grad_out * _direction(x, out, axis, keepdims)


def _l2_jvp(x_dot, out, x, axis, keepdims):
    out_dot = reductions.sum(_direction(x, out, axis, keepdims) * x_dot, axis=axis,
                             keepdims=keepdims)
    return complex_parts.real(out_dot) if complex_parts.is_complex(x) else out_dot


_l2_op = primitive(
    "l2_norm", _l2, vjp=_l2_vjp, jvp=_l2_jvp, reads_out=True, supports_complex=True,
)


def l2_norm(x, axis=None, keepdims=False):
    """‖x‖₂ = √Σx² over ``axis`` (an int, a tuple of any number of axes, or None for all).

    No over- or underflow: the squares are rescaled by max |x| where they would (a 1e300 or a
    1e-300 entry), and a slice holding ±inf has norm inf. At x = 0 the gradient is the zero
    subgradient. ``norm`` and ``std`` are built on it.

    Example:
        >>> import chainrule as cr
        >>> cr.ops.linalg.norms.l2_norm(cr.tensor([[3.0, 1e300], [4.0, 1e300]]), axis=0)
        tensor([5.00000000e+000, 1.41421356e+300])
    """
    if axis is not None:
        axis = tuple(shape.normalize_axis_tuple(axis, len(shape.shape_of(x)), "l2_norm"))
    return _l2_op(x, axis=axis, keepdims=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 -- NumPy's argument name
    """The vector or matrix norm, as ``numpy.linalg.norm``.

    Vectors (one axis): ord None or 2 (√Σx²), 1, inf, -inf, 0 (the count of nonzeros, not
    differentiable: its gradient is 0) or any other p ((Σ|x|ᵖ)^(1/p), p < 0 included).
    Matrices (two axes): None or 'fro' ('f'), 'nuc' (Σ of singular values), 2 and -2 (largest
    and smallest singular value), 1, -1 (largest, smallest column sum of |x|), inf, -inf (row
    sums). With axis=None and ord=None, the 2-norm of all the values; with axis=None and
    another ord, x must be 1-d or 2-d. ``axis`` is an int (a vector norm) or a pair of axes
    (a matrix norm), negative ones counted from the end.

    Conventions where a norm has a kink (each tested):
      - at x = 0 the gradient of the 2-norm and of any p-norm is the zero subgradient;
      - abs′(0) = 0: an entry at 0 gets no gradient from the 1-norm, from any p-norm (p < 1
        too, whose slope there is infinite) or from the 1/-1/inf/-inf matrix norms;
      - a p-norm with p < 0 is 0 where an entry is 0 (as NumPy), with gradient 0;
      - tied largest (smallest) entries, column sums or row sums share the gradient of
        inf/-inf (vectors) and of 1/-1/inf/-inf (matrices) equally;
      - at a repeated largest (smallest) singular value the 2 (-2) norm takes u·vᵀ of the
        pair LAPACK returns first; the nuclear norm's gradient is U·Vᵀ over all the pairs,
        zero singular values included: a subgradient where A is singular (U·Vᵀ at A = 0).
    No result is NaN at a kink. p-norms (p other than 0, ±1, 2, ±inf) with p > 0 are
    computed rescaled by max |x| (no over- or underflow), so they may differ from NumPy's in
    the last bit; every other order computes as NumPy does, to the bit.

    Raises:
        ValueError: an order that does not fit the number of axes.

    Example:
        >>> import chainrule as cr
        >>> x = cr.tensor([3.0, 4.0], requires_grad=True)
        >>> cr.linalg.norm(x).backward()
        >>> x.grad
        tensor([0.6, 0.8])
    """
    x = x if is_tensor(x) else asarray(x)
    if x.dtype.kind not in "fc":  # as NumPy: integer and boolean inputs are measured as floats
        x = arithmetic.astype(x, np.float64)
    x_shape = shape.shape_of(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and len(x_shape) == 2) or (
                ord == 2 and len(x_shape) == 1):
            return _l2_op(x, axis=None, keepdims=keepdims)
        if len(x_shape) not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} needs a 1-d or 2-d input when axis is None, got "
                             f"shape {x_shape}; pass axis= to choose the axes")
        axis = tuple(range(len(x_shape)))
    axes = shape.normalize_axis_tuple(axis, len(x_shape), "norm")
    if len(axes) == 1:
        return _vector_norm(x, ord, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis={axis!r} must name one axis (a vector norm) or two (a matrix "
                     "norm)")


def _vector_norm(x, order, axis, keepdims):
    if order is None or order == 2:
        return _l2_op(x, axis=axis, keepdims=keepdims)
    if isinstance(order, str):  # noqa: TRY004 -- a bad value of ord: ValueError, as in NumPy
        raise ValueError(f"norm: ord={order!r} is a matrix norm; a vector norm takes a number")
    magnitude = arithmetic.abs(x)
    if order == np.inf:
        return reductions.max(magnitude, axis=axis, keepdims=keepdims)
    if order == -np.inf:
        return reductions.min(magnitude, axis=axis, keepdims=keepdims)
    if order == 0:
        return reductions.sum(arithmetic.astype(x != 0, x.dtype), axis=axis, keepdims=keepdims)
    if order == 1:
        return reductions.sum(magnitude, axis=axis, keepdims=keepdims)
    if order < 0:
        # An entry at 0 makes |x|ᵖ inf and the norm 0, as in NumPy; the where keeps inf out of
        # the derivative (0·inf = NaN): the gradient there is the zero subgradient.
        zero = comparison.equal(magnitude, 0)
        powers = piecewise.where(zero, np.inf, piecewise.where(zero, 1, magnitude) ** order)
        return reductions.sum(powers, axis=axis, keepdims=keepdims) ** (1 / order)
    if 0 in shape.shape_of(x):  # an empty sum: a norm of 0, as (Σ∅)^(1/p) in NumPy
        return reductions.sum(magnitude, axis=axis, keepdims=keepdims)
    return _rescaled_p_norm(magnitude, order, axis, keepdims)


def _rescaled_p_norm(magnitude, order, axis, keepdims):
    # (Σ|x|ᵖ)^(1/p) as m·(Σ(|x|/m)ᵖ)^(1/p) with m = max |x|, at least the smallest normal
    # number: |x|ᵖ over- and underflows (1e300³, 1e-300³) where the ratios, in [0, 1], do not,
    # and 1/m stays finite. The value does not depend on m, so m is detached, a constant: a
    # gradient through it would cancel, but only after overflowing (|x|/m²).
    largest = reductions.max(magnitude, axis=axis, keepdims=True)
    if is_tensor(largest):
        largest = largest.detach()
    special = comparison.logical_or(comparison.equal(largest, 0), comparison.isinf(largest))
    tiny = np.finfo(magnitude.dtype).tiny
    scale = piecewise.where(special, 1, piecewise.maximum(largest, tiny))
    ratio = piecewise.where(special, 1, magnitude) / scale
    # rᵖ for p < 1 has an infinite slope at r = 0: an entry at 0 takes the zero gradient.
    zero = comparison.equal(ratio, 0)
    powers = piecewise.where(zero, 0, piecewise.where(zero, 1, ratio) ** order)
    total = reductions.sum(powers, axis=axis, keepdims=True)
    # Where max |x| is 0 or inf the norm is max |x| itself, with the zero subgradient at x = 0;
    # there 1 stands in for m and for |x|, so that the branch not taken is never NaN.
    out = piecewise.where(special, largest, scale * total ** (1 / order))
    return out if keepdims else shape.squeeze(out, axis)


_SINGULAR_VALUE_NORMS = {"nuc": reductions.sum, 2: reductions.max, -2: reductions.min}


def _matrix_norm(x, order, axes, keepdims):
    row, col = axes
    if order is None or order in ("f", "fro"):
        return _l2_op(x, axis=tuple(sorted(axes)), keepdims=keepdims)
    if order in _SINGULAR_VALUE_NORMS:
        values = spectral.svdvals(shape.moveaxis(x, axes, (-2, -1)))
        out = _SINGULAR_VALUE_NORMS[order](values, axis=-1)
        return shape.expand_dims(out, sorted(axes)) if keepdims else out
    if order in (1, -1, np.inf, -np.inf):
        summed, kept = (row, col) if order in (1, -1) else (col, row)
        sums = reductions.sum(arithmetic.abs(x), axis=summed, keepdims=True)
        out = (reductions.max if order > 0 else reductions.min)(sums, axis=kept, keepdims=True)
        return out if keepdims else shape.squeeze(out, axes)
    raise ValueError(f"norm: invalid order {order!r} for a matrix norm; use None, 'fro', 'nuc', "
                     "1, -1, 2, -2, inf or -inf")


def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002 -- NumPy's argument name
    """The norm of each matrix in the last two axes, as ``numpy.linalg.matrix_norm``: ``norm``
    with axis=(-2, -1) (its orders and conventions).

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.matrix_norm(cr.tensor([[3.0, 0.0], [0.0, -4.0]]), ord="nuc")
        tensor(7.)
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002 -- NumPy's name
    """The vector norm over ``axis`` (None: all values; a tuple: those axes as one vector), as
    ``numpy.linalg.vector_norm``: ``norm``'s vector orders and conventions.

    Example:
        >>> import chainrule as cr
        >>> cr.linalg.vector_norm(cr.tensor([[3.0, 0.0], [0.0, -4.0]]), ord=1)
        tensor(7.)
    """
    x = x if is_tensor(x) else asarray(x)
    x_shape = shape.shape_of(x)
    if axis is None:
        vectors, vector_axis = shape.ravel(x), 0
    elif isinstance(axis, tuple):
        axes = shape.normalize_axis_tuple(axis, len(x_shape), "vector_norm")
        rest = tuple(i for i in range(len(x_shape)) if i not in axes)
        moved = shape.transpose(x, axes + rest)
        length = math.prod(x_shape[i] for i in axes)
        vectors = shape.reshape(moved, (length, *(x_shape[i] for i in rest)))
        vector_axis = 0
    else:
        vectors, vector_axis = x, axis
    out = norm(vectors, ord=ord, axis=vector_axis)
    if not keepdims:
        return out
    kept = shape.normalize_axis_tuple(range(len(x_shape)) if axis is None else axis,
                                      len(x_shape), "vector_norm")
    return shape.reshape(out, tuple(1 if i in kept else n for i, n in enumerate(x_shape)))


__all__ = ["l2_norm", "matrix_norm", "norm", "vector_norm"]

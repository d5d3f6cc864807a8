"""Shape ops: the same values in another shape. Each is linear; its VJP is its inverse.

reshape, broadcast_to and transpose are the primitives; ravel, swapaxes, moveaxis, squeeze and
expand_dims are compositions of them, so an explanation shows the primitive underneath.
"""

from __future__ import annotations

import operator

import numpy as np

from chainrule.autodiff import fit
from chainrule.primitive import linear, value_of, view_of


def shape_of(x):
    """The shape of a tensor, array, number or nested list, read without touching the graph."""
    return np.shape(value_of(x))


def normalize_axis(axis, ndim, op):
    """``axis`` as an int in [0, ndim), or an AxisError (a ValueError) that names ``op``."""
    try:
        index = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: an axis must be an integer, got {axis!r}") from None
    if not -ndim <= index < ndim:
        valid = "a 0-d tensor has no axes" if ndim == 0 else f"valid axes: {-ndim} to {ndim - 1}"
        raise np.exceptions.AxisError(
            f"{op}: axis {axis} is out of bounds for a tensor with {ndim} dimension(s) ({valid})"
        )
    return index % ndim


def normalize_axis_tuple(axis, ndim, op):
    """One axis or a sequence of axes as a tuple of distinct ints in [0, ndim), order kept."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = tuple(normalize_axis(a, ndim, op) for a in axes)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis!r}; name each axis at most once")
    return normalized


def shape_tuple(shape, op):
    """An int or a sequence of ints as a tuple of ints, or a TypeError that names ``op``."""
    try:
        if not hasattr(shape, "__len__"):
            return (operator.index(shape),)
        return tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError(f"{op}: a shape is an int or a tuple of ints, got {shape!r}") from None


def _scalar_if_0d(out):
    # 0-d results are kept as NumPy scalars, as everywhere in the engine (they compute faster).
    return out[()] if out.ndim == 0 else out


def _reshape(x, shape, order):
    try:
        return _scalar_if_0d(np.reshape(x, shape, order=order))
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {np.shape(x)} (size {np.size(x)}) into "
            f"shape {shape}: the sizes must match (one entry may be -1, to take the rest)"
        ) from None


_reshape_op = linear(
    "reshape", _reshape,
    lambda grad_out, x, shape, order: _reshape_op(grad_out, shape=x.shape, order=order),
)


def reshape(x, shape, order="C"):
    """The same values in a new shape (one entry may be -1), as ``numpy.reshape``.

    Args:
        x: the tensor.
        shape: an int or a tuple of ints; one of them may be -1, inferred from the size.
        order: "C" (last axis fastest, the default) or "F" (first axis fastest).

    Raises:
        ValueError: when the sizes differ; the message gives both shapes.

    Example:
        >>> import chainrule as cr
        >>> cr.reshape(cr.tensor([1.0, 2.0, 3.0, 4.0]), (2, 2))
        tensor([[1., 2.],
                [3., 4.]])
    """
    shape = shape_tuple(shape, "reshape")
    if sum(n == -1 for n in shape) > 1 or any(n < -1 for n in shape):
        raise ValueError(f"reshape: shape {shape} may hold one -1 at most and no other negatives")
    if order not in ("C", "F"):
        raise ValueError(f"reshape: order must be 'C' or 'F', got {order!r}")
    return view_of(_reshape_op(x, shape=shape, order=order), x)


def ravel(x):
    """The values as a 1-d tensor (last axis fastest), as ``numpy.ravel``.

    Example:
        >>> import chainrule as cr
        >>> cr.ravel(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([1., 2., 3., 4.])
    """
    return reshape(x, (-1,))


def _broadcast_to(x, shape):
    try:
        return _scalar_if_0d(np.broadcast_to(x, shape))
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast a tensor of shape {np.shape(x)} to shape {shape}: "
            "aligned from the right, each axis must equal the target's or be 1"
        ) from None


_broadcast_op = linear(
    "broadcast_to", _broadcast_to,
    lambda grad_out, x, shape: fit.unbroadcast(grad_out, x.shape),
)


def broadcast_to(x, shape):
    """x repeated along new or size-1 axes to ``shape`` (a read-only view, as in NumPy).

    The gradient sums over the repeated axes.

    Example:
        >>> import chainrule as cr
        >>> cr.broadcast_to(cr.tensor([1.0, 2.0]), (2, 2))
        tensor([[1., 2.],
                [1., 2.]])
    """
    return _broadcast_op(x, shape=shape_tuple(shape, "broadcast_to"))


def _inverse_permutation(axes):
    inverse = [0] * len(axes)
    for i, a in enumerate(axes):
        inverse[a] = i
    return tuple(inverse)


_transpose_op = linear(
    "transpose", lambda x, axes: np.transpose(x, axes),
    lambda grad_out, x, axes: _transpose_op(
        grad_out, axes=None if axes is None else _inverse_permutation(axes)
    ),
)


def transpose(x, axes=None):
    """The axes permuted (reversed by default), as ``numpy.transpose``.

    Raises:
        ValueError: when ``axes`` is not a permutation of the tensor's axes.

    Example:
        >>> import chainrule as cr
        >>> cr.transpose(cr.tensor([[1.0, 2.0]]))
        tensor([[1.],
                [2.]])
    """
    if axes is not None:
        ndim = len(shape_of(x))
        axes = normalize_axis_tuple(axes, ndim, "transpose")
        if len(axes) != ndim:
            raise ValueError(
                f"transpose: axes {axes} must name each of the {ndim} axes of a tensor of "
                f"shape {shape_of(x)} once"
            )
    return view_of(_transpose_op(x, axes=axes), x)


def swapaxes(x, axis1, axis2):
    """Two axes exchanged, as ``numpy.swapaxes``.

    Example:
        >>> import chainrule as cr
        >>> cr.swapaxes(cr.tensor([[1.0, 2.0]]), 0, 1).shape
        (2, 1)
    """
    ndim = len(shape_of(x))
    axes = list(range(ndim))
    axis1, axis2 = normalize_axis(axis1, ndim, "swapaxes"), normalize_axis(axis2, ndim, "swapaxes")
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


def moveaxis(x, source, destination):
    """Axes moved to new positions, the others keeping their order, as ``numpy.moveaxis``.

    Example:
        >>> import chainrule as cr
        >>> cr.moveaxis(cr.tensor([[[1.0, 2.0, 3.0]]]), -1, 0).shape
        (3, 1, 1)
    """
    ndim = len(shape_of(x))
    source = normalize_axis_tuple(source, ndim, "moveaxis")
    destination = normalize_axis_tuple(destination, ndim, "moveaxis")
    if len(source) != len(destination):
        raise ValueError(
            f"moveaxis: {len(source)} source axes but {len(destination)} destinations; "
            "give one destination per source axis"
        )
    order = [a for a in range(ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(x, order)


def squeeze(x, axis=None):
    """Size-1 axes removed (all of them, or those in ``axis``), as ``numpy.squeeze``.

    Raises:
        ValueError: when an axis in ``axis`` does not have size 1.

    Example:
        >>> import chainrule as cr
        >>> cr.squeeze(cr.tensor([[1.0], [2.0]])).shape
        (2,)
    """
    shape = shape_of(x)
    if axis is None:
        drop = {i for i, n in enumerate(shape) if n == 1}
    else:
        # NumPy accepts axis 0 (or -1) on a 0-d array, and so do we.
        drop = set(normalize_axis_tuple(axis, max(len(shape), 1), "squeeze")) if shape else set()
        for a in sorted(drop):
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot remove axis {a} of a tensor of shape {shape}: it has size "
                    f"{shape[a]}, and only size-1 axes can be removed"
                )
    return reshape(x, tuple(n for i, n in enumerate(shape) if i not in drop))


def expand_dims(x, axis):
    """New size-1 axes inserted at ``axis`` (positions in the result), as ``numpy.expand_dims``.

    Example:
        >>> import chainrule as cr
        >>> cr.expand_dims(cr.tensor([1.0, 2.0]), 0).shape
        (1, 2)
    """
    shape = shape_of(x)
    count = 1 if isinstance(axis, (int, np.integer)) else len(axis)
    positions = set(normalize_axis_tuple(axis, len(shape) + count, "expand_dims"))
    rest = iter(shape)
    return reshape(x, tuple(1 if i in positions else next(rest) for i in range(len(shape) + count)))


__all__ = [
    "reshape", "ravel", "broadcast_to", "transpose", "swapaxes", "moveaxis", "squeeze",
    "expand_dims",
]

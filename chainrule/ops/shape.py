"""Shape ops: views and rearrangements of the same values. Each is linear; its VJP is its inverse."""

from __future__ import annotations

import numpy as np

from chainrule.primitive import linear


def _shape_of(x):
    return x.shape


def _reshape(x, shape):
    return np.reshape(x, shape)


_reshape_op = linear(
    "reshape", _reshape, lambda grad_out, x, shape: reshape(grad_out, _shape_of(x)), "1"
)


def reshape(x, shape):
    """The same values in a new shape (one entry may be -1), as ``numpy.reshape``.

    Example:
        >>> import chainrule as cr
        >>> cr.reshape(cr.tensor([1.0, 2.0, 3.0, 4.0]), (2, 2))
        tensor([[1., 2.],
                [3., 4.]])
    """
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _reshape_op(x, shape=shape)


def ravel(x):
    """The values as a 1-d tensor, as ``numpy.ravel``.

    Example:
        >>> import chainrule as cr
        >>> cr.ravel(cr.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([1., 2., 3., 4.])
    """
    return reshape(x, (-1,))


def _broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


_broadcast_op = linear(
    "broadcast_to", _broadcast_to,
    lambda grad_out, x, shape: fit.unbroadcast(grad_out, _shape_of(x)),
    "1 (summed over the broadcast axes)",
)


def broadcast_to(x, shape):
    """x repeated along new or size-1 axes to ``shape`` (a read-only view, as in NumPy).

    Example:
        >>> import chainrule as cr
        >>> cr.broadcast_to(cr.tensor([1.0, 2.0]), (2, 2))
        tensor([[1., 2.],
                [1., 2.]])
    """
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _broadcast_op(x, shape=shape)


def _transpose(x, axes):
    return np.transpose(x, axes)


def _inverse_permutation(axes, ndim):
    if axes is None:
        return None
    inverse = [0] * ndim
    for i, a in enumerate(axes):
        inverse[a % ndim] = i
    return tuple(inverse)


_transpose_op = linear(
    "transpose", _transpose,
    lambda grad_out, x, axes: transpose(grad_out, _inverse_permutation(axes, len(_shape_of(x)))),
    "1 (axes permuted back)",
)


def transpose(x, axes=None):
    """The axes permuted (reversed by default), as ``numpy.transpose``.

    Example:
        >>> import chainrule as cr
        >>> cr.transpose(cr.tensor([[1.0, 2.0]]))
        tensor([[1.],
                [2.]])
    """
    return _transpose_op(x, axes=None if axes is None else tuple(int(a) for a in axes))


def swapaxes(x, axis1, axis2):
    """Two axes exchanged, as ``numpy.swapaxes``.

    Example:
        >>> import chainrule as cr
        >>> cr.swapaxes(cr.tensor([[1.0, 2.0]]), 0, 1).shape
        (2, 1)
    """
    ndim = np.ndim(getattr(x, "_data", x))
    axes = list(range(ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


def moveaxis(x, source, destination):
    """Axes moved to new positions, the others keeping their order, as ``numpy.moveaxis``.

    Example:
        >>> import chainrule as cr
        >>> cr.moveaxis(cr.tensor([[[1.0, 2.0, 3.0]]]), -1, 0).shape
        (3, 1, 1)
    """
    ndim = np.ndim(getattr(x, "_data", x))
    source = [source] if isinstance(source, (int, np.integer)) else list(source)
    destination = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    source = [s % ndim for s in source]
    destination = [d % ndim for d in destination]
    order = [a for a in range(ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(x, order)


def squeeze(x, axis=None):
    """Size-1 axes removed (all of them, or those in ``axis``), as ``numpy.squeeze``.

    Example:
        >>> import chainrule as cr
        >>> cr.squeeze(cr.tensor([[1.0], [2.0]])).shape
        (2,)
    """
    shape = np.shape(getattr(x, "_data", x))
    ndim = len(shape)
    if axis is None:
        drop = {i for i, n in enumerate(shape) if n == 1}
    else:
        drop = {a % ndim for a in ((axis,) if isinstance(axis, (int, np.integer)) else axis)}
        bad = [a for a in drop if shape[a] != 1]
        if bad:
            raise ValueError(
                f"squeeze: axis {bad[0]} has size {shape[bad[0]]}, not 1 (shape {shape})"
            )
    return reshape(x, tuple(n for i, n in enumerate(shape) if i not in drop))


def expand_dims(x, axis):
    """New size-1 axes inserted at ``axis``, as ``numpy.expand_dims``.

    Example:
        >>> import chainrule as cr
        >>> cr.expand_dims(cr.tensor([1.0, 2.0]), 0).shape
        (1, 2)
    """
    shape = np.shape(getattr(x, "_data", x))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    ndim = len(shape) + len(axes)
    positions = {a % ndim for a in axes}
    rest = iter(shape)
    return reshape(x, tuple(1 if i in positions else next(rest) for i in range(ndim)))


from chainrule.autodiff import fit  # noqa: E402  (fit uses shape ops too)

__all__ = [
    "reshape", "ravel", "broadcast_to", "transpose", "swapaxes", "moveaxis", "squeeze",
    "expand_dims",
]

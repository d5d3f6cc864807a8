"""Scatter-add (NumPy's ``np.add.at``) for array libraries that have no in-place scatter (Dask,
array API namespaces): the adjoint of a gather with an integer index (``take``, ``x[[0, 0]]``,
``diag``, ``interp``), computed without writing into an array."""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends.errors import BackendError
from chainrule.backends.kinds import from_numpy

# The comparison path holds a (values × positions) matrix: above this many entries it is
# refused rather than exhausting memory.
ONE_HOT_LIMIT = 1 << 24


def scatter_add(values, shape, index):
    """Zeros of ``shape`` with ``values`` (a ForeignArray) added at ``index``; values that land
    on one position add up, as ``np.add.at`` adds them.

    Each value's flat position is read from a grid of positions indexed as the gather was;
    the sums per position are then a ``bincount`` weighted by the values where the library
    has one (Dask, CuPy), else the values times a one-hot matrix of positions (any array API
    namespace; refused above :data:`ONE_HOT_LIMIT` entries).

    Raises:
        BackendError: the one-hot matrix would be too large.

    Example:
        >>> import array_api_strict as xp
        >>> import chainrule as cr
        >>> from chainrule.backends.scatter import scatter_add
        >>> total = scatter_add(cr.backends.hold(xp.asarray([1.0, 2.0, 3.0])), (3,), [0, 0, 2])
        >>> cr.to_numpy(total)
        array([3., 0., 3.])
    """
    size = math.prod(shape)
    names = values.names
    if values.size == 0:  # nothing lands (Dask's bincount of nothing has an unknown length)
        return np.zeros_like(values, shape=shape)
    flat_values = values.reshape(-1)
    positions = _flat_positions(shape, index, values).reshape(-1)
    if names.has("bincount"):
        return _bincount(positions, flat_values, size).reshape(shape)
    if flat_values.size * size > ONE_HOT_LIMIT:
        raise BackendError(
            f"np.add.at is not in its namespace, and the one-hot sum standing in for it would "
            f"hold {flat_values.size} x {size} entries", values.backend)
    targets = _held(np.arange(size), values)
    hits = (positions[:, None] == targets[None, :]).astype(values.dtype)
    return np.matmul(flat_values, hits).reshape(shape)


def _flat_positions(shape, index, like):
    # The flat position of each gathered entry: a grid of positions indexed like the data. An
    # index of NumPy arrays alone (from shapes: diag's positions) is applied by NumPy.
    grid = np.arange(math.prod(shape)).reshape(shape)
    parts = index if isinstance(index, tuple) else (index,)
    if all(isinstance(p, (np.ndarray, np.generic, slice, int, type(None), type(Ellipsis)))
           for p in parts):
        return _held(grid[index], like)
    return _held(grid, like)[index]


def _held(array, like):
    return like.names.wrap(from_numpy(array, like.array))


def _bincount(positions, flat_values, size):
    if flat_values.names.lazy:  # Dask's bincount wants the weights in the positions' chunks
        positions = positions.names.wrap(positions.array.rechunk(flat_values.array.chunks))
    if flat_values.dtype.kind == "c":
        return (_bincount(positions, flat_values.real, size)
                + 1j * _bincount(positions, flat_values.imag, size))
    total = np.bincount(positions, weights=flat_values, minlength=size)
    return total if total.dtype == flat_values.dtype else total.astype(flat_values.dtype)


__all__ = ["ONE_HOT_LIMIT", "scatter_add"]

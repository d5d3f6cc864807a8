"""Batch: many cotangents or tangents going through ONE sweep, as rows of a Jacobian.

A Batch holds B values of one shape stacked along a leading axis, and shows the engine and the
rules the shape, dtype and ndim of ONE value. They compute as for a single value; each NumPy
function they call on it is applied to all B values at once by a batching rule (here for
operators and indexing; in :mod:`ufuncs` and :mod:`functions`, which set Batch's NumPy
dispatch, for the rest). Anything without a rule raises :class:`Unbatchable` (or NumPy's
TypeError), never a wrong value, so the transform can fall back to one sweep per row. Some
batches are kept factored for as long as the ops allow (see :mod:`factored`): the identity a
Jacobian starts from, and rows times scale factors.
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.primitive import Unbatchable
from chainrule.tensor import Tensor


class Batch:
    """B values of shape ``shape``, stored as one array of shape ``(B, *shape)``."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data

    shape = property(lambda self: self.data.shape[1:])
    ndim = property(lambda self: self.data.ndim - 1)
    dtype = property(lambda self: self.data.dtype)
    size = property(lambda self: math.prod(self.shape))
    count = property(lambda self: len(self.data))  # B, the number of rows
    T = property(lambda self: np.transpose(self))
    mT = property(lambda self: np.swapaxes(self, -1, -2))

    def __repr__(self):
        return f"{type(self).__name__}({self.count} × {self.shape}, {self.dtype})"

    # A Batch has no single value: every way of reading one out is refused.
    def __array__(self, dtype=None, copy=None):
        raise Unbatchable("a batch of rows cannot become one array here")

    def __bool__(self):
        raise Unbatchable("a batch of rows has no single truth value")

    def __len__(self):
        raise Unbatchable("a batch of rows has no single length")

    def __iter__(self):
        raise Unbatchable("a batch of rows cannot be iterated entry by entry")

    # The ndarray methods the engine calls on plain arrays, with their per-row meaning.
    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return np.sum(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def reshape(self, *shape, order="C"):
        return np.reshape(self, shape[0] if len(shape) == 1 else shape, order=order)

    def transpose(self, *axes):
        return np.transpose(self, axes[0] if len(axes) == 1 else axes or None)

    def swapaxes(self, axis1, axis2):
        return np.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        return np.squeeze(self, axis)

    def ravel(self):
        return np.reshape(self, -1)

    def astype(self, dtype, copy=True):
        return Batch(self.data.astype(dtype, copy=copy))

    def copy(self):
        return Batch(self.data.copy())

    def __getitem__(self, index):
        return Batch(self.data[batched_index(index)])

    def __setitem__(self, index, value):
        # Copy on write: the rows of a batch never change once made, so that factored
        # batches may share them (see :mod:`factored`).
        full = batched_index(index)
        data = np.array(self.data)
        data[full] = aligned(value, data[full].ndim - 1, self.count)
        self.data = data


def _operator(ufunc, reflected=False):
    def method(self, other):
        if isinstance(other, Tensor):
            return NotImplemented
        return ufunc(other, self) if reflected else ufunc(self, other)

    return method


for _name, _ufunc in [
    ("add", np.add),
    ("sub", np.subtract),
    ("mul", np.multiply),
    ("truediv", np.true_divide),
    ("pow", np.power),
    ("matmul", np.matmul),
    ("floordiv", np.floor_divide),
    ("mod", np.mod),
]:
    setattr(Batch, f"__{_name}__", _operator(_ufunc))
    setattr(Batch, f"__r{_name}__", _operator(_ufunc, reflected=True))
for _name, _ufunc in [
    ("lt", np.less),
    ("le", np.less_equal),
    ("gt", np.greater),
    ("ge", np.greater_equal),
    ("eq", np.equal),
    ("ne", np.not_equal),
]:
    setattr(Batch, f"__{_name}__", _operator(_ufunc))
Batch.__neg__ = lambda self: np.negative(self)
Batch.__pos__ = lambda self: self
Batch.__abs__ = lambda self: np.absolute(self)
Batch.__hash__ = None


def shape_of(value):
    """The shape of one row of a batch, or of a plain value (read without NumPy's dispatch)."""
    return value.shape if isinstance(value, Batch) else np.shape(value)


def batch_size(values):
    """The common B of the batches among ``values`` (checked to agree)."""
    sizes = {v.count for v in values if isinstance(v, Batch)}
    if len(sizes) != 1:
        raise Unbatchable(f"batches of different sizes {sorted(sizes)} meet")
    return sizes.pop()


def aligned(value, ndim, size):
    """``value`` as an array whose axes after the batch axis line up with ``ndim`` axes.

    A Batch gets size-1 axes after its batch axis (broadcasting aligns from the right, so
    without them its batch axis would meet a value axis); a plain value is the same for
    every row and broadcasts as it is.
    """
    if not isinstance(value, Batch):
        return value
    if value.count != size:
        raise Unbatchable(f"batches of different sizes {value.count} and {size} meet")
    missing = ndim - value.ndim
    if missing <= 0:
        return value.data
    return value.data.reshape(value.data.shape[:1] + (1,) * missing + value.shape)


def matrix_stacks(*operands):
    """The data of stacks of matrices, lined up so that NumPy broadcasts their stacked axes
    row by row: a Batch gets size-1 axes after its batch axis, a plain operand stays as is."""
    size = batch_size(operands)
    ndim = max(np.ndim(v) for v in operands)
    return [aligned(v, ndim, size) for v in operands]


def batched_index(index):
    """``index`` for every row: the batch axis kept whole in front.

    Prepending ``:`` is right for basic indices, and for advanced ones (arrays, and ints
    beside them) that stand together; advanced indices split apart by a slice make NumPy
    move their axes to the front, past the batch axis, so those are refused.
    """
    parts = index if isinstance(index, tuple) else (index,)
    advanced = []
    for i, part in enumerate(parts):
        if isinstance(part, (Batch, Tensor, bool, np.bool_)) or (
            isinstance(part, np.ndarray) and part.dtype == bool and not part.ndim
        ):
            raise Unbatchable(f"an index {type(part).__name__} on a batch")
        if isinstance(part, (list, tuple)) or (isinstance(part, np.ndarray) and part.ndim):
            advanced.append(i)
    if advanced:
        integers = [
            i
            for i, p in enumerate(parts)
            if isinstance(p, (int, np.integer)) or (isinstance(p, np.ndarray) and not p.ndim)
        ]
        group = sorted(advanced + integers)
        if group != list(range(group[0], group[-1] + 1)):
            raise Unbatchable("advanced indices separated by slices on a batch")
    return (slice(None),) + parts


__all__ = [
    "Batch",
    "Unbatchable",
    "batch_size",
    "aligned",
    "matrix_stacks",
    "batched_index",
]

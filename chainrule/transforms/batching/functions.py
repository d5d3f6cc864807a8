"""Batching rules for the NumPy functions that linear rules call: shapes, sums, joins, einsum.

Each rule has the NumPy function's signature, receives the per-row view (a Batch among the
arguments) and computes all rows at once on the stacked array, whose axis 0 is the batch: a
per-row axis ``a`` is axis ``a + 1`` of the data. Arguments a rule does not handle are refused
(:class:`Unbatchable`), so that a wrong result is never possible, only a slower fallback.
``RULES`` becomes ``Batch.__array_function__`` here, as the ufunc rules do in :mod:`ufuncs`.
"""

from __future__ import annotations

import math
import string

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from chainrule.tensor import Tensor
from chainrule.transforms.batching import factored
from chainrule.transforms.batching.batch import (
    Batch, Unbatchable, aligned, batch_size, matrix_stacks,
)
from chainrule.transforms.batching.ufuncs import elementwise


def _refuse(**options):
    given = [name for name, value in options.items() if value is not None]
    if given:
        raise Unbatchable(f"option(s) {given} on a batch")


def _axes(axis, ndim):
    """Per-row axes as data axes (None: every per-row axis)."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    return tuple(a + 1 for a in normalize_axis_tuple(axis, ndim))


def _shape_tuple(shape):
    if type(shape) is not tuple and np.ndim(shape) == 0:
        return (int(shape),)
    return tuple(map(int, shape))


def _rows(values):
    """Every value as data with the batch axis: plain ones repeated (a view, no copy)."""
    size = batch_size(values)
    return [
        v.data if isinstance(v, Batch) else np.broadcast_to(v, (size,) + np.shape(v))
        for v in values
    ]


# --- what a value is -----------------------------------------------------------------------


def _shape(a):
    return a.shape


def _ndim(a):
    return a.ndim


def _size(a, axis=None):
    return a.size if axis is None else a.shape[axis]


def _result_type(*arrays_and_dtypes):
    return np.result_type(*[v.dtype if isinstance(v, Batch) else v for v in arrays_and_dtypes])


def _iscomplexobj(x):
    return x.dtype.kind == "c"


# --- new values of a row's shape -------------------------------------------------------------


def _like(fill):
    def rule(a, *fill_value, dtype=None, order="K", subok=True, shape=None, device=None):
        # A zero (one, full) batch, not a single array: rules write rows into it in place.
        shape = a.shape if shape is None else _shape_tuple(shape)
        data = np.empty((a.count,) + shape, dtype=a.dtype if dtype is None else dtype)
        data[...] = fill if fill is not None else fill_value[0]
        return Batch(data)

    return rule


def _copy(a, order="K", subok=False):
    return Batch(a.data.copy())


# --- shapes ----------------------------------------------------------------------------------


def _reshape(a, shape=None, order="C", *, copy=None, newshape=None):
    shape = _shape_tuple(shape if newshape is None else newshape)
    size = a.count
    resolved = _resolved(shape, a.size) if order == "C" else None
    kept = None if resolved is None else factored.reshape(a, resolved)
    if kept is not None:
        return kept
    if order == "C":
        return Batch(np.reshape(a.data, (size,) + shape))
    if order != "F":
        raise Unbatchable(f"reshape order {order!r} on a batch")
    # In F order the first axis varies fastest, so the batch axis goes last for the reshape.
    moved = np.reshape(np.moveaxis(a.data, 0, -1), shape + (size,), order="F")
    return Batch(np.moveaxis(moved, -1, 0))


def _resolved(shape, size):
    """``shape`` with its -1 worked out, when it holds ``size`` entries; else None."""
    known = math.prod(n for n in shape if n != -1)
    if -1 in shape:
        if known == 0 or size % known:
            return None
        shape = tuple(size // known if n == -1 else n for n in shape)
    return shape if math.prod(shape) == size else None


def _ravel(a, order="C"):
    return _reshape(a, (-1,), order)


def _broadcast_to(array, shape, subok=False):
    shape = _shape_tuple(shape)
    if array.ndim > len(shape):
        raise ValueError(f"cannot broadcast shape {array.shape} to {shape}")
    size = array.count
    return Batch(np.broadcast_to(aligned(array, len(shape), size), (size,) + shape))


def _transpose(a, axes=None):
    order = range(a.ndim)[::-1] if axes is None else normalize_axis_tuple(axes, a.ndim)
    if len(order) != a.ndim:
        raise ValueError(f"axes {axes} do not match a value of shape {a.shape}")
    return Batch(np.transpose(a.data, (0,) + tuple(i + 1 for i in order)))


def _swapaxes(a, axis1, axis2):
    first, second = (normalize_axis_index(axis, a.ndim) + 1 for axis in (axis1, axis2))
    return Batch(np.swapaxes(a.data, first, second))


def _moveaxis(a, source, destination):
    return Batch(np.moveaxis(a.data, _axes(source, a.ndim), _axes(destination, a.ndim)))


def _expand_dims(a, axis):
    count = 1 if np.ndim(axis) == 0 else len(axis)
    return Batch(np.expand_dims(a.data, _axes(axis, a.ndim + count)))


def _squeeze(a, axis=None):
    if axis is None:
        axis = tuple(i for i, n in enumerate(a.shape) if n == 1)
    return Batch(np.squeeze(a.data, _axes(axis, a.ndim)))


# --- sums --------------------------------------------------------------------------------------


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _refuse(out=out, initial=initial, where=where)
    return Batch(np.sum(a.data, axis=_axes(axis, a.ndim), dtype=dtype, keepdims=keepdims))


def _cumsum(a, axis=None, dtype=None, out=None):
    _refuse(out=out)
    if axis is None:
        return Batch(np.cumsum(a.data.reshape(a.count, -1), axis=1, dtype=dtype))
    return Batch(np.cumsum(a.data, axis=normalize_axis_index(axis, a.ndim) + 1, dtype=dtype))


def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    _refuse(out=out)
    first, second = (normalize_axis_index(axis, a.ndim) + 1 for axis in (axis1, axis2))
    return Batch(np.trace(a.data, offset, first, second, dtype=dtype))


def _einsum(subscripts, *operands, out=None, optimize=False, **options):
    _refuse(out=out, **options)
    if not isinstance(subscripts, str) or "->" not in subscripts or "." in subscripts:
        raise Unbatchable("einsum on a batch needs explicit subscripts without '...'")
    batch_size(operands)
    letter = next(c for c in string.ascii_letters if c not in subscripts)
    inputs, output = subscripts.split("->")
    specs = [
        letter + spec if isinstance(op, Batch) else spec
        for spec, op in zip(inputs.split(","), operands)
    ]
    arrays = [op.data if isinstance(op, Batch) else op for op in operands]
    spec = ",".join(specs) + "->" + letter + output
    return Batch(np.einsum(spec, *arrays, optimize=optimize))


# --- choosing and joining ---------------------------------------------------------------------


def _where(condition, x=None, y=None):
    if x is None or y is None:
        raise Unbatchable("numpy.where with one argument on a batch")
    return elementwise(np.where, (condition, x, y))


def _clip(a, a_min=None, a_max=None, out=None, **options):
    _refuse(out=out, **options)
    return elementwise(np.clip, (a, a_min, a_max))


def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _refuse(out=out)
    arrays = list(arrays)
    ndims = {np.ndim(a) for a in arrays}
    if axis is None or len(ndims) != 1:
        raise Unbatchable("concatenate of values of different ranks (or axis=None) on a batch")
    axis = normalize_axis_index(axis, ndims.pop()) + 1
    return Batch(np.concatenate(_rows(arrays), axis=axis, dtype=dtype, casting=casting))


def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _refuse(out=out)
    arrays = list(arrays)
    axis = normalize_axis_index(axis, np.ndim(arrays[0]) + 1) + 1
    return Batch(np.stack(_rows(arrays), axis=axis, dtype=dtype, casting=casting))


def _pad(array, pad_width, mode="constant", **options):
    values = options.pop("constant_values", 0)
    if mode != "constant" or options or np.ndim(values) != 0 or not isinstance(array, Batch):
        raise Unbatchable("numpy.pad on a batch pads with one constant only")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (array.ndim, 2))
    widths = np.concatenate([np.zeros((1, 2), dtype=np.intp), widths])
    return Batch(np.pad(array.data, widths, mode="constant", constant_values=values))


def _take(a, indices, axis=None, out=None, mode="raise"):
    _refuse(out=out)
    if not isinstance(a, Batch) or isinstance(indices, Batch):
        raise Unbatchable("numpy.take with a batch of indices")
    if axis is None:
        return Batch(np.take(a.data.reshape(a.count, -1), indices, axis=1, mode=mode))
    return Batch(np.take(a.data, indices, axis=normalize_axis_index(axis, a.ndim) + 1, mode=mode))


def _solve(a, b):
    # numpy.linalg.solve reads a 1-d b as one vector; every other b as a stack of matrices.
    vector = np.ndim(b) == 1
    b = np.expand_dims(b, -1) if vector else b
    out = np.linalg.solve(*matrix_stacks(a, b))
    return Batch(out[..., 0] if vector else out)


RULES = {
    np.shape: _shape,
    np.ndim: _ndim,
    np.size: _size,
    np.result_type: _result_type,
    np.iscomplexobj: _iscomplexobj,
    np.zeros_like: _like(0),
    np.ones_like: _like(1),
    np.empty_like: _like(0),
    np.full_like: _like(None),
    np.copy: _copy,
    np.reshape: _reshape,
    np.ravel: _ravel,
    np.broadcast_to: _broadcast_to,
    np.transpose: _transpose,
    np.swapaxes: _swapaxes,
    np.moveaxis: _moveaxis,
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.sum: _sum,
    np.cumsum: _cumsum,
    np.trace: _trace,
    np.einsum: _einsum,
    np.where: _where,
    np.clip: _clip,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.pad: _pad,
    np.take: _take,
    np.linalg.solve: _solve,
}


def array_function(self, func, types, args, kwargs):
    """``Batch.__array_function__``: the batching rule of a NumPy function, from ``RULES``."""
    for kind in types:
        if issubclass(kind, Tensor):
            return NotImplemented
    rule = RULES.get(func)
    if rule is None:
        raise Unbatchable(f"no batching rule for numpy.{func.__name__}")
    return rule(*args, **kwargs)


Batch.__array_function__ = array_function

__all__ = ["RULES"]

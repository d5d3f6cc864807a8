"""NumPy's calls whose signature differs from the array API standard's, written on the standard:
transpose's axes, swapaxes, cumsum over a flattened array, squeeze of every unit axis, dot of
any ranks, trace and diagonal over chosen axes, pad with a constant, asarray that refuses to
build a NumPy array, and so on. Each takes the NumpyNames it serves first."""

from __future__ import annotations

import math

import numpy as np

from chainrule.backends.errors import BackendError
from chainrule.backends.linalg_signatures import ADAPTERS as LINALG_ADAPTERS
from chainrule.backends.missing_elementwise import ADAPTERS as ELEMENTWISE_ADAPTERS

def _normal_axis(axis, ndim):
    return axis + ndim if axis < 0 else axis


def _transpose(names, x, axes=None):
    x = names.unwrap(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    return names.wrap(names.xp.permute_dims(x, axes))


def _swapaxes(names, x, axis1, axis2):
    x = names.unwrap(x)
    axes = list(range(x.ndim))
    a, b = _normal_axis(axis1, x.ndim), _normal_axis(axis2, x.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return names.wrap(names.xp.permute_dims(x, tuple(axes)))


def _cumulative(standard):
    def cumulative(names, x, axis=None, dtype=None):
        x = names.unwrap(x)
        if axis is None:  # NumPy runs over the flattened array
            x, axis = names.xp.reshape(x, (-1,)), 0
        kwargs = {} if dtype is None else {"dtype": names.dtype(dtype)}
        return names.wrap(getattr(names.xp, standard)(x, axis=axis, **kwargs))

    return cumulative


def _squeeze(names, x, axis=None):
    x = names.unwrap(x)
    if axis is None:
        axis = tuple(i for i, n in enumerate(x.shape) if n == 1)
    return names.wrap(names.xp.squeeze(x, axis=axis))


def _expand_dims(names, x, axis):
    x = names.unwrap(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    shape = list(x.shape)
    for a in sorted(_normal_axis(a, ndim) for a in axes):
        shape.insert(a, 1)
    return names.wrap(names.xp.reshape(x, tuple(shape)))


def _reshape(names, x, shape=None, order="C", newshape=None, copy=None):
    if order not in ("C", "K", "A"):  # its arrays show no layout: "K" and "A" read as "C"
        raise BackendError(f"reshape in order={order!r} is not in its namespace", names.backend)
    shape = newshape if shape is None else shape
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return names.wrap(names.xp.reshape(names.unwrap(x), shape, copy=copy))


def _ravel(names, x, order="C"):
    return _reshape(names, x, (-1,), order)


def _asarray(names, x, dtype=None, copy=None, **kwargs):
    x = names.unwrap(x)
    if not isinstance(x, (int, float, complex, bool)) and not hasattr(x, "__array_namespace__"):
        raise BackendError(
            "np.asarray/np.array of anything but one of its arrays or a number would build a "
            "NumPy array to combine with its arrays", names.backend)
    kwargs = {} if dtype is None else {"dtype": names.dtype(dtype)}
    return names.wrap(names.xp.asarray(x, copy=copy, **kwargs))


def _array(names, x, dtype=None, copy=True, **kwargs):
    return _asarray(names, x, dtype=dtype, copy=copy)


def _where(names, condition, x=None, y=None):
    if x is None and y is None:
        return names.function("nonzero")(condition)
    condition, x, y = names.unwrap((condition, x, y))
    x, y = names.promoted((x, y))
    return names.wrap(names.xp.where(condition, x, y))


def _astype(names, x, dtype, copy=True, **kwargs):
    return names.wrap(names.xp.astype(names.unwrap(x), names.dtype(dtype), copy=copy))


def _tensordot(names, x, y, axes=2):
    x, y = names.promoted(names.unwrap((x, y)))
    return names.wrap(names.xp.tensordot(x, y, axes=axes))


def _matmul(names, x, y, **kwargs):
    x, y = names.promoted(names.unwrap((x, y)))
    return names.wrap(names.xp.matmul(x, y))


def _dot(names, x, y):
    x, y = names.promoted(names.unwrap((x, y)))
    if x.ndim == 0 or y.ndim == 0:
        return names.wrap(names.xp.multiply(x, y))
    if y.ndim == 1 or x.ndim <= 2 and y.ndim <= 2:
        return names.wrap(names.xp.tensordot(x, y, axes=((x.ndim - 1,), (max(y.ndim - 2, 0),))))
    raise BackendError("np.dot of arrays of more than two axes is not in its namespace",
                       names.backend)


def _trace(names, x, offset=0, axis1=0, axis2=1, dtype=None):
    x = names.unwrap(x)
    x = names.xp.moveaxis(x, (axis1, axis2), (-2, -1))
    kwargs = {} if dtype is None else {"dtype": names.dtype(dtype)}
    return names.wrap(names.xp.linalg.trace(x, offset=offset, **kwargs))


def _diagonal(names, x, offset=0, axis1=0, axis2=1):
    x = names.unwrap(x)
    x = names.xp.moveaxis(x, (axis1, axis2), (-2, -1))
    return names.wrap(names.xp.linalg.diagonal(x, offset=offset))


def _outer(names, x, y):
    x, y = names.promoted(names.unwrap((x, y)))
    xp = names.xp
    return names.wrap(xp.linalg.outer(xp.reshape(x, (-1,)), xp.reshape(y, (-1,))))


def _take(names, x, indices, axis=None, **kwargs):
    x, indices = names.unwrap((x, indices))
    if axis is None:
        x, axis = names.xp.reshape(x, (-1,)), 0
    return names.wrap(names.xp.take(x, indices, axis=axis))


def _shape_of(names, x):
    return tuple(names.unwrap(x).shape)


def _ndim(names, x):
    return names.unwrap(x).ndim


def _size(names, x, axis=None):
    x = names.unwrap(x)
    return math.prod(x.shape) if axis is None else x.shape[axis]


def _result_type(names, *values):
    return np.result_type(*(names.numpy_dtype(v.dtype) if hasattr(v, "dtype") else v
                            for v in names.unwrap(values)))


def _iscomplexobj(names, x):
    return np.dtype(_result_type(names, x)).kind == "c"


def _full_like(names, x, fill_value, dtype=None, **kwargs):
    kwargs = {} if dtype is None else {"dtype": names.dtype(dtype)}
    return names.wrap(names.xp.full_like(names.unwrap(x), fill_value, **kwargs))


def _like(standard):
    def like(names, x, dtype=None, shape=None, **kwargs):
        x = names.unwrap(x)
        dtype = x.dtype if dtype is None else names.dtype(dtype)
        if shape is not None:  # NumPy's shape= makes a new shape in x's dtype and device
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            made = getattr(names.xp, standard.removesuffix("_like"))
            return names.wrap(made(shape, dtype=dtype, device=x.device))
        return names.wrap(getattr(names.xp, standard)(x, dtype=dtype))

    return like


def _broadcast_to(names, x, shape, **kwargs):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return names.wrap(names.xp.broadcast_to(names.unwrap(x), shape))


def _stack(standard):
    def joined(names, arrays, axis=0, **kwargs):
        arrays = names.promoted(tuple(names.unwrap(list(arrays))))
        return names.wrap(getattr(names.xp, standard)(list(arrays), axis=axis))

    return joined


def _clip(names, x, a_min=None, a_max=None, **kwargs):
    x = names.unwrap(x)
    lower, upper = names.unwrap((kwargs.get("min", a_min), kwargs.get("max", a_max)))
    return names.wrap(names.xp.clip(x, lower, upper))


def _sign(names, x):
    return names.wrap(names.xp.sign(names.unwrap(x)))


def _real_part(standard):
    def part(names, x):
        x = names.unwrap(x)
        if standard == "real" and not names.xp.isdtype(x.dtype, "complex floating"):
            return names.wrap(x)
        if standard == "imag" and not names.xp.isdtype(x.dtype, "complex floating"):
            return names.wrap(names.xp.zeros_like(x))
        return names.wrap(getattr(names.xp, standard)(x))

    return part


def _conj(names, x):
    x = names.unwrap(x)
    if not names.xp.isdtype(x.dtype, "complex floating"):
        return names.wrap(x)
    return names.wrap(names.xp.conj(x))


def _copy(names, x, **kwargs):
    return names.wrap(names.xp.asarray(names.unwrap(x), copy=True))


def _ones_or_zeros(standard):
    def make(names, shape, dtype=float, **kwargs):
        return names.wrap(getattr(names.xp, standard)(shape, dtype=names.dtype(dtype)))

    return make


def _sort(names, x, axis=-1, **kwargs):
    x = names.unwrap(x)
    if axis is None:
        x, axis = names.xp.reshape(x, (-1,)), 0
    return names.wrap(names.xp.sort(x, axis=axis))


def _pad(names, x, pad_width, mode="constant", constant_values=0, **kwargs):
    if mode != "constant":
        raise BackendError(f"np.pad(mode={mode!r}) is not in its namespace", names.backend)
    x = names.unwrap(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    shape = tuple(int(n + before + after) for n, (before, after) in zip(x.shape, widths))
    out = names.xp.full(shape, constant_values, dtype=x.dtype, device=x.device)
    inside = tuple(slice(int(before), int(before) + n) for n, (before, _) in zip(x.shape, widths))
    out[inside] = x
    return names.wrap(out)


def _exp2(names, x):
    x = names.unwrap(x)
    return names.wrap(names.xp.pow(names.xp.asarray(2.0, dtype=x.dtype, device=x.device), x))


def _isscalar(names, x):
    return isinstance(x, (int, float, complex, bool, np.generic))


ADAPTERS = {
    "transpose": _transpose, "swapaxes": _swapaxes, "cumsum": _cumulative("cumulative_sum"),
    "cumprod": _cumulative("cumulative_prod"), "squeeze": _squeeze, "expand_dims": _expand_dims,
    "reshape": _reshape, "ravel": _ravel, "asarray": _asarray, "asanyarray": _asarray,
    "array": _array, "ascontiguousarray": _asarray, "where": _where, "astype": _astype,
    "tensordot": _tensordot, "matmul": _matmul, "dot": _dot, "trace": _trace,
    "diagonal": _diagonal, "outer": _outer, "take": _take, "shape": _shape_of, "ndim": _ndim,
    "size": _size, "result_type": _result_type, "iscomplexobj": _iscomplexobj,
    "isrealobj": lambda names, x: not _iscomplexobj(names, x), "full_like": _full_like,
    "zeros_like": _like("zeros_like"), "ones_like": _like("ones_like"),
    "empty_like": _like("empty_like"), "broadcast_to": _broadcast_to,
    "stack": _stack("stack"), "concatenate": _stack("concat"), "clip": _clip, "sign": _sign,
    "real": _real_part("real"), "imag": _real_part("imag"), "conj": _conj, "conjugate": _conj,
    "copy": _copy, "zeros": _ones_or_zeros("zeros"), "ones": _ones_or_zeros("ones"),
    "sort": _sort, "isscalar": _isscalar, "linalg.matmul": _matmul, "pad": _pad,
    "exp2": _exp2, **LINALG_ADAPTERS, **ELEMENTWISE_ADAPTERS,
}


__all__ = ["ADAPTERS"]

"""NumPy's functions of a whole matrix or a whole axis on Dask arrays that hold it in one chunk:
NumPy's own function run chunk by chunk (as Dask computes everything), for what Dask lacks
(det, slogdet, eigh, pinv, sort, argsort, partition) or takes other arguments for (cholesky's
upper, qr's mode, svd's compute_uv). The result is lazy, in the input's other chunks."""

from __future__ import annotations

import functools
import inspect

import numpy as np

from chainrule.backends.errors import BackendError


def _qr_shapes(m, n, mode="reduced"):
    k = min(m, n)
    return {"reduced": [(m, k), (k, n)], "complete": [(m, m), (m, n)], "r": [(k, n)]}[mode]


def _svd_shapes(m, n, full_matrices=True, compute_uv=True, hermitian=False):
    k = min(m, n)
    if not compute_uv:
        return [(k,)]
    return [(m, m), (k,), (n, n)] if full_matrices else [(m, k), (k,), (k, n)]


# NumPy's function → the core shapes of its results for an (m, n) matrix and its keywords (a
# function of one result gives a list of one).
CORE_SHAPES = {
    np.linalg.det: lambda m, n: [()],
    np.linalg.slogdet: lambda m, n: [(), ()],
    np.linalg.cholesky: lambda m, n, upper=False: [(m, n)],
    np.linalg.qr: _qr_shapes,
    np.linalg.eigh: lambda m, n, UPLO="L": [(m,), (m, m)],
    np.linalg.eigvalsh: lambda m, n, UPLO="L": [(m,)],
    np.linalg.svd: _svd_shapes,
    np.linalg.pinv: lambda m, n, rcond=None, hermitian=False, rtol=None: [(n, m)],
}


def matrixwise(func, array, kwargs):
    """``func(array, **kwargs)`` (NumPy's, on a Dask array) computed chunk by chunk: a tuple of
    Dask arrays where NumPy gives several results.

    Raises:
        BackendError: a matrix split over several chunks (rechunk it: ``x.rechunk({-2: -1,
            -1: -1})``).
    """
    if array.ndim < 2:
        raise BackendError(f"its {func.__name__} needs matrices, got shape {array.shape}",
                           "dask")
    if len(array.chunks[-2]) > 1 or len(array.chunks[-1]) > 1:
        raise BackendError(
            f"NumPy's {func.__name__} runs on each matrix in one chunk; this one is split in "
            f"chunks {array.chunks[-2:]}: rechunk it with x.rechunk({{-2: -1, -1: -1}})",
            "dask")
    m, n = array.shape[-2:]
    shapes = CORE_SHAPES[func](m, n, **kwargs)
    # Each result is its own map over the chunks (Dask's arrays hold one result each), so a
    # decomposition of several results is computed once for each.
    several = len(shapes) > 1
    results = [_result(func, array, kwargs, k if several else None, core)
               for k, core in enumerate(shapes)]
    return tuple(results) if several else results[0]


def _result(func, array, kwargs, k, core):
    batch = array.ndim - 2
    dtype = np.result_type(array.dtype, np.float32 if array.dtype.itemsize <= 4 else np.float64)
    if func is np.linalg.slogdet and k == 0:
        dtype = array.dtype
    compute = functools.partial(_kth, func, kwargs, k)
    return array.map_blocks(
        compute, dtype=dtype, drop_axis=[batch, batch + 1],
        new_axis=list(range(batch, batch + len(core))),
        chunks=array.chunks[:batch] + tuple((size,) for size in core),
        meta=np.empty((0,) * (batch + len(core)), dtype))


def _kth(func, kwargs, k, block):
    out = func(block, **kwargs)
    return out if k is None else out[k]


# NumPy's functions along one axis whose result has the input's shape.
ALONG_AXIS = {np.sort: None, np.argsort: np.intp, np.partition: None, np.argpartition: np.intp}


def along_axis(func, args, kwargs):
    """``func(*args, **kwargs)`` (NumPy's, on a Dask array) computed chunk by chunk along the
    other axes.

    Raises:
        BackendError: the axis split over several chunks (rechunk it: ``x.rechunk({axis:
            -1})``).
    """
    bound = inspect.signature(func).bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    array, axis = arguments.pop("a"), arguments.pop("axis")
    if axis is None:  # NumPy runs over the flattened array
        array, axis = array.reshape(-1), 0
    if array.ndim == 0 or len(array.chunks[axis]) > 1:
        raise BackendError(
            f"NumPy's {func.__name__} runs along an axis in one chunk; this one is split in "
            f"chunks {array.chunks[axis] if array.ndim else ()}: rechunk it with "
            f"x.rechunk({{{axis}: -1}})", "dask")
    dtype = ALONG_AXIS[func] or array.dtype
    return array.map_blocks(functools.partial(func, axis=axis, **arguments), dtype=dtype,
                            meta=np.empty((0,) * array.ndim, dtype))


__all__ = ["ALONG_AXIS", "CORE_SHAPES", "along_axis", "matrixwise"]

"""The two backends the suite runs on this CPU-only machine, and how a test moves NumPy values
into them and refuses any hidden trip back: array-api-strict (its arrays' conversion to NumPy
raises while a check runs) and Dask (a scheduler that raises if anything computes)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import chainrule as cr

BACKENDS = ("array_api_strict", "dask")
# Whether to_backend gives Dask arrays of one chunk (some of Dask's linalg and fft need it).
ONE_CHUNK = False


def namespace(backend):
    if backend == "dask":
        return pytest.importorskip("dask.array")
    return pytest.importorskip("array_api_strict")


def to_backend(value, backend):
    """A NumPy value (or a tuple/list of them) as the backend's arrays; other values as they
    are."""
    if isinstance(value, (tuple, list)):
        return type(value)(to_backend(v, backend) for v in value)
    if not isinstance(value, (np.ndarray, np.generic)) or isinstance(value, np.bool_):
        return value
    array = np.asarray(value)
    if backend == "dask":
        import dask.array as da

        # Several chunks per axis, so that the ops run chunk by chunk, unless asked otherwise.
        chunks = -1 if ONE_CHUNK else tuple(max(1, (n + 1) // 2) for n in array.shape)
        return da.from_array(array, chunks=chunks)
    return namespace(backend).asarray(array)


def host(value):
    """A result (array, tensor, tuple of them) copied to NumPy, explicitly."""
    if isinstance(value, (tuple, list)):
        return type(value)(host(v) for v in value)
    if value is None or isinstance(value, (int, float, complex)):
        return value
    return cr.to_numpy(value)


@contextlib.contextmanager
def no_hidden_conversion(backend):
    """Inside: a conversion of the backend's arrays to NumPy (or a Dask compute) raises."""
    if backend == "dask":
        import dask

        def refuse(*args, **kwargs):
            raise AssertionError("a Dask array was computed inside an op or rule")

        with dask.config.set(scheduler=refuse):
            yield
        return

    def refuse_array(self, *args, **kwargs):
        raise AssertionError("an array-api-strict array was converted to NumPy")

    from array_api_strict._array_object import Array

    original = Array.__array__
    Array.__array__ = refuse_array
    try:
        yield
    finally:
        Array.__array__ = original

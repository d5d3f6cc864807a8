"""NumPy's decompositions, sorts and partitions on Dask arrays that hold each matrix (or the
sorted axis) in one chunk run chunk by chunk and equal NumPy's (results, dtypes, NumPy's
keywords), lazily; a matrix or axis split over chunks is refused with a BackendError saying how
to rechunk."""

import numpy as np
import pytest

import chainrule as cr
from tests.backends.backend_arrays import host, namespace, no_hidden_conversion

CALLS = [(np.linalg.det, {}), (np.linalg.slogdet, {}), (np.linalg.cholesky, {"upper": True}),
         (np.linalg.qr, {}), (np.linalg.qr, {"mode": "r"}), (np.linalg.qr, {"mode": "complete"}),
         (np.linalg.eigh, {}), (np.linalg.eigvalsh, {"UPLO": "U"}),
         (np.linalg.svd, {"full_matrices": False}), (np.linalg.svd, {"compute_uv": False}),
         (np.linalg.pinv, {})]


def _matrices(dtype=np.float64):
    a = np.random.default_rng(0).normal(size=(5, 3, 3))
    return (a @ a.transpose(0, 2, 1) + 3 * np.eye(3)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("func, kwargs", CALLS, ids=[f"{f.__name__}{k}" for f, k in CALLS])
def test_decomposition_of_a_batch_in_chunks_equals_numpy(func, kwargs, dtype):
    da = namespace("dask")
    a = _matrices(dtype)
    x = cr.backends.hold(da.from_array(a, chunks=(2, 3, 3)))
    with no_hidden_conversion("dask"):
        found = func(x, **kwargs)
    expected = func(a, **kwargs)
    found = found if isinstance(found, tuple) else (found,)
    expected = tuple(expected) if isinstance(expected, tuple) else (expected,)
    for f, e in zip(host(found), expected, strict=True):
        assert f.dtype == e.dtype
        np.testing.assert_array_equal(f, e)


def test_a_matrix_split_over_chunks_says_how_to_rechunk():
    da = namespace("dask")
    x = cr.tensor(da.from_array(_matrices()[0], chunks=2))
    with pytest.raises(cr.BackendError, match=r"chainrule.det is not available for dask arrays.*"
                                              r"rechunk\(\{-2: -1, -1: -1\}\)"):
        cr.linalg.det(x)


SORTS = [(np.sort, {}), (np.sort, {"axis": 0}), (np.argsort, {"kind": "stable"}),
         (np.partition, {"kth": 2}), (np.argpartition, {"kth": [0, 3], "axis": -1}),
         (np.sort, {"axis": None})]


@pytest.mark.parametrize("func, kwargs", SORTS, ids=[f"{f.__name__}{k}" for f, k in SORTS])
def test_sort_along_an_axis_in_one_chunk_equals_numpy(func, kwargs):
    da = namespace("dask")
    a = np.random.default_rng(1).permutation(24).reshape(6, 4).astype(float)
    axis = kwargs.get("axis", -1)
    chunks = -1 if axis is None else tuple(-1 if i == axis % 2 else 2 for i in range(2))
    x = cr.backends.hold(da.from_array(a, chunks=chunks))
    with no_hidden_conversion("dask"):
        found = func(x, **kwargs)
    np.testing.assert_array_equal(host(found), func(a, **kwargs))


def test_a_sort_along_an_axis_split_over_chunks_says_how_to_rechunk():
    da = namespace("dask")
    x = cr.tensor(da.from_array(np.arange(6.0)[::-1], chunks=2))
    with pytest.raises(cr.BackendError, match=r"chainrule.sort_order is not available for dask "
                                              r"arrays.*rechunk\(\{0: -1\}\)"):
        cr.sort(x)

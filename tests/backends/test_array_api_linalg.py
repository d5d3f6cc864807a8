"""NumPy's sorting and linalg keywords on an array API namespace (array-api-strict): argsort's
kind and axis=None, eigh's and eigvalsh's UPLO (which triangle is read), svd's compute_uv and
pinv's rcond give NumPy's results."""

import numpy as np
import pytest

import chainrule as cr
from tests.backends.backend_arrays import host, namespace, no_hidden_conversion, to_backend

A = np.array([[2.0, -1.0, 0.5], [7.0, 3.0, 0.25], [-4.0, 9.0, 1.0]])  # not symmetric
CALLS = [
    (np.argsort, {"kind": "stable"}), (np.argsort, {"axis": None}),
    (np.linalg.eigvalsh, {"UPLO": "L"}), (np.linalg.eigvalsh, {"UPLO": "U"}),
    (lambda a, **kw: np.linalg.eigh(a, **kw)[0], {"UPLO": "U"}),
    (lambda a, **kw: np.abs(np.linalg.eigh(a, **kw)[1]), {"UPLO": "U"}),
    (np.linalg.svd, {"compute_uv": False}),
    (lambda a, **kw: np.linalg.svd(a, **kw)[1], {"full_matrices": False}),
    (np.linalg.pinv, {"rcond": 0.2}), (np.linalg.pinv, {}),
]


@pytest.mark.parametrize("call, kwargs", CALLS)
def test_numpy_keywords_on_array_api_strict_give_numpys_results(call, kwargs):
    namespace("array_api_strict")
    x = cr.backends.hold(to_backend(A, "array_api_strict"))
    with no_hidden_conversion("array_api_strict"):
        found = call(x, **kwargs)
    np.testing.assert_allclose(host(found), call(A, **kwargs), rtol=1e-12, atol=1e-14)

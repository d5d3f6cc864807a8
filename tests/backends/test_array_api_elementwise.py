"""NumPy's elementwise functions the array API standard lacks, composed of its own on
array-api-strict: fmax and fmin past NaN, logaddexp2 at equal and infinite arguments, sinc at 0,
angle of real and complex values, cbrt of negative values, all equal to NumPy's to rounding."""

import numpy as np
import pytest

import chainrule as cr
from tests.backends.backend_arrays import host, namespace, no_hidden_conversion, to_backend

X = np.array([np.nan, 1.0, -2.0, np.inf, -np.inf, 0.0, 3.5, np.nan, -0.0])
Y = np.array([0.5, np.nan, -2.0, np.inf, -np.inf, -1.0, 2.0, np.nan, 0.0])
Z = np.array([1.0 + 1.0j, -1.0 + 0.0j, -2.0 - 3.0j, 0.0j])

CALLS = [
    (np.fmax, (X, Y), {}), (np.fmin, (X, Y), {}), (np.fmax, (X, 1.0), {}),
    (np.logaddexp2, (X, Y), {}), (np.logaddexp2, (Y, 0.5), {}), (np.sinc, (X,), {}),
    (np.angle, (X,), {}), (np.angle, (Z,), {"deg": True}), (np.cbrt, (X,), {}),
    (np.cbrt, (np.array([-27.0, 8.0, 1e-300, -3.0, 5e-320, 1e300]),), {}),
]


@pytest.mark.parametrize("func, args, kwargs", CALLS)
def test_composed_function_on_array_api_strict_equals_numpy(func, args, kwargs):
    namespace("array_api_strict")
    held = [cr.backends.hold(to_backend(a, "array_api_strict")) if isinstance(a, np.ndarray)
            else a for a in args]
    with no_hidden_conversion("array_api_strict"), np.errstate(all="ignore"):
        found = func(*held, **kwargs)
        expected = func(*args, **kwargs)
    np.testing.assert_allclose(host(found), expected, rtol=4e-16, atol=0)

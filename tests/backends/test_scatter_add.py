"""The adjoint of a gather on libraries without np.add.at (Dask, array-api-strict): repeated
positions add up as NumPy's np.add.at adds them, with indices of NumPy or of the backend, and
with no conversion of the backend's arrays to NumPy; a one-hot sum too large is refused."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.backends import scatter
from tests.backends.backend_arrays import (BACKENDS, host, namespace, no_hidden_conversion,
                                          to_backend)


def _expected(values, shape, index):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, index, values)
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_repeated_positions_add_up_as_np_add_at(backend):
    namespace(backend)
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    index = (np.array([2, 0, 2]), Ellipsis)
    held = cr.backends.hold(to_backend(values, backend))
    with no_hidden_conversion(backend):
        total = scatter.scatter_add(held, (4, 2), index)
    assert cr.backend_of(total) == backend
    np.testing.assert_array_equal(host(total), _expected(values, (4, 2), index))


@pytest.mark.parametrize("backend", BACKENDS)
def test_gradient_of_take_with_a_backend_index_equals_numpys(backend):
    namespace(backend)
    x, indices = np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.array([3, 1, 3, 3])

    def f(x, indices):
        return (cr.take(x, indices, axis=1) ** 2 * np.float64(1.5)).sum()

    expected = cr.grad(f)(x, indices)
    with no_hidden_conversion(backend):
        found = cr.grad(f)(to_backend(x, backend), to_backend(indices, backend))
    assert cr.backend_of(found) == backend
    np.testing.assert_allclose(host(found), expected, rtol=1e-15)


def test_complex_values_add_up_on_dask():
    namespace("dask")
    values = np.array([1.0 + 2.0j, 3.0 - 1.0j, 0.5j])
    index = np.array([1, 1, 0])
    held = cr.backends.hold(to_backend(values, "dask"))
    with no_hidden_conversion("dask"):
        total = scatter.scatter_add(held, (3,), index)
    np.testing.assert_array_equal(host(total), _expected(values, (3,), index))


def test_a_one_hot_sum_too_large_is_refused(monkeypatch):
    namespace("array_api_strict")
    monkeypatch.setattr(scatter, "ONE_HOT_LIMIT", 8)
    held = cr.backends.hold(to_backend(np.ones(3), "array_api_strict"))
    with pytest.raises(cr.BackendError, match="np.add.at is not in its namespace.*3 x 4"):
        scatter.scatter_add(held, (4,), np.array([0, 0, 1]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_assignment_through_a_new_axis_writes_the_same_entries_as_numpy(backend):
    namespace(backend)
    values = np.arange(6.0).reshape(2, 1, 3)
    expected = np.zeros((2, 3))
    expected[..., None, :] = values
    held = cr.backends.hold(to_backend(np.zeros((2, 3)), backend))
    with no_hidden_conversion(backend):
        held[..., None, :] = cr.backends.hold(to_backend(values, backend))
    np.testing.assert_array_equal(host(held), expected)

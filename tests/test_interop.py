"""NumPy functions and ufuncs on tensors dispatch to chainrule and stay differentiable."""

import numpy as np
import pytest

import chainrule as cr


def test_ufuncs_dispatch_and_stay_differentiable():
    x = cr.tensor([0.5, 1.0], requires_grad=True)
    y = np.sin(x) * np.exp(x)
    assert isinstance(y, cr.Tensor)
    np.sum(y).backward()
    expected = np.cos([0.5, 1.0]) * np.exp([0.5, 1.0]) + np.sin([0.5, 1.0]) * np.exp([0.5, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_array_on_the_left_of_an_operator_gives_a_tensor():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    for y in (np.array([2.0, 3.0]) * x, np.array([2.0, 3.0]) + x, np.ones((2, 2)) @ x):
        assert isinstance(y, cr.Tensor) and y.requires_grad


def test_numpy_functions_dispatch_with_their_arguments():
    x = cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = np.sum(x, axis=0)
    assert isinstance(y, cr.Tensor)
    np.testing.assert_array_equal(y.numpy(), [3.0, 5.0, 7.0])
    np.mean(np.reshape(x, (3, 2)) ** 2).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.arange(6.0).reshape(2, 3) / 6)


def test_unsupported_numpy_function_on_a_tensor_that_requires_grad_names_it():
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(TypeError, match="numpy.linalg.tensorinv"):
        np.linalg.tensorinv(x)


def test_unsupported_numpy_function_on_a_constant_tensor_runs_on_the_values():
    x = cr.tensor([[2.0, 0.0], [0.0, 3.0]])
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(x)), [2.0, 3.0])


def test_value_only_functions_work_on_tensors_that_require_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert np.shape(x) == (2,)
    assert np.allclose(x, [1.0, 2.0])
    assert np.argmax(x) == 1


def test_ufunc_with_out_argument_on_a_tensor_that_requires_grad_is_refused():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="out="):
        np.add(x, 1.0, out=np.empty(2))

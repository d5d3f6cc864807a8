"""The Tensor: attributes, printing, operators, dtypes, comparisons and indexing."""

import numpy as np
import pytest

import chainrule as cr


def test_attributes_follow_numpy():
    x = cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert (x.shape, x.ndim, x.size, x.dtype) == ((2, 3), 2, 6, np.float64)
    assert x.T.shape == (3, 2)
    assert x.is_leaf and x.requires_grad and x.grad is None


def test_grad_is_a_tensor():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert isinstance(x.grad, cr.Tensor)
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_repr_is_numpy_like():
    assert repr(cr.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(cr.tensor(3.0, requires_grad=True)) == "tensor(3., requires_grad=True)"
    assert repr(cr.tensor([1, 2], dtype="float32")) == "tensor([1., 2.], dtype=float32)"
    y = cr.tensor(2.0, requires_grad=True) * 3
    assert repr(y) == "tensor(6., op=multiply)"


def test_item_numpy_and_detach():
    x = cr.tensor([[1.5]], requires_grad=True)
    assert x.item() == 1.5
    assert isinstance(x.numpy(), np.ndarray)
    assert not x.detach().requires_grad


def test_tensor_copies_its_data():
    data = np.ones(3)
    x = cr.tensor(data)
    data[0] = 5.0
    assert x.numpy()[0] == 1.0


def test_float32_stays_float32_with_python_scalars():
    x = cr.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (2 * x + 1.5) / 3 - x**2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_mixed_dtypes_promote_as_numpy_and_gradients_keep_each_dtype():
    a = cr.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    b = cr.tensor(np.ones(2, dtype=np.float64), requires_grad=True)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_operators_and_reflected_operators():
    x = cr.tensor(2.0, requires_grad=True)
    y = 1 + x - 3 * x / (x**2) + 2**x - (-x) + abs(-x)
    expected = 1 + 2 - 3 * 2 / 4 + 4 + 2 + 2
    assert y.item() == pytest.approx(expected)
    y.backward()
    # d/dx: 1 + 3/x² + 2ˣ ln 2 + 1 + 1
    assert x.grad.item() == pytest.approx(1 + 3 / 4 + 4 * np.log(2) + 1 + 1)


def test_matmul_operator_both_ways():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = cr.tensor([1.0, 1.0], requires_grad=True)
    (a @ x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 6.0])
    np.testing.assert_array_equal((x @ a).numpy(), [4.0, 6.0])


def test_comparisons_return_boolean_tensors_without_grad():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == np.bool_ and not mask.requires_grad
    np.testing.assert_array_equal((x == 2.0).numpy(), [False, True, False])
    np.testing.assert_array_equal(((x < 3) & (x >= 2)).numpy(), [False, True, False])


def test_boolean_indexing_is_differentiated():
    x = cr.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x[x.detach() > 0] * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 2.0])


def test_repeated_advanced_indices_accumulate():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])


def test_basic_indexing_and_slices():
    x = cr.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = x[1:, ::2]
    np.testing.assert_array_equal(y.numpy(), [[4.0, 6.0], [8.0, 10.0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]])


def test_iteration_and_len():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert len(x) == 2
    total = sum(v * v for v in x)
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_tensor_of_non_numbers_is_refused():
    with pytest.raises(TypeError, match="numbers"):
        cr.tensor(["a", "b"])


def test_converting_a_tensor_that_requires_grad_to_numpy_implicitly_is_refused():
    x = cr.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="requires grad into a plain NumPy array"):
        np.asarray(x)

"""Tensor's method forms and Python protocol: each is the op it names, differentiable where the
op is, with NumPy's results."""

import copy

import numpy as np
import pytest

import chainrule as cr

X = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])


@pytest.mark.parametrize("method, numpy_form", [
    (lambda t: t.argmax(axis=1), lambda a: a.argmax(axis=1)),
    (lambda t: t.argmin(), lambda a: a.argmin()),
    (lambda t: (t > 0).all(axis=0), lambda a: (a > 0).all(axis=0)),
    (lambda t: (t > 3).any(), lambda a: (a > 3).any()),
    (lambda t: t.ravel(), lambda a: a.ravel()),
    (lambda t: t.flatten(), lambda a: a.flatten()),
    (lambda t: t.transpose(), lambda a: a.transpose()),
    (lambda t: t.transpose((1, 0)), lambda a: a.transpose((1, 0))),
    (lambda t: t.transpose(1, 0), lambda a: a.transpose(1, 0)),
    (lambda t: t.swapaxes(0, 1), lambda a: a.swapaxes(0, 1)),
    (lambda t: t[None].squeeze(0), lambda a: a[None].squeeze(0)),
    (lambda t: t.clip(-1.0, 2.0), lambda a: a.clip(-1.0, 2.0)),
    (lambda t: t.dot(np.ones(3)), lambda a: a.dot(np.ones(3))),
    (lambda t: t.astype(np.float32), lambda a: a.astype(np.float32)),
    (lambda t: t.copy(), lambda a: a.copy()),
    (lambda t: t.conj(), lambda a: a.conj()),
    (lambda t: abs(t).exp(), lambda a: np.exp(np.abs(a))),
    (lambda t: abs(t).log(), lambda a: np.log(np.abs(a))),
    (lambda t: t.abs().sqrt(), lambda a: np.sqrt(np.abs(a))),
    (lambda t: t.tanh(), np.tanh),
    (lambda t: t.relu(), lambda a: np.maximum(a, 0)),
    (lambda t: np.ones((4, 2)) @ t, lambda a: np.ones((4, 2)) @ a),
    (lambda t: t // 2, lambda a: a // 2),
    (lambda t: 7 // t, lambda a: 7 // a),
    (lambda t: t % 2, lambda a: a % 2),
    (lambda t: +t, lambda a: +a),
])
def test_method_forms_give_numpys_values(method, numpy_form):
    got = method(cr.tensor(X))
    expected = numpy_form(X.copy())
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == np.asarray(expected).dtype


@pytest.mark.parametrize("method, derivative", [
    (lambda t: t.exp(), np.exp),
    (lambda t: t.log(), lambda a: 1 / a),
    (lambda t: t.sqrt(), lambda a: 0.5 / np.sqrt(a)),
    (lambda t: t.tanh(), lambda a: 1 - np.tanh(a) ** 2),
    (lambda t: t.abs(), np.sign),
    (lambda t: t.flatten(), np.ones_like),
    (lambda t: t.clip(None, 1.5), lambda a: (a < 1.5).astype(float)),
])
def test_differentiable_method_forms_carry_the_gradient(method, derivative):
    a = np.array([0.5, 1.0, 2.0])
    x = cr.tensor(a, requires_grad=True)
    cr.sum(method(x)).backward()
    np.testing.assert_allclose(x.grad.numpy(), derivative(a))


def test_matmul_from_the_right_is_differentiated_through_the_tensor():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cr.sum(np.array([[1.0, 3.0], [2.0, 4.0]]) @ x).backward()
    assert x.grad.numpy().tolist() == [3.0, 7.0]


def test_in_place_division_and_power_update_the_values():
    t = cr.tensor([2.0, 4.0])
    t /= 2
    assert t.numpy().tolist() == [1.0, 2.0]
    t **= 3
    assert t.numpy().tolist() == [1.0, 8.0]


def test_data_is_a_detached_tensor_sharing_memory():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    data = x.data
    assert not data.requires_grad and np.shares_memory(data.numpy(), x.detach().numpy())


def test_setting_requires_grad_to_what_it_is_changes_nothing():
    x = cr.tensor([1.0], requires_grad=True)
    node = x.node
    x.requires_grad = True
    assert x.node is node


def test_zero_grad_clears_the_gradient():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cr.sum(x * x).backward()
    x.zero_grad()
    assert x.grad is None


def test_format_of_a_0d_tensor_is_its_numbers_and_of_an_array_its_text():
    assert f"{cr.tensor(3.14159):.2f}" == "3.14"
    assert f"{cr.tensor([1.0, 2.0])}" == "[1. 2.]"


def test_len_and_iteration_of_a_0d_tensor_are_refused():
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(cr.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(cr.tensor(1.0)).__next__()


def test_an_integer_tensor_is_an_index_and_a_float_one_is_refused():
    assert [10, 20, 30][cr.tensor(2)] == 30
    with pytest.raises(TypeError, match="only integer tensors can be used as an index"):
        [10, 20][cr.tensor(1.0)]


def test_copies_are_independent_and_keep_requires_grad_for_leaves():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    shallow, deep = copy.copy(x), copy.deepcopy(x)
    assert deep.requires_grad and deep.is_leaf
    deep.numpy()[0] = 9.0
    assert x.numpy()[0] == 1.0
    assert shallow.numpy().tolist() == [1.0, 2.0] and not np.shares_memory(
        shallow.numpy(), x.numpy())


def test_a_tensor_of_something_numpy_cannot_read_is_refused_with_the_type():
    with pytest.raises(TypeError, match="cannot make a tensor from list"):
        cr.tensor([[1.0], [1.0, 2.0]])

"""Indexing: x[index] matches NumPy for every kind of index; gradients scatter-add; take."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops import indexing

pytestmark = pytest.mark.filterwarnings("error")

X = np.arange(24.0).reshape(2, 3, 4) - 7.5
MASK = X > 0

# (index as chainrule takes it, the same index for NumPy)
INDICES = [
    pytest.param(1, 1, id="int"),
    pytest.param(-1, -1, id="negative int"),
    pytest.param((slice(None, None, -1), 1, slice(3, 0, -2)), (slice(None, None, -1), 1,
                 slice(3, 0, -2)), id="negative steps"),
    pytest.param((Ellipsis, None, 2), (Ellipsis, None, 2), id="Ellipsis and None"),
    pytest.param([0, 0, 1], [0, 0, 1], id="repeated list"),
    pytest.param(([1, 1, 0], [2, 2, 2]), ([1, 1, 0], [2, 2, 2]), id="repeated pairs"),
    pytest.param((slice(None), [2, 2], 1), (slice(None), [2, 2], 1), id="slice then advanced"),
    pytest.param(([0, 1], slice(None), [3, 3]), ([0, 1], slice(None), [3, 3]),
                 id="advanced split by a slice"),
    pytest.param(MASK, MASK, id="boolean mask"),
    pytest.param((np.array([True, False]), Ellipsis, [1, 1]),
                 (np.array([True, False]), Ellipsis, [1, 1]), id="boolean and repeated"),
    pytest.param(((0, 0),), ((0, 0),), id="tuple inside the index"),
    pytest.param([], [], id="empty list"),
    pytest.param((0, slice(2, 2)), (0, slice(2, 2)), id="empty slice"),
    pytest.param(np.int64(1), np.int64(1), id="NumPy integer"),
    pytest.param(cr.tensor([1, 1, 0]), np.array([1, 1, 0]), id="integer tensor"),
    pytest.param(cr.tensor(MASK), MASK, id="boolean tensor"),
    pytest.param((cr.tensor(1), [cr.tensor(2), 0]), (1, [2, 0]), id="tensors inside"),
    pytest.param(Ellipsis, Ellipsis, id="Ellipsis alone"),
]


@pytest.mark.parametrize("index, numpy_index", INDICES)
def test_getitem_values_match_numpy(index, numpy_index):
    out = cr.tensor(X)[index]
    expected = X[numpy_index]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("index, numpy_index", INDICES)
def test_getitem_gradient_adds_up_at_repeated_positions(index, numpy_index):
    x = cr.tensor(X, requires_grad=True)
    weights = np.random.default_rng(0).standard_normal(X[numpy_index].shape)
    (x[index] * weights).sum().backward()
    expected = np.zeros_like(X)
    np.add.at(expected, numpy_index, weights)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_repeated_index_gradient_counts_each_use():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 1.0])


def test_boolean_mask_gradient_is_the_mask():
    x = cr.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    x[x > 0].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0, 1.0])


def test_negative_step_gradient_lands_on_the_selected_entries():
    x = cr.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
    (x[::-2] * cr.tensor([10.0, 20.0, 30.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 0.0, 20.0, 0.0, 10.0])


def test_zero_d_indexing_gives_zero_d_tensors_with_gradients():
    x = cr.tensor(3.0, requires_grad=True)
    y = x[()] * x[...]
    assert y.shape == ()
    y.backward()
    assert float(x.grad) == 6.0


def test_getitem_keeps_float32_in_forward_and_gradient():
    x = cr.tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    y = x[[0, 0, 2], 1] * 2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 4], [0, 0], [0, 2]])


def test_forward_mode_tangent_is_indexed_like_the_values():
    _, out_dot = cr.jvp(lambda x: x[[2, 0, 2]], (np.array([1.0, 2.0, 3.0]),),
                        (np.array([10.0, 20.0, 30.0]),))
    np.testing.assert_array_equal(out_dot, [30.0, 10.0, 30.0])


def test_second_derivative_through_repeated_indices():
    hessian = cr.hessian(lambda x: (x[[0, 0, 1]] ** 2).sum())(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(hessian, np.diag([4.0, 2.0, 0.0]))


def test_getitem_out_of_bounds_is_an_index_error():
    with pytest.raises(IndexError, match="out of bounds"):
        cr.tensor([1.0, 2.0])[5]


def test_getitem_with_too_many_indices_says_so():
    with pytest.raises(IndexError, match="too many indices"):
        cr.tensor([1.0, 2.0])[0, 0]


@pytest.mark.parametrize("index", [[0, 0, 3], (slice(None), 1), np.array([[True, False]] * 2),
                                   ([1, 1], [0, 0])], ids=["repeated", "column", "mask", "pairs"])
def test_scatter_is_the_adjoint_of_getitem(index):
    rng = np.random.default_rng(1)
    shape = (4,) if isinstance(index, list) else (2, 2)
    x = rng.standard_normal(shape)
    values = rng.standard_normal(x[index].shape)
    # <scatter(v), x> = <v, x[index]>: the defining property of an adjoint.
    lhs = float((indexing.scatter(cr.tensor(values), shape, index) * x).sum())
    rhs = float((values * x[index]).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_scatter_adds_values_that_land_on_one_position():
    out = indexing.scatter(cr.tensor([1.0, 2.0, 3.0]), (4,), [0, 0, 3])
    np.testing.assert_array_equal(out.numpy(), [3.0, 0.0, 0.0, 3.0])


def test_scatter_gradient_reads_the_values_back():
    values = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (indexing.scatter(values, (4,), [0, 0, 3]) * cr.tensor([5.0, 6.0, 7.0, 8.0])).sum().backward()
    np.testing.assert_array_equal(values.grad.numpy(), [5.0, 5.0, 8.0])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take_matches_numpy(axis):
    indices = [1, -1, 1]
    out = indexing.take(cr.tensor(X[0]), indices, axis=axis)
    np.testing.assert_array_equal(out.numpy(), np.take(X[0], indices, axis=axis))


def test_take_gradient_counts_repeated_indices():
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x.take([1, 1, 0], axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 2.0], [1.0, 2.0]])


def test_take_of_one_index_gives_the_value():
    assert float(indexing.take(cr.tensor([5.0, 6.0, 7.0]), 2)) == 7.0


def test_take_refuses_float_indices():
    with pytest.raises(TypeError, match="take: indices must be integers"):
        indexing.take(cr.tensor([1.0, 2.0]), [0.5])


def test_take_refuses_an_axis_out_of_range():
    with pytest.raises(np.exceptions.AxisError, match="take: axis 2 is out of bounds"):
        indexing.take(cr.tensor([[1.0, 2.0]]), [0], axis=2)


def test_indexing_warns_about_nothing():
    x = cr.tensor(np.zeros((0, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x[[]].sum().backward()
    assert x.grad.shape == (0, 3)

"""Reductions, statistics and cumulative ops: values, shapes, conventions and edge cases."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops.cumulative import cumprod, cumsum
from chainrule.ops.statistics import logsumexp, std, var

REDUCTIONS = {
    "sum": cr.sum, "mean": cr.mean, "prod": cr.prod, "max": cr.max, "min": cr.min,
    "var": var, "std": std,
}
AXES = [None, 0, -1, 1, (0, 2), (2, 0), (-1, 0, 1), ()]


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def values(t):
    return np.asarray(t._data if isinstance(t, cr.Tensor) else t)


def gradient(fn, x, dtype=None):
    """d sum(fn(x)) / dx through Tensor.backward."""
    t = cr.tensor(x, requires_grad=True, dtype=dtype)
    fn(t).sum().backward()
    return t.grad


def points(*values):
    return np.array(values, dtype=float)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy_values_and_shapes(name, axis, keepdims):
    x = np.random.default_rng(0).uniform(0.5, 1.5, size=(2, 3, 4))
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    out = REDUCTIONS[name](cr.tensor(x), axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(values(out), expected, rtol=1e-12)
    assert gradient(lambda t: REDUCTIONS[name](t, axis=axis, keepdims=keepdims), x).shape == x.shape


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_is_log_of_sum_of_exp(axis, keepdims):
    x = np.random.default_rng(1).uniform(-3, 3, size=(2, 3, 4))
    expected = np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(values(logsumexp(x, axis=axis, keepdims=keepdims)), expected)


def test_sum_of_empty_is_zero_with_an_empty_gradient():
    assert values(cr.sum(cr.tensor(np.zeros(0)))) == 0.0
    assert gradient(cr.sum, np.zeros(0)).shape == (0,)
    assert gradient(lambda t: cr.sum(t, axis=1), np.zeros((3, 0))).shape == (3, 0)


def test_mean_of_empty_is_nan_without_a_warning():
    assert np.isnan(values(cr.mean(np.zeros(0))))


def test_prod_of_empty_is_one():
    assert values(cr.prod(np.zeros(0))) == 1.0
    np.testing.assert_array_equal(values(cr.prod(np.zeros((0, 2)), axis=0)), [1.0, 1.0])


def test_prod_gradient_is_the_product_of_the_other_entries_at_a_zero():
    np.testing.assert_array_equal(values(gradient(cr.prod, points(2, 0, 3))), [0, 6, 0])


def test_prod_gradient_with_two_zeros_is_zero():
    np.testing.assert_array_equal(values(gradient(cr.prod, points(2, 0, 3, 0))), [0, 0, 0, 0])
    np.testing.assert_array_equal(values(gradient(cr.prod, points(0, 5))), [5, 0])


def test_prod_gradient_along_axes_matches_products_of_others():
    x = np.random.default_rng(2).uniform(-2, 2, size=(3, 2, 4))
    x[0, 1, 2] = x[2, 0, 0] = 0.0
    grad = values(gradient(lambda t: cr.prod(t, axis=(0, 2)), x))
    for i, j, k in np.ndindex(x.shape):
        group = np.delete(x[:, j, :].ravel(), i * x.shape[2] + k)
        assert grad[i, j, k] == pytest.approx(np.prod(group))


def test_prod_second_derivative_at_a_zero_is_exact():
    hessian = cr.hessian(lambda x: cr.prod(x))(points(2, 0, 3))
    np.testing.assert_array_equal(hessian, [[0, 3, 0], [3, 0, 2], [0, 2, 0]])


def test_max_ties_share_the_gradient_equally():
    np.testing.assert_array_equal(values(gradient(cr.max, points(1, 3, 3))), [0, 0.5, 0.5])
    third = values(gradient(cr.min, points(2, 1, 1, 1)))
    np.testing.assert_allclose(third, [0, 1 / 3, 1 / 3, 1 / 3])


def test_max_ties_are_shared_within_each_slice():
    x = np.array([[1.0, 4.0, 4.0], [5.0, 5.0, 5.0]])
    grad = values(gradient(lambda t: cr.max(t, axis=1, keepdims=True), x))
    np.testing.assert_allclose(grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


def test_max_tangent_at_a_tie_is_the_mean_of_the_tied_tangents():
    out, out_dot = cr.jvp(lambda x: cr.max(x), (points(1, 3, 3),), (points(10, 2, 4),))
    assert (out, out_dot) == (3.0, 3.0)


def test_max_with_a_nan_is_nan_and_the_nan_takes_the_gradient():
    x = points(1, np.nan, 3)
    assert np.isnan(values(cr.max(x)))
    np.testing.assert_array_equal(values(gradient(cr.max, x)), [0, 1, 0])


@pytest.mark.parametrize("op", [cr.max, cr.min])
def test_max_and_min_of_an_empty_slice_raise_a_clear_error(op):
    name = op.__name__
    with pytest.raises(ValueError, match=rf"{name} of an empty array: .*shape \(2, 0\)"):
        op(cr.tensor(np.zeros((2, 0))), axis=1)
    with pytest.raises(ValueError, match="initial="):
        op(np.zeros(0))
    assert op(np.zeros((0, 3)), axis=1).shape == (0,)


def test_std_gradient_at_a_constant_input_is_zero():
    np.testing.assert_array_equal(values(gradient(std, points(2, 2, 2))), [0, 0, 0])
    x = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]])
    grad = values(gradient(lambda t: std(t, axis=1), x))
    np.testing.assert_array_equal(grad[0], [0, 0, 0])
    np.testing.assert_allclose(grad[1], (x[1] - 2) / (3 * np.std(x[1])))


def test_std_second_derivative_at_a_constant_input_is_finite():
    assert np.all(cr.hessian(lambda x: std(x))(points(2, 2, 2)) == 0)


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_var_and_std_follow_numpy_ddof(ddof):
    x = points(1, 2, 4, 8)
    np.testing.assert_allclose(values(var(x, ddof=ddof)), np.var(x, ddof=ddof))
    np.testing.assert_allclose(values(std(x, ddof=ddof)), np.std(x, ddof=ddof))
    expected = 2 * (x - x.mean()) / (x.size - ddof)
    np.testing.assert_allclose(values(gradient(lambda t: var(t, ddof=ddof), x)), expected)


def test_var_with_no_degrees_of_freedom_is_nan_without_a_warning():
    assert np.isnan(values(var(points(1, 2), ddof=2)))
    assert np.isnan(values(std(np.zeros(0))))


@pytest.mark.parametrize("peak", [1000.0, -1000.0])
def test_logsumexp_at_1000_is_finite_and_its_gradient_is_softmax(peak):
    x = points(peak, peak, peak - 1)
    with np.errstate(all="raise"):
        out = values(logsumexp(x))
        grad = values(gradient(logsumexp, x))
    shifted = np.exp(x - peak)
    assert out == pytest.approx(peak + np.log(shifted.sum()), rel=1e-15)
    np.testing.assert_allclose(grad, shifted / shifted.sum())


def test_logsumexp_gradient_is_softmax_along_an_axis():
    x = np.random.default_rng(3).uniform(-5, 5, size=(3, 4))
    softmax = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    grad_out = np.random.default_rng(4).uniform(size=3)
    t = cr.tensor(x, requires_grad=True)
    logsumexp(t, axis=1).backward(grad_out)
    np.testing.assert_allclose(values(t.grad), grad_out[:, None] * softmax)


def test_logsumexp_of_an_all_minus_inf_slice_is_minus_inf_with_a_uniform_gradient():
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 0.0, np.log(2.0)]])
    with np.errstate(all="raise"):
        out = values(logsumexp(x, axis=1))
        grad = values(gradient(lambda t: logsumexp(t, axis=1), x))
    np.testing.assert_allclose(out, [-np.inf, np.log(4.0)])
    np.testing.assert_allclose(grad, [[1 / 3, 1 / 3, 1 / 3], [0.25, 0.25, 0.5]])


def test_logsumexp_with_plus_inf_is_inf_and_the_inf_entries_share_the_gradient():
    x = points(np.inf, 1000, np.inf, -np.inf)
    with np.errstate(all="raise"):
        assert values(logsumexp(x)) == np.inf
        np.testing.assert_array_equal(values(gradient(logsumexp, x)), [0.5, 0, 0.5, 0])


def test_logsumexp_of_nan_is_nan_and_of_an_empty_slice_minus_inf():
    assert np.isnan(values(logsumexp(points(np.nan, 1000))))
    np.testing.assert_array_equal(values(logsumexp(np.zeros((2, 0)), axis=1)), [-np.inf] * 2)
    assert gradient(lambda t: logsumexp(t, axis=1), np.zeros((2, 0))).shape == (2, 0)


@pytest.mark.parametrize("axis", [None, 0, -1])
def test_cumulative_ops_match_numpy(axis):
    x = np.random.default_rng(5).uniform(-2, 2, size=(3, 4))
    np.testing.assert_allclose(values(cumsum(x, axis=axis)), np.cumsum(x, axis=axis))
    np.testing.assert_allclose(values(cumprod(x, axis=axis)), np.cumprod(x, axis=axis))


def test_cumulative_ops_of_a_0d_input_give_one_entry_as_numpy():
    assert cumsum(cr.tensor(2.0), axis=0).shape == np.cumsum(np.array(2.0), axis=0).shape == (1,)
    assert cumprod(cr.tensor(2.0)).shape == (1,)


def test_cumsum_gradient_counts_the_later_outputs():
    np.testing.assert_array_equal(values(gradient(cumsum, np.ones(4))), [4, 3, 2, 1])


def test_cumprod_gradient_is_exact_at_zeros():
    x = points(2, 0, 3, 0, 5)
    jacobian = np.array(
        [[np.prod(np.delete(x[: k + 1], i)) if i <= k else 0 for i in range(5)] for k in range(5)]
    )
    grad_out = points(1, 2, 3, 4, 5)
    t = cr.tensor(x, requires_grad=True)
    cumprod(t).backward(grad_out)
    np.testing.assert_array_equal(values(t.grad), grad_out @ jacobian)
    assert cr.jacfwd(lambda v: cumprod(v))(x).tolist() == jacobian.tolist()


def test_cumprod_second_derivative_at_a_zero_matches_prod():
    last = cr.hessian(lambda x: cumprod(x)[-1])(points(2, 0, 3))
    np.testing.assert_array_equal(last, cr.hessian(lambda x: cr.prod(x))(points(2, 0, 3)))


OPS = {**REDUCTIONS, "logsumexp": logsumexp, "cumsum": cumsum, "cumprod": cumprod}


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("axis", [None, 1])
def test_float32_stays_float32_in_value_and_gradient(name, axis):
    x = np.array([[1.0, 2.0, 0.5], [3.0, -1.0, 2.0]], dtype=np.float32)
    assert OPS[name](cr.tensor(x), axis=axis).dtype == np.float32
    assert gradient(lambda t: OPS[name](t, axis=axis), x).dtype == np.float32
    second = cr.grad(lambda t: (cr.grad(lambda u: OPS[name](u, axis=axis).sum())(t) ** 2).sum())
    assert second(x).dtype == np.float32


@pytest.mark.parametrize("name", OPS)
def test_0d_input_reduces_to_itself(name):
    out = OPS[name](cr.tensor(1.5), axis=0)
    expected = {"var": 0.0, "std": 0.0}.get(name, 1.5)
    assert values(out).ravel().tolist() == [expected]


@pytest.mark.parametrize("name", OPS)
def test_an_axis_out_of_range_is_an_axis_error_naming_the_op(name):
    with pytest.raises(np.exceptions.AxisError, match=rf"{name}: axis 2 is out of bounds"):
        OPS[name](np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match=rf"{name}: axis -3 is out of bounds"):
        OPS[name](np.ones((2, 3)), axis=-3)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_an_axis_named_twice_or_not_an_integer_is_refused(name):
    with pytest.raises(ValueError, match=rf"{name}: repeated axis in \(1, -1\)"):
        REDUCTIONS[name](np.ones((2, 3)), axis=(1, -1))
    with pytest.raises(TypeError, match=rf"{name}: an axis must be an integer"):
        REDUCTIONS[name](np.ones((2, 3)), axis=1.0)


def test_cumulative_ops_take_a_single_axis():
    with pytest.raises(TypeError, match=r"cumsum: an axis must be an integer, got \(0, 1\)"):
        cumsum(np.ones((2, 3)), axis=(0, 1))


def test_tensor_methods_and_numpy_functions_reach_these_ops():
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert values(x.prod()) == 24.0
    assert values(x.max(axis=0)).tolist() == [3.0, 4.0]
    assert values(x.min()) == 1.0
    assert values(x.var()) == 1.25
    assert values(x.std(ddof=1)) == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert values(x.cumsum()).tolist() == [1.0, 3.0, 6.0, 10.0]
    assert values(x.cumprod(axis=1)).tolist() == [[1.0, 2.0], [3.0, 12.0]]
    assert np.max(cr.tensor([1.0, 5.0], requires_grad=True)).op == "max"

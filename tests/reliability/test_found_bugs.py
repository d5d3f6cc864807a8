"""Regression tests for the bugs the property tests and the random programs found, each the
smallest input that showed it (the falsifying example, shrunk by hand).
"""

import warnings

import numpy as np
import pytest

import chainrule as cr


def test_mixed_second_derivative_of_power_at_a_zero_exponent_is_one_over_x():
    # ∂²(x^y)/∂y∂x = x^(y−1)·(1 + y·log x), which is 1/x at y = 0 (found by the gradcheck
    # property on power(0.5, 0.0)).
    def d_dx(x, y):
        return cr.grad(cr.power, argnums=0)(x, y)

    mixed = cr.grad(d_dx, argnums=1)(np.float64(0.5), np.float64(0.0))
    assert np.isclose(mixed, 2.0)


def test_power_passes_gradcheck_at_a_zero_exponent():
    assert cr.gradcheck(cr.power, np.array([0.5, 1.5]), np.array([0.0, 0.0]))


def test_leaf_gradient_is_not_a_view_of_the_gradient_passed_to_backward():
    # backward(grad=v) through a shape op: the rule returns a view of v, and .grad kept it.
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    v = np.array([[3.0, 4.0]])
    cr.reshape(x, (1, 2)).backward(v)
    assert not np.shares_memory(x.grad.numpy(), v)
    x.grad.numpy()[0] = 0.0
    assert v[0, 0] == 3.0


def test_repeat_accepts_an_empty_list_of_counts_for_an_empty_axis():
    # numpy.repeat(np.ones((2, 0)), [], axis=1) has shape (2, 0).
    assert cr.repeat(np.ones((2, 0)), [], axis=1).shape == (2, 0)
    x = cr.tensor(np.ones((2, 0)), requires_grad=True)
    cr.sum(cr.repeat(x, [], axis=1)).backward()
    assert x.grad.shape == (2, 0)
    with pytest.raises(ValueError, match="0 counts for an axis of size 3"):
        cr.repeat(np.ones((2, 3)), [], axis=1)


def test_reverse_mode_jacobian_adds_masked_rows_at_a_fan_out():
    # relu's rule multiplies by a boolean mask; added to itself at the fan-out x + x, the
    # factored rows kept the mask as their scale and True + True gave True, not 2 (found by
    # random program 171).
    x = np.array([0.1, 0.2, 0.3])
    jacobian = cr.jacobian(lambda x: cr.relu(x + x)[1:], mode="reverse")(x)
    np.testing.assert_array_equal(jacobian, [[0.0, 2.0, 0.0], [0.0, 0.0, 2.0]])


def test_no_warning_for_a_zero_divisor_broadcast_into_an_empty_result():
    # x / y with x of shape (1, 0): the result is empty, so both gradients are exactly zero, but
    # the rule evaluates 1/y on y itself first (found by random program 861).
    x = cr.tensor(np.ones((1, 0)), requires_grad=True)
    y = cr.tensor(np.zeros((1, 1)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cr.sum(x / y).backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[0.0]])

"""Derivatives a peer project's suite found silently wrong, each now right in both modes: an
in-place write into a transform's input, and a vjp function differentiated after its call."""

import numpy as np

import chainrule as cr

WEIGHTS = np.arange(1.0, 6.0)
M = np.arange(6.0).reshape(2, 3)


def overwrite(a, b):
    a[1] = b
    return a


def test_a_write_into_a_transforms_input_sends_the_gradient_to_the_value_written():
    # The gradient used to reach the input as rebound by the write: A got w, b got 0.
    grad_a, grad_b = cr.grad(lambda a, b: cr.sum(overwrite(a, b) * WEIGHTS), argnums=(0, 1))(
        np.arange(5.0), 3.0)
    np.testing.assert_array_equal(grad_a, [1.0, 0.0, 3.0, 4.0, 5.0])
    assert grad_b == 2.0


def test_the_same_write_agrees_in_forward_mode_and_at_second_order():
    def f(a, b):
        return overwrite(a, b) * WEIGHTS

    reverse = cr.jacrev(f, argnums=(0, 1))(np.arange(5.0), 3.0)
    forward = cr.jacfwd(f, argnums=(0, 1))(np.arange(5.0), 3.0)
    for r, fw in zip(reverse, forward):
        np.testing.assert_array_equal(r, fw)
    # Σ wᵢ aᵢ with a₁ replaced by a₀·a₂: the only second derivative is ∂²/∂a₀∂a₂ = w₁ = 2.
    hessian = cr.hessian(lambda a: cr.sum(overwrite(a, a[0] * a[2]) * WEIGHTS))(np.arange(5.0))
    expected = np.zeros((5, 5))
    expected[0, 2] = expected[2, 0] = 2.0
    np.testing.assert_array_equal(hessian, expected)


def test_a_vjp_function_is_differentiable_in_its_cotangent_in_both_modes():
    # vjp_fn(ct) = Mᵀ·ct: it used to be a constant of ct when differentiated after the call.
    _, vjp_fn = cr.vjp(lambda x: M @ x, np.ones(3))
    np.testing.assert_array_equal(cr.grad(lambda ct: cr.sum(vjp_fn(ct)[0]))(np.zeros(2)),
                                  M.sum(axis=1))
    assert cr.jvp(lambda ct: cr.sum(vjp_fn(ct)[0]), (np.zeros(2),), (np.ones(2),))[1] == M.sum()
    np.testing.assert_array_equal(cr.jacfwd(lambda ct: vjp_fn(ct)[0])(np.zeros(2)), M.T)
    np.testing.assert_array_equal(vjp_fn(np.ones(2))[0], M.sum(axis=0))  # plain call unchanged


def test_a_vjp_function_of_a_nonlinear_map_at_second_order():
    x0 = 0.7
    _, vjp_fn = cr.vjp(lambda x: cr.sin(x) * x, x0)
    slope = np.cos(x0) * x0 + np.sin(x0)
    np.testing.assert_allclose(cr.grad(lambda ct: vjp_fn(ct)[0] ** 2)(2.0), 2 * 2.0 * slope**2)

"""Derivatives a peer project's suite found silently wrong, each now right in both modes: an
in-place write into a transform's input, a vjp function differentiated after its call, writes
through views and at repeated indices, and primitives declared with one mode's rule."""

import numpy as np
import pytest

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


# --- found by the same suite later: in-place writes through views, repeated indices, and
# primitives declared with one mode's rule only --------------------------------------------------

X = np.array([1.0, 2.0, 3.0])


def _both_modes(f, x=X):
    return cr.grad(f)(x), cr.jacfwd(f)(x)


def test_a_repeated_index_written_in_place_sends_the_gradient_of_the_write_that_landed():
    # A[[0, 0]] += x[2]: NumPy adds once (the last write wins); the gradient was counted twice.
    def add_at_repeated(x):
        a = x * 1.0
        a[[0, 0]] += x[2]
        return cr.sum(a)

    def assign_repeated(x):
        a = x * 1.0
        a[[0, 0]] = x[1:]  # x[2] lands in a[0]; x[1] is overwritten
        return cr.sum(a * a)

    for f, expected in ((add_at_repeated, [1.0, 1.0, 2.0]), (assign_repeated, [0.0, 4.0, 12.0])):
        for found in _both_modes(f):
            np.testing.assert_array_equal(found, expected)
        assert cr.gradcheck(f, X)


def test_a_view_written_in_place_while_recording_stops_instead_of_leaving_its_tensor_stale():
    # NumPy: writing into v = A[1:] changes A. A recorded write gives v a new array, so A kept
    # its old values and the value (14, not 53) and gradient were silently wrong.
    def through_a_view(x):
        a = x * 1.0
        v = a[1:]
        v *= 2.0
        return cr.sum(a * a)

    def through_a_temporary_view(x):
        a = x * 1.0
        a[1:][0] = 5.0
        return cr.dot(a[:2], a[2:])

    def view_taken_before_the_write(x):
        a = x * 1.0
        v = a[1:]
        a[1] = 5.0
        return cr.sum(v * v)

    def alias_of_a_rebound_name(x):
        a = x * 1.0
        b = a
        a += 1.0
        return cr.sum(b)

    for f in (through_a_view, through_a_temporary_view, view_taken_before_the_write,
              alias_of_a_rebound_name):
        for transform in (cr.grad, cr.jacfwd):
            with pytest.raises(RuntimeError, match="no longer holds its value"):
                transform(f)(X)


def test_writes_that_keep_numpys_semantics_still_differentiate():
    def slice_update(x):  # A[i] op= v: the view's write comes back into A
        a = x * 1.0
        a[1:] *= 2.0
        a[0] += a[2]
        return cr.sum(a * a)

    def view_taken_after_the_write(x):
        a = x * 1.0
        a[1] = 5.0
        v = a[1:]
        return cr.sum(v * v)

    for f, expected in ((slice_update, [14.0, 16.0, 52.0]), (view_taken_after_the_write,
                                                           [0.0, 0.0, 6.0])):
        for found in _both_modes(f):
            np.testing.assert_allclose(found, expected)
        assert cr.gradcheck(f, X)


def test_a_primitive_with_one_modes_rule_refuses_the_other_mode_instead_of_giving_zero():
    reverse_only = cr.primitive("reverse_only_example", lambda x: 2 * x,
                                vjp=lambda g, out, x: 2 * g, jvp=None)
    forward_only = cr.primitive("forward_only_example", lambda x: 2 * x,
                                vjp=None, jvp=lambda t, out, x: 2 * t)
    assert cr.grad(reverse_only)(1.0) == 2.0
    assert cr.jvp(forward_only, (1.0,), (1.0,))[1] == 2.0
    with pytest.raises(NotImplementedError, match="no forward-mode"):
        cr.jvp(reverse_only, (1.0,), (1.0,))
    with pytest.raises(NotImplementedError, match="no reverse-mode"):
        cr.grad(forward_only)(1.0)

"""Transforms against closed forms and identities: linear maps, quadratics, J·v and vᵀ·J,
nested derivatives to fourth order, the weather example, perturbation confusion."""

import numpy as np
import pytest

import chainrule as cr

MODES = ["reverse", "forward"]
rng = np.random.default_rng(7)
A = rng.standard_normal((4, 3))
S = rng.standard_normal((3, 3))


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_a_linear_map_is_its_matrix(mode):
    jac = cr.jacobian(lambda x: A @ x, mode=mode)(rng.standard_normal(3))
    np.testing.assert_allclose(jac, A, rtol=1e-15, atol=0)


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_matrix_input_has_out_then_in_shape(mode):
    x = rng.standard_normal((3, 2))
    jac = cr.jacobian(lambda m: A @ m, mode=mode)(x)
    expected = np.einsum("ij,kl->ikjl", A, np.eye(2))  # ∂(A·X)ᵢₖ/∂Xⱼₗ = Aᵢⱼ·δₖₗ
    assert jac.shape == (4, 2, 3, 2)
    np.testing.assert_allclose(jac, expected, atol=1e-15)


def test_hessian_of_quadratic_form_is_symmetric_part():
    hess = cr.hessian(lambda x: 0.5 * x @ (S @ x))(rng.standard_normal(3))
    np.testing.assert_allclose(hess, (S + S.T) / 2, rtol=1e-14, atol=1e-15)


def test_gradient_of_quadratic_form():
    x = rng.standard_normal(3)
    np.testing.assert_allclose(cr.grad(lambda v: 0.5 * v @ (S @ v))(x), (S + S.T) @ x / 2)


def nonlinear(x, y):
    return cr.stack([cr.sin(x[0] * y), cr.tanh(x @ x) * cr.exp(-y), x[1] ** 3 / (1 + y * y)])


POINT = (np.array([0.3, -1.2]), 0.7)


def full_jacobian(mode):
    jx, jy = cr.jacobian(nonlinear, argnums=(0, 1), mode=mode)(*POINT)
    return np.concatenate([jx, jy[:, None]], axis=1)


@pytest.mark.parametrize("mode", MODES)
def test_jvp_is_jacobian_times_vector_from_the_other_mode(mode):
    other = "forward" if mode == "reverse" else "reverse"
    v = (np.array([0.5, -2.0]), 1.5)
    _, out_dot = cr.jvp(nonlinear, POINT, v)
    np.testing.assert_allclose(out_dot, full_jacobian(other) @ np.append(*v), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_vjp_is_vector_times_jacobian_from_the_other_mode(mode):
    u = np.array([1.0, -0.5, 2.0])
    _, vjp_fn = cr.vjp(nonlinear, *POINT)
    grad_x, grad_y = vjp_fn(u)
    np.testing.assert_allclose(np.append(grad_x, grad_y), u @ full_jacobian(mode), rtol=1e-12)


def test_both_modes_give_the_same_jacobian():
    np.testing.assert_allclose(full_jacobian("reverse"), full_jacobian("forward"), rtol=1e-13)


def nth(f, n):
    for _ in range(n):
        f = cr.grad(f)
    return f


@pytest.mark.parametrize("x", [-1.3, 0.0, 0.4, 2.0])
def test_nested_grads_of_a_polynomial_to_fourth_order(x):
    def p(t):
        return 3 * t**5 - 2 * t**3 + t - 7

    expected = [p(x), 15 * x**4 - 6 * x**2 + 1, 60 * x**3 - 12 * x, 180 * x**2 - 12, 360 * x]
    for order, value in enumerate(expected):
        assert float(nth(p, order)(x)) == pytest.approx(value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("x", [-1.1, 0.0, 0.3, 1.7])
def test_nested_grads_of_tanh_to_fourth_order(x):
    t = np.tanh(x)
    s = 1 - t * t
    expected = [t, s, -2 * t * s, -2 * s * s + 4 * t * t * s, 8 * t * s * (2 - 3 * t * t)]
    for order, value in enumerate(expected):
        assert float(nth(cr.tanh, order)(x)) == pytest.approx(value, rel=1e-12, abs=1e-14)


def test_fourth_derivative_by_forward_over_forward():
    def third(t):
        return cr.jacfwd(cr.jacfwd(cr.jacfwd(cr.tanh)))(t)

    t = np.tanh(0.3)
    assert float(cr.jacfwd(third)(0.3)) == pytest.approx(8 * t * (1 - t * t) * (2 - 3 * t * t))


def test_hessian_of_tanh_sum_matches_closed_form():
    W = rng.standard_normal((5, 3))
    x = rng.standard_normal(3)
    t = np.tanh(W @ x)
    # ∂²/∂x² Σ tanh(Wx)² = Wᵀ·diag(2(1 − t²)(1 − 3t²))·W with t = tanh(Wx)
    expected = W.T @ ((2 * (1 - t * t) * (1 - 3 * t * t))[:, None] * W)
    np.testing.assert_allclose(
        cr.hessian(lambda v: cr.sum(cr.tanh(W @ v) ** 2))(x), expected, rtol=1e-12, atol=1e-14
    )


# --- the seeds' weather example: D(f∘g)(t) = Df(g(t))·Dg(t) ---------------------------------


def weather(p):
    x, y, z = p[0], p[1], p[2]
    return x**2 + 5 * y + 10 * z + x * y * z


def path(t):
    return cr.stack([t, t**2, t**3])


@pytest.mark.parametrize("t", [-1.5, 0.0, 0.7, 2.0])
@pytest.mark.parametrize("mode", MODES)
def test_weather_chain_rule_is_jacobian_of_path_times_gradient(t, mode):
    dg = cr.jacobian(path, mode=mode)(t)
    df = cr.grad(weather)(np.asarray(path(t)))
    composite = float(cr.grad(lambda s: weather(path(s)))(t))
    assert dg.shape == (3,)
    np.testing.assert_allclose(dg, [1, 2 * t, 3 * t**2])
    np.testing.assert_allclose(df, [2 * t + t**5, t**4 + 5, t**3 + 10])
    assert df @ dg == pytest.approx(composite)
    assert composite == pytest.approx(12 * t + 6 * t**5 + 30 * t**2)


# --- perturbation confusion: d/dx [x · d/dy (x + y)] = 1, not 2 -----------------------------


def inner_by_grad(x):
    return x * cr.grad(lambda y: x + y)(1.0)


def inner_by_jvp(x):
    return x * cr.jvp(lambda y: x + y, (1.0,), (1.0,))[1]


@pytest.mark.parametrize(
    "outer, inner",
    [
        ("reverse", inner_by_grad),
        ("forward", inner_by_jvp),
        ("forward", inner_by_grad),
        ("reverse", inner_by_jvp),
    ],
    ids=[
        "reverse-over-reverse",
        "forward-over-forward",
        "forward-over-reverse",
        "reverse-over-forward",
    ],
)
def test_no_perturbation_confusion(outer, inner):
    if outer == "reverse":
        value = cr.grad(inner)(1.0)
    else:
        value = cr.jvp(inner, (1.0,), (1.0,))[1]
    assert float(value) == 1.0


def test_no_perturbation_confusion_in_nested_jacobians():
    def f(x):
        return x * cr.jacobian(lambda y: x + y)(np.ones(2)).sum(axis=1)

    for mode in MODES:
        np.testing.assert_array_equal(cr.jacobian(f, mode=mode)(np.ones(2)), np.eye(2))


# --- Python control flow -----------------------------------------------------------------------


def power_by_loop(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def absolute_by_branch(x):
    return x if x > 0 else -x


@pytest.mark.parametrize("x", [-2.0, 0.5, 3.0])
def test_python_loops_and_branches_are_followed(x):
    assert float(cr.grad(power_by_loop)(x, 5)) == pytest.approx(5 * x**4)
    assert float(cr.jacfwd(power_by_loop)(x, 5)) == pytest.approx(5 * x**4)
    assert float(cr.grad(absolute_by_branch)(x)) == np.sign(x)
    assert float(cr.hessian(power_by_loop)(x, 4)) == pytest.approx(12 * x**2)


def test_while_loop_on_values():
    def halve_until_small(x):
        while x > 1:
            x = x / 2
        return x

    assert float(cr.grad(halve_until_small)(10.0)) == 1 / 16


def test_hvp_equals_hessian_times_vector():
    W = rng.standard_normal((4, 3))

    def f(x):
        return cr.sum(cr.sin(W @ x) ** 2)

    x, v = rng.standard_normal(3), rng.standard_normal(3)
    np.testing.assert_allclose(cr.hvp(f, (x,), (v,)), cr.hessian(f)(x) @ v, rtol=1e-12)


def test_hvp_of_several_arguments_gives_one_product_each():
    def f(x, y):
        return x * x * y

    assert tuple(map(float, cr.hvp(f, (1.0, 2.0), (1.0, 0.0)))) == (4.0, 2.0)

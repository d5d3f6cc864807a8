"""Every worked example of the three seed articles, computed by chainrule and checked against
the article's own result (where an article has a typo, against the correct math)."""

import numpy as np
import pytest

import chainrule as cr

POINTS = [-1.7, -0.3, 0.0, 0.4, 2.5]


def derivative(f, x):
    return float(cr.grad(f)(x))


def test_slope_of_x_squared_at_5_is_10():
    assert derivative(lambda x: x**2, 5.0) == 10.0


@pytest.mark.parametrize("x", POINTS)
def test_sin_of_cos(x):
    expected = -np.cos(np.cos(x)) * np.sin(x)
    assert derivative(lambda t: cr.sin(cr.cos(t)), x) == pytest.approx(expected)


@pytest.mark.parametrize("x", POINTS)
def test_x_squared_plus_one_cubed(x):
    assert derivative(lambda t: (t**2 + 1) ** 3, x) == pytest.approx(6 * x * (x**2 + 1) ** 2)


@pytest.mark.parametrize("x", POINTS)
def test_x_minus_two_squared(x):
    assert derivative(lambda t: (t - 2) ** 2, x) == pytest.approx(2 * (x - 2))


@pytest.mark.parametrize("x", POINTS)
def test_cos_of_x_minus_two_cubed(x):
    # The article's middle line writes 3(x − 2) for h′(g(x)); the math (and its last line) is
    # −3 sin((x − 2)³)(x − 2)².
    expected = -3 * np.sin((x - 2) ** 3) * (x - 2) ** 2
    assert derivative(lambda t: cr.cos((t - 2) ** 3), x) == pytest.approx(expected)


@pytest.mark.parametrize("x", POINTS)
def test_sin_squared_is_two_sin_cos(x):
    assert derivative(lambda t: cr.sin(t) ** 2, x) == pytest.approx(2 * np.sin(x) * np.cos(x))


def sigmoid_in_steps(x):
    a = -x
    b = cr.exp(a)
    c = 1 + b
    d = 1 / c
    return d


@pytest.mark.parametrize("x", POINTS)
def test_sigmoid_through_the_seed_steps(x):
    s = 1 / (1 + np.exp(-x))
    assert float(cr.grad(sigmoid_in_steps)(x)) == pytest.approx(s * (1 - s))
    assert float(cr.grad(sigmoid_in_steps)(x)) == pytest.approx(np.exp(-x) / (1 + np.exp(-x)) ** 2)


def test_sigmoid_steps_record_the_four_primitives_in_order():
    x = cr.tensor(0.5, requires_grad=True)
    d = sigmoid_in_steps(x)
    names = []
    node = d.node
    while node is not None and node.prim is not None:
        names.append(node.prim.name)
        node = next(p for p in node.parents if p is not None)
    assert names == ["divide", "add", "exp", "negative"]


def weather(x, y, z):
    return x**2 + 5 * y + 10 * z + x * y * z


@pytest.mark.parametrize("t", [-1.5, 0.0, 0.7, 2.0])
def test_weather_along_a_path_single_variable(t):
    expected = 12 * t + 6 * t**5 + 30 * t**2
    assert derivative(lambda s: weather(s, s**2, s**3), t) == pytest.approx(expected)


@pytest.mark.parametrize("t", [-1.5, 0.0, 0.7, 2.0])
def test_weather_along_a_path_is_df_times_dg(t):
    grad_f = cr.grad(weather, argnums=(0, 1, 2))(t, t**2, t**3)
    df = np.array([float(g) for g in grad_f])
    np.testing.assert_allclose(df, [2 * t + t**5, t**4 + 5, t**3 + 10])
    dg = np.array([float(cr.grad(g)(t)) for g in (lambda s: s, lambda s: s**2, lambda s: s**3)])
    np.testing.assert_allclose(dg, [1, 2 * t, 3 * t**2])
    assert df @ dg == pytest.approx(12 * t + 6 * t**5 + 30 * t**2)


@pytest.mark.parametrize("t", [-1.5, 0.7, 2.0])
def test_directional_derivative_is_gradient_dot_direction(t):
    point, direction = (t, t**2, t**3), (1.0, 2 * t, 3 * t**2)
    _, along = cr.jvp(weather, point, direction)
    assert float(along) == pytest.approx(12 * t + 6 * t**5 + 30 * t**2)


@pytest.mark.parametrize("t", [0.3, 1.1])
def test_total_derivative_sums_over_paths(t):
    # z = f(x, y), x = sin t, y = t²: dz/dt = ∂z/∂x·dx/dt + ∂z/∂y·dy/dt
    def z(s):
        x, y = cr.sin(s), s**2
        return x * y + cr.exp(x)

    x, y = np.sin(t), t**2
    expected = (y + np.exp(x)) * np.cos(t) + x * 2 * t
    assert derivative(z, t) == pytest.approx(expected)


def test_one_hidden_node_network_gradients_by_the_chain_rule():
    # Seed 000: X → σ(W1·X) → σ(W2·h) = Ŷ, cost J = Y − Ŷ.
    X, Y, w1, w2 = 0.8, 1.0, 0.3, -1.2

    def cost(W1, W2):
        h = sigmoid_in_steps(W1 * X)
        return Y - sigmoid_in_steps(W2 * h)

    def sig(v):
        return 1 / (1 + np.exp(-v))

    h = sig(w1 * X)
    y_hat = sig(w2 * h)
    dJ_dW2 = -y_hat * (1 - y_hat) * h
    dJ_dW1 = -y_hat * (1 - y_hat) * w2 * h * (1 - h) * X
    g1, g2 = cr.grad(cost, argnums=(0, 1))(w1, w2)
    assert (float(g1), float(g2)) == pytest.approx((dJ_dW1, dJ_dW2))


def test_gradient_descent_moves_against_the_slope():
    theta, alpha = 3.0, 0.1
    for _ in range(3):
        theta = theta - alpha * float(cr.grad(lambda t: t**2)(theta))
    assert theta == pytest.approx(3.0 * 0.8**3)

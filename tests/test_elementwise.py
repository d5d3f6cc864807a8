"""Elementwise ops: values, derivatives in closed form, kink conventions, dtypes, edge cases."""

import warnings

import numpy as np
import pytest

import chainrule as cr


def gradients(f, *values, dtype=None):
    """The gradient of f(*values).sum() w.r.t. each value, as arrays (reverse mode)."""
    xs = [cr.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    f(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


def tangent(f, x):
    """J·1 for an elementwise f: its derivative at each entry of x (forward mode)."""
    return cr.jvp(f, (x,), (np.ones_like(x),))[1]


@pytest.fixture
def strict():
    """Turn NumPy's floating-point warnings (overflow, 0/0, x/0) into errors."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


# name, op, NumPy reference, closed-form derivative, domain
UNARY = [
    ("negative", cr.negative, np.negative, lambda x: -np.ones_like(x), (-2, 2)),
    ("reciprocal", cr.reciprocal, lambda x: 1 / x, lambda x: -1 / x**2, (0.5, 2)),
    ("square", cr.square, np.square, lambda x: 2 * x, (-2, 2)),
    ("sqrt", cr.sqrt, np.sqrt, lambda x: 0.5 / np.sqrt(x), (0.5, 2)),
    ("cbrt", cr.cbrt, np.cbrt, lambda x: 1 / (3 * np.cbrt(x) ** 2), (0.5, 2)),
    ("abs", cr.abs, np.abs, np.sign, (-2, 2)),
    ("exp", cr.exp, np.exp, np.exp, (-2, 2)),
    ("exp2", cr.exp2, np.exp2, lambda x: np.exp2(x) * np.log(2), (-2, 2)),
    ("expm1", cr.expm1, np.expm1, np.exp, (-2, 2)),
    ("log", cr.log, np.log, lambda x: 1 / x, (0.5, 2)),
    ("log2", cr.log2, np.log2, lambda x: 1 / (x * np.log(2)), (0.5, 2)),
    ("log10", cr.log10, np.log10, lambda x: 1 / (x * np.log(10)), (0.5, 2)),
    ("log1p", cr.log1p, np.log1p, lambda x: 1 / (1 + x), (-0.5, 2)),
    ("sin", cr.sin, np.sin, np.cos, (-2, 2)),
    ("cos", cr.cos, np.cos, lambda x: -np.sin(x), (-2, 2)),
    ("tan", cr.tan, np.tan, lambda x: 1 / np.cos(x) ** 2, (-1, 1)),
    ("arcsin", cr.arcsin, np.arcsin, lambda x: 1 / np.sqrt(1 - x**2), (-0.9, 0.9)),
    ("arccos", cr.arccos, np.arccos, lambda x: -1 / np.sqrt(1 - x**2), (-0.9, 0.9)),
    ("arctan", cr.arctan, np.arctan, lambda x: 1 / (1 + x**2), (-3, 3)),
    ("sinh", cr.sinh, np.sinh, np.cosh, (-2, 2)),
    ("cosh", cr.cosh, np.cosh, np.sinh, (-2, 2)),
    ("tanh", cr.tanh, np.tanh, lambda x: 1 / np.cosh(x) ** 2, (-2, 2)),
    ("arcsinh", cr.arcsinh, np.arcsinh, lambda x: 1 / np.sqrt(x**2 + 1), (-3, 3)),
    ("arccosh", cr.arccosh, np.arccosh, lambda x: 1 / np.sqrt(x**2 - 1), (1.2, 3)),
    ("arctanh", cr.arctanh, np.arctanh, lambda x: 1 / (1 - x**2), (-0.9, 0.9)),
    ("relu", cr.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0, (-2, 2)),
    ("sign", cr.sign, np.sign, np.zeros_like, (-2, 2)),
    ("copy", cr.copy, np.copy, np.ones_like, (-2, 2)),
]
UNARY_IDS = [case[0] for case in UNARY]


def sample(domain, shape=(3, 4), seed=0):
    return np.random.default_rng(seed).uniform(*domain, size=shape)


@pytest.mark.parametrize("name, op, reference, derivative, domain", UNARY, ids=UNARY_IDS)
def test_unary_value_and_derivative_match_numpy_and_closed_form(
    name, op, reference, derivative, domain
):
    x = sample(domain)
    np.testing.assert_allclose(op(cr.tensor(x)).numpy(), reference(x), rtol=1e-14)
    (grad_x,) = gradients(op, x)
    np.testing.assert_allclose(grad_x, derivative(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tangent(op, x), derivative(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, op, reference, derivative, domain", UNARY, ids=UNARY_IDS)
def test_unary_keeps_float32_in_value_and_gradient(name, op, reference, derivative, domain):
    x = sample(domain).astype(np.float32)
    assert op(cr.tensor(x)).dtype == np.float32
    (grad_x,) = gradients(op, x)
    assert grad_x.dtype == np.float32
    np.testing.assert_allclose(grad_x, derivative(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, op, reference, derivative, domain", UNARY, ids=UNARY_IDS)
def test_unary_handles_0d_and_empty_inputs(name, op, reference, derivative, domain):
    x = sample(domain, shape=())
    out = op(cr.tensor(x))
    assert out.shape == () and np.isclose(out.item(), reference(x))
    assert float(cr.grad(op)(x)) == pytest.approx(derivative(x))
    (grad_empty,) = gradients(op, np.zeros((0, 3)))
    assert op(cr.tensor(np.zeros((0, 3)))).shape == (0, 3) and grad_empty.shape == (0, 3)


# name, op, NumPy reference, (∂/∂x, ∂/∂y); checked on x, y in (0.5, 2)
BINARY = [
    ("add", cr.add, np.add, (lambda x, y: 1 + 0 * x * y, lambda x, y: 1 + 0 * x * y)),
    (
        "subtract",
        cr.subtract,
        np.subtract,
        (lambda x, y: 1 + 0 * x * y, lambda x, y: -1 + 0 * x * y),
    ),
    ("multiply", cr.multiply, np.multiply, (lambda x, y: y + 0 * x, lambda x, y: x + 0 * y)),
    ("divide", cr.divide, np.divide, (lambda x, y: 1 / y + 0 * x, lambda x, y: -x / y**2)),
    ("power", cr.power, np.power, (lambda x, y: y * x ** (y - 1), lambda x, y: x**y * np.log(x))),
    (
        "arctan2",
        cr.arctan2,
        np.arctan2,
        (lambda y, x: x / (x**2 + y**2), lambda y, x: -y / (x**2 + y**2)),
    ),
    (
        "hypot",
        cr.hypot,
        np.hypot,
        (lambda x, y: x / np.hypot(x, y), lambda x, y: y / np.hypot(x, y)),
    ),
    (
        "logaddexp",
        cr.logaddexp,
        np.logaddexp,
        (lambda x, y: 1 / (1 + np.exp(y - x)), lambda x, y: 1 / (1 + np.exp(x - y))),
    ),
    ("maximum", cr.maximum, np.maximum, (lambda x, y: (x > y) * 1.0, lambda x, y: (y > x) * 1.0)),
    ("minimum", cr.minimum, np.minimum, (lambda x, y: (x < y) * 1.0, lambda x, y: (y < x) * 1.0)),
]
BINARY_IDS = [case[0] for case in BINARY]


@pytest.mark.parametrize("name, op, reference, partials", BINARY, ids=BINARY_IDS)
def test_binary_broadcasts_and_sums_gradients_over_broadcast_axes(name, op, reference, partials):
    x, y = sample((0.5, 2), (3, 1), seed=1), sample((0.5, 2), (4,), seed=2)
    np.testing.assert_allclose(op(cr.tensor(x), cr.tensor(y)).numpy(), reference(x, y))
    grad_x, grad_y = gradients(op, x, y)
    d_dx, d_dy = partials
    assert grad_x.shape == (3, 1) and grad_y.shape == (4,)
    np.testing.assert_allclose(grad_x, d_dx(x, y).sum(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(grad_y, d_dy(x, y).sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize("name, op, reference, partials", BINARY, ids=BINARY_IDS)
def test_binary_with_python_scalar_keeps_float32(name, op, reference, partials):
    x = sample((0.5, 2)).astype(np.float32)
    for out in (op(cr.tensor(x), 1.5), op(1.5, cr.tensor(x))):
        assert out.dtype == np.float32
    grad_x, grad_y = gradients(op, x, x[0])
    assert grad_x.dtype == np.float32 and grad_y.dtype == np.float32
    (grad_x,) = gradients(lambda t: op(t, 1.5), x)
    assert grad_x.dtype == np.float32


@pytest.mark.parametrize("name, op, reference, partials", BINARY, ids=BINARY_IDS)
def test_binary_on_0d_and_empty_inputs(name, op, reference, partials):
    grad_x, grad_y = gradients(op, 1.5, 0.75)
    assert grad_x.shape == () and grad_y.shape == ()
    assert grad_x == pytest.approx(partials[0](1.5, 0.75))
    grad_x, grad_y = gradients(op, np.ones((0, 3)), np.ones(3))
    assert grad_x.shape == (0, 3) and grad_y.shape == (3,)
    np.testing.assert_array_equal(grad_y, np.zeros(3))


def test_operators_with_python_scalars_keep_float32():
    x = cr.tensor([0.5, 1.5], dtype="float32", requires_grad=True)
    results = [x + 1.5, 2.0 * x, x / 3.0, 1.0 - x, x**2.0, 2.0**x, -x, abs(x)]
    assert all(r.dtype == np.float32 for r in results)
    sum(r.sum() for r in results).backward()
    assert x.grad.dtype == np.float32


def test_float64_numpy_scalar_upcasts_float32_as_in_numpy():
    x = cr.tensor([1.0], dtype="float32")
    assert (x * np.float64(2.0)).dtype == np.float64


# --- kinks and conventions ---------------------------------------------------------------------


def test_relu_gradient_at_zero_is_zero():
    (grad_x,) = gradients(cr.relu, [-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.0, 1.0])


def test_abs_gradient_at_zero_is_zero():
    (grad_x,) = gradients(cr.abs, [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad_x, [-1.0, 0.0, 1.0])


def test_sign_gradient_is_zero_everywhere_including_the_jump():
    (grad_x,) = gradients(cr.sign, [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.0, 0.0])


def test_leaky_relu_gradient_at_zero_is_the_negative_slope():
    (grad_x,) = gradients(lambda x: cr.leaky_relu(x, 0.1), [-2.0, 0.0, 3.0])
    np.testing.assert_allclose(grad_x, [0.1, 0.1, 1.0])
    assert cr.leaky_relu(cr.tensor([-2.0], dtype="float32"), 0.1).dtype == np.float32


@pytest.mark.parametrize("op", [cr.maximum, cr.minimum], ids=["maximum", "minimum"])
def test_ties_share_the_gradient_equally(op):
    grad_x, grad_y = gradients(op, [1.0, 2.0], [1.0, 2.0])
    np.testing.assert_array_equal(grad_x, [0.5, 0.5])
    np.testing.assert_array_equal(grad_y, [0.5, 0.5])
    out_dot = cr.jvp(op, (np.array([1.0]), np.array([1.0])), (np.array([2.0]), np.array([4.0])))[1]
    np.testing.assert_array_equal(out_dot, [3.0])


def test_maximum_gives_the_whole_gradient_to_the_larger_input():
    grad_x, grad_y = gradients(cr.maximum, [3.0, 1.0], [2.0, 5.0])
    np.testing.assert_array_equal(grad_x, [1.0, 0.0])
    np.testing.assert_array_equal(grad_y, [0.0, 1.0])


def test_clip_passes_the_gradient_at_its_bounds_and_to_bounds_it_applies():
    grad_x, grad_lo, grad_hi = gradients(
        lambda x, lo, hi: cr.clip(x, lo, hi), [-2.0, -1.0, 0.0, 1.0, 2.0], -1.0, 1.0
    )
    np.testing.assert_array_equal(grad_x, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert (grad_lo, grad_hi) == (1.0, 1.0)


def test_clip_with_one_bound():
    x = cr.tensor([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(cr.clip(x, None, 1.0).numpy(), [-2.0, 0.5, 1.0])
    np.testing.assert_array_equal(cr.clip(x, 0.0, None).numpy(), [0.0, 0.5, 3.0])


def test_clip_with_neither_bound_is_an_error():
    with pytest.raises(ValueError, match="a_min or a_max"):
        cr.clip(cr.tensor([1.0]))


def test_where_of_sqrt_has_nan_gradient_at_zero():
    # The documented pitfall: the unselected branch's inf derivative times 0 is NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        (grad_x,) = gradients(lambda x: cr.where(x > 0, cr.sqrt(x), 0.0), [0.0, 4.0])
    assert np.isnan(grad_x[0]) and grad_x[1] == 0.25


def test_double_where_gives_zero_gradient_at_zero(strict):
    def safe_sqrt(x):
        return cr.where(x > 0, cr.sqrt(cr.where(x > 0, x, 1.0)), 0.0)

    (grad_x,) = gradients(safe_sqrt, [0.0, 4.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.25])


def test_where_routes_the_gradient_by_the_condition():
    grad_x, grad_y = gradients(
        lambda x, y: cr.where(np.array([True, False]), x, y), [1.0, 2.0], [3.0, 4.0]
    )
    np.testing.assert_array_equal(grad_x, [1.0, 0.0])
    np.testing.assert_array_equal(grad_y, [0.0, 1.0])


def test_where_on_0d_gives_a_0d_tensor():
    out = cr.where(cr.tensor(True), cr.tensor(2.0), 0.0)
    assert out.shape == () and out.item() == 2.0


# --- power ---------------------------------------------------------------------------------------


def test_power_with_a_tensor_exponent_differentiates_both():
    grad_x, grad_y = gradients(cr.power, 2.0, 3.0)
    assert grad_x == pytest.approx(12.0)
    assert grad_y == pytest.approx(8.0 * np.log(2.0))


def test_power_second_derivative_in_the_exponent_is_x_pow_y_log_squared():
    second = cr.grad(cr.grad(lambda y: cr.power(2.0, y)))(3.0)
    assert float(second) == pytest.approx(8.0 * np.log(2.0) ** 2)


def test_power_exponent_gradient_at_zero_base_is_zero(strict):
    _, grad_y = gradients(cr.power, [0.0, 0.0], [2.0, 3.5])
    np.testing.assert_array_equal(grad_y, [0.0, 0.0])


def test_power_exponent_gradient_for_negative_base_is_nan_without_warning(strict):
    grad_x, grad_y = gradients(cr.power, -2.0, 2.0)
    assert grad_x == -4.0 and np.isnan(grad_y)


def test_power_zero_exponent_has_zero_base_gradient_even_at_zero(strict):
    (grad_x,) = gradients(lambda x: x**0, [0.0, 3.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.0])
    grad_x, _ = gradients(cr.power, [0.0, 3.0], [0.0, 0.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.0])


def test_power_base_gradient_at_zero_for_integer_exponents(strict):
    (grad_x,) = gradients(lambda x: x**2 + x**1, [0.0])
    np.testing.assert_array_equal(grad_x, [1.0])


def test_power_of_a_constant_base():
    (grad_y,) = gradients(lambda y: 2.0**y, [1.0, 3.0])
    np.testing.assert_allclose(grad_y, [2.0 * np.log(2.0), 8.0 * np.log(2.0)])


# --- overflow and domain edges -------------------------------------------------------------------


def test_logaddexp_is_finite_for_large_inputs(strict):
    x = cr.tensor([1000.0, -1000.0, 1000.0], requires_grad=True)
    y = cr.tensor([1000.0, -1000.0, -1000.0], requires_grad=True)
    out = cr.logaddexp(x, y)
    np.testing.assert_allclose(out.numpy(), [1000.0 + np.log(2.0), -1000.0 + np.log(2.0), 1000.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, 0.5, 0.0])


def test_logaddexp_of_the_same_infinity_shares_the_gradient(strict):
    x = cr.tensor([np.inf, -np.inf, np.inf], requires_grad=True)
    y = cr.tensor([np.inf, -np.inf, -np.inf], requires_grad=True)
    cr.logaddexp(x, y).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, 0.5, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logaddexp_partials_at_the_float_extremes_keep_the_dtype_and_warn_of_nothing(strict, dtype):
    top = np.finfo(dtype).max
    x = cr.tensor(np.array([top, -top, 1.0], dtype=dtype), requires_grad=True)
    y = cr.tensor(np.array([-top, top, np.inf], dtype=dtype), requires_grad=True)
    cr.logaddexp(x, y).backward(np.ones(3, dtype=dtype))  # a sum would overflow: max + max
    assert x.grad.dtype == dtype and y.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad.numpy(), np.array([1, 0, 0], dtype=dtype))
    np.testing.assert_array_equal(y.grad.numpy(), np.array([0, 1, 1], dtype=dtype))


def test_logaddexp_partials_of_nan_are_nan():
    x = cr.tensor([np.nan, 1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):  # NumPy's logaddexp warns of the NaN it is given
        cr.logaddexp(x, cr.tensor([1.0, np.nan])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [np.nan, np.nan])


def test_logaddexp_second_derivative_is_the_sigmoid_slope_along_the_tie():
    # ∂²/∂x² log(eˣ + eʸ) = σ(x − y)(1 − σ(x − y)): 1/4 wherever x = y, and 0 where one argument
    # alone is infinite.
    hessian_diagonal = cr.grad(lambda x, y: cr.grad(lambda x: cr.logaddexp(x, y).sum())(x).sum())
    x = np.array([0.0, 7.0, np.inf, 3.0])
    y = np.array([0.0, 7.0, 1.0, 2.0])
    s = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(hessian_diagonal(x, y), [0.25, 0.25, 0.0, s * (1 - s)])


def test_hypot_and_arctan2_have_zero_gradient_at_the_origin(strict):
    grad_x, grad_y = gradients(cr.hypot, [0.0, 3.0], [0.0, 4.0])
    np.testing.assert_allclose(grad_x, [0.0, 0.6])
    np.testing.assert_allclose(grad_y, [0.0, 0.8])
    grad_y, grad_x = gradients(cr.arctan2, [0.0, 1.0], [0.0, 1.0])
    np.testing.assert_allclose(grad_y, [0.0, 0.5])
    np.testing.assert_allclose(grad_x, [0.0, -0.5])


def test_derivatives_of_large_inputs_do_not_overflow(strict):
    big = [1e200, -1e200]
    (grad_x,) = gradients(cr.arctan, big)
    np.testing.assert_allclose(grad_x, [0.0, 0.0], atol=1e-300)
    (grad_x,) = gradients(cr.arcsinh, big)
    np.testing.assert_allclose(grad_x, [1e-200, 1e-200])
    (grad_x,) = gradients(cr.arccosh, [1e200])
    np.testing.assert_allclose(grad_x, [1e-200])
    grad_y, grad_x = gradients(cr.arctan2, [1e200], [1e200])
    np.testing.assert_allclose([grad_y[0], grad_x[0]], [5e-201, -5e-201])
    (grad_x,) = gradients(cr.arctan, np.array([1e30], dtype=np.float32))
    assert grad_x.dtype == np.float32 and grad_x[0] == 0.0


def test_tanh_saturates_without_warnings(strict):
    (grad_x,) = gradients(cr.tanh, [-1000.0, 1000.0])
    np.testing.assert_array_equal(grad_x, [0.0, 0.0])


def test_inverse_sine_derivative_is_accurate_near_one():
    x = 1 - 2.0**-30
    exact = 1 / np.sqrt(2.0**-30 * (2 - 2.0**-30))
    assert float(cr.grad(cr.arcsin)(x)) == pytest.approx(exact, rel=1e-14)
    assert float(cr.grad(cr.arctanh)(x)) == pytest.approx(
        1 / (2.0**-30 * (2 - 2.0**-30)), rel=1e-14
    )


def test_expm1_and_log1p_are_accurate_near_zero():
    assert cr.expm1(cr.tensor(1e-12)).item() == pytest.approx(1e-12, rel=1e-12)
    assert cr.log1p(cr.tensor(1e-12)).item() == pytest.approx(1e-12, rel=1e-12)


def test_sqrt_derivative_at_zero_is_infinite():
    with np.errstate(divide="ignore"):
        (grad_x,) = gradients(cr.sqrt, [0.0])
    assert grad_x[0] == np.inf


# --- second order --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, second",
    [
        (cr.sin, lambda x: -np.sin(x)),
        (cr.tanh, lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2),
        (cr.arctan, lambda x: -2 * x / (1 + x**2) ** 2),
        (cr.arcsinh, lambda x: -x / (x**2 + 1) ** 1.5),
        (cr.log, lambda x: -1 / x**2),
        (cr.sqrt, lambda x: -0.25 * x**-1.5),
    ],
    ids=["sin", "tanh", "arctan", "arcsinh", "log", "sqrt"],
)
def test_second_derivatives_match_closed_forms(op, second):
    x = 0.7
    assert float(cr.grad(cr.grad(op))(x)) == pytest.approx(second(x), rel=1e-12)


# --- casts and copies ----------------------------------------------------------------------------


def test_astype_to_float32_and_back_returns_the_gradient_in_the_input_dtype():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = cr.astype(x, "float32")
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_astype_to_an_integer_dtype_is_a_constant():
    y = cr.astype(cr.tensor([1.5, 2.5], requires_grad=True), "int64")
    assert y.dtype == np.int64 and not y.requires_grad


def test_copy_has_new_memory_and_passes_the_gradient():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = cr.copy(x)
    assert not np.shares_memory(y.detach().numpy(), x.detach().numpy())
    (3 * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert cr.copy(2.0) == 2.0

"""Activations and the error function: values, derivatives, overflow safety, dtypes, errors."""

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops.elementwise.activations import elu, gelu, sigmoid, softplus
from chainrule.ops.elementwise.exponential import erf, erfc


def gradient(f, values, dtype=None):
    """The gradient of f(x).sum() w.r.t. x, as an array."""
    x = cr.tensor(values, dtype=dtype, requires_grad=True)
    f(x).sum().backward()
    return x.grad.numpy()


@pytest.fixture
def strict():
    """Turn NumPy's floating-point warnings (overflow, 0/0, x/0) into errors."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_pdf(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


X = np.array([-6.0, -2.5, -0.3, 0.0, 0.4, 1.7, 5.0])

ACTIVATIONS = [
    ("sigmoid", sigmoid),
    ("elu", elu),
    ("gelu", gelu),
    ("gelu tanh", lambda x: gelu(x, approximate="tanh")),
    ("softplus", softplus),
    ("softplus beta", lambda x: softplus(x, beta=3.0)),
    ("erf", erf),
    ("erfc", erfc),
]


@pytest.mark.parametrize("op", [op for _, op in ACTIVATIONS], ids=[n for n, _ in ACTIVATIONS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_values_and_gradients_at_plus_minus_1000(op, dtype, strict):
    x = cr.tensor([-1000.0, 1000.0], dtype=dtype, requires_grad=True)
    out = op(x)
    assert out.dtype == dtype and np.all(np.isfinite(out.numpy()))
    out.sum().backward()
    assert x.grad.dtype == dtype and np.all(np.isfinite(x.grad.numpy()))


@pytest.mark.parametrize("op", [op for _, op in ACTIVATIONS], ids=[n for n, _ in ACTIVATIONS])
def test_float32_stays_float32_in_value_and_gradient(op):
    x = X.astype(np.float32)
    assert op(cr.tensor(x)).dtype == np.float32
    assert gradient(op, x).dtype == np.float32


@pytest.mark.parametrize("op", [op for _, op in ACTIVATIONS], ids=[n for n, _ in ACTIVATIONS])
def test_0d_and_empty_inputs(op):
    assert op(cr.tensor(0.5)).shape == ()
    assert np.shape(cr.grad(op)(0.5)) == ()
    assert op(cr.tensor(np.zeros((0, 3)))).shape == (0, 3)
    assert gradient(op, np.zeros((0, 3))).shape == (0, 3)


# --- sigmoid -------------------------------------------------------------------------------------


def test_sigmoid_values_and_derivative():
    expected = 1 / (1 + np.exp(-X))
    np.testing.assert_allclose(sigmoid(cr.tensor(X)).numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(gradient(sigmoid, X), expected * (1 - expected), rtol=1e-14)


def test_sigmoid_saturates_exactly_without_warnings(strict):
    np.testing.assert_array_equal(sigmoid(cr.tensor([-1000.0, 1000.0])).numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(gradient(sigmoid, [-1000.0, 1000.0]), [0.0, 0.0])


def test_sigmoid_keeps_relative_accuracy_far_left():
    assert sigmoid(cr.tensor(-700.0)).item() == pytest.approx(math.exp(-700.0), rel=1e-14)


def test_sigmoid_is_one_recorded_step_and_a_tensor_method():
    x = cr.tensor([0.0], requires_grad=True)
    assert sigmoid(x).op == "sigmoid"
    assert x.sigmoid().item() == 0.5


def test_sigmoid_second_derivative():
    s = 1 / (1 + math.exp(-0.8))
    assert float(cr.grad(cr.grad(sigmoid))(0.8)) == pytest.approx(s * (1 - s) * (1 - 2 * s))


# --- elu -----------------------------------------------------------------------------------------


def test_elu_values():
    expected = np.where(X > 0, X, 0.5 * np.expm1(X))
    np.testing.assert_allclose(elu(cr.tensor(X), alpha=0.5).numpy(), expected, rtol=1e-15)


def test_elu_derivative_is_one_above_zero_and_alpha_exp_x_below():
    expected = np.where(X > 0, 1.0, 0.5 * np.exp(X))
    np.testing.assert_allclose(gradient(lambda x: elu(x, alpha=0.5), X), expected, rtol=1e-15)


def test_elu_derivative_at_zero_is_alpha():
    np.testing.assert_array_equal(gradient(lambda x: elu(x, alpha=0.5), [0.0]), [0.5])


def test_elu_derivative_keeps_relative_accuracy_far_left():
    assert gradient(elu, [-40.0])[0] == pytest.approx(math.exp(-40.0), rel=1e-14)


def test_elu_second_derivative():
    assert float(cr.grad(cr.grad(elu))(-0.7)) == pytest.approx(math.exp(-0.7))
    assert float(cr.grad(cr.grad(elu))(0.7)) == 0.0


# --- gelu ----------------------------------------------------------------------------------------


def test_gelu_is_x_times_the_normal_cdf():
    expected = [x * normal_cdf(x) for x in X]
    np.testing.assert_allclose(gelu(cr.tensor(X)).numpy(), expected, rtol=1e-14)


def test_gelu_stays_accurate_where_the_cdf_is_tiny():
    assert gelu(cr.tensor(-30.0)).item() == pytest.approx(-30.0 * normal_cdf(-30.0), rel=1e-13)


def test_gelu_derivative_is_cdf_plus_x_pdf():
    expected = [normal_cdf(x) + x * normal_pdf(x) for x in X]
    np.testing.assert_allclose(gradient(gelu, X), expected, rtol=1e-13, atol=1e-300)


def test_gelu_tanh_approximation_matches_its_formula():
    u = math.sqrt(2 / math.pi) * (X + 0.044715 * X**3)
    expected = 0.5 * X * (1 + np.tanh(u))
    np.testing.assert_allclose(
        gelu(cr.tensor(X), approximate="tanh").numpy(), expected, rtol=1e-13, atol=1e-15
    )


def test_gelu_saturates_to_x_and_zero(strict):
    np.testing.assert_array_equal(gelu(cr.tensor([-1000.0, 1000.0])).numpy(), [0.0, 1000.0])
    np.testing.assert_array_equal(gradient(gelu, [-1000.0, 1000.0]), [0.0, 1.0])


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh'"):
        gelu(cr.tensor(1.0), approximate="sigmoid")


# --- softplus ------------------------------------------------------------------------------------


def test_softplus_values_and_derivative():
    np.testing.assert_allclose(softplus(cr.tensor(X)).numpy(), np.log1p(np.exp(X)), rtol=1e-15)
    np.testing.assert_allclose(gradient(softplus, X), 1 / (1 + np.exp(-X)), rtol=1e-15)


def test_softplus_with_beta():
    expected = np.log1p(np.exp(3.0 * X)) / 3.0
    np.testing.assert_allclose(softplus(cr.tensor(X), beta=3.0).numpy(), expected, rtol=1e-14)
    np.testing.assert_allclose(
        gradient(lambda x: softplus(x, beta=3.0), X), 1 / (1 + np.exp(-3.0 * X)), rtol=1e-14
    )


def test_softplus_is_exact_for_large_inputs(strict):
    np.testing.assert_array_equal(softplus(cr.tensor([-1000.0, 1000.0])).numpy(), [0.0, 1000.0])
    assert softplus(cr.tensor(30.0)).item() == 30.0 + math.log1p(math.exp(-30.0))


def test_softplus_derivative_at_zero_is_one_half():
    np.testing.assert_array_equal(gradient(softplus, [0.0]), [0.5])


def test_softplus_rejects_zero_beta():
    with pytest.raises(ValueError, match="nonzero beta"):
        softplus(cr.tensor(1.0), beta=0)


# --- erf and erfc --------------------------------------------------------------------------------

# Both code paths: per-value libm calls for a few values, polynomials for many.
SIZES = [7, 3000]


@pytest.mark.parametrize("size", SIZES)
def test_erf_matches_math_erf(size):
    x = np.random.default_rng(0).uniform(-7, 7, size)
    expected = [math.erf(v) for v in x]
    np.testing.assert_allclose(erf(cr.tensor(x)).numpy(), expected, rtol=5e-16, atol=1e-300)


@pytest.mark.parametrize("size", SIZES)
def test_erfc_matches_math_erfc_also_in_the_tail(size):
    x = np.random.default_rng(1).uniform(-6, 27, size)
    expected = [math.erfc(v) for v in x]
    np.testing.assert_allclose(erfc(cr.tensor(x)).numpy(), expected, rtol=2e-15, atol=1e-300)


@pytest.mark.parametrize("size", SIZES)
def test_erf_and_erfc_at_infinities_and_nan(size):
    x = np.resize([np.inf, -np.inf, np.nan, 0.0], size + 1)
    np.testing.assert_array_equal(erf(cr.tensor(x)).numpy()[:4], [1.0, -1.0, np.nan, 0.0])
    np.testing.assert_array_equal(erfc(cr.tensor(x)).numpy()[:4], [0.0, 2.0, np.nan, 1.0])


def test_erf_derivatives_are_closed_forms():
    expected = 2 / math.sqrt(math.pi) * np.exp(-X * X)
    np.testing.assert_allclose(gradient(erf, X), expected, rtol=1e-15)
    np.testing.assert_allclose(gradient(erfc, X), -expected, rtol=1e-15)
    second = float(cr.grad(cr.grad(erf))(0.6))
    assert second == pytest.approx(-2 * 0.6 * 2 / math.sqrt(math.pi) * math.exp(-0.36))


def test_erf_of_integers_is_float64():
    assert erf(cr.tensor([0, 1])).dtype == np.float64


def test_erf_refuses_complex_values():
    with pytest.raises(TypeError, match="real values"):
        erf(cr.tensor([1j]))

"""Bugs the special-values sweep found, all fixed: one minimal regression test each (file, op,
input, expected), run with warnings as errors.

A bug found later is pinned here as xfail(strict=True) with its minimal input, and its op in
test_special_values.KNOWN, until it is fixed.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import functional as F

SUBNORMAL = np.finfo(np.float64).smallest_subnormal
F32_MAX = np.finfo(np.float32).max


def gradient(f, *args, argnums=0):
    return cr.grad(f, argnums=argnums)(*args)


pytestmark = pytest.mark.filterwarnings("error")


def test_arctan2_partials_are_zero_where_x_is_infinite():
    # ops/elementwise/trigonometric.py _origin_safe: numerator/r/r is inf/inf = NaN at r = inf.
    assert gradient(lambda y: cr.arctan2(y, np.inf), np.array(0.0)) == 0
    assert gradient(lambda x: cr.arctan2(1.0, x), np.array(np.inf)) == 0


def test_bce_with_logits_at_infinite_logits_is_its_limit():
    # chainrule/ops/nn/losses.py _bce_with_logits: max(x, 0) − x·t is inf − inf or inf·0 = NaN.
    loss = F.binary_cross_entropy_with_logits(
        np.array([np.inf, -np.inf]), np.array([1.0, 0.0]), reduction="none"
    )
    np.testing.assert_array_equal(loss, [0, 0])


def test_softmax_at_plus_infinity_is_one_hot():
    # chainrule/ops/nn/softmax.py _shifted: x − max x is inf − inf = NaN.
    x = np.array([0.0, np.inf])
    np.testing.assert_array_equal(F.softmax(x), [0, 1])
    np.testing.assert_array_equal(F.log_softmax(x), [-np.inf, 0])
    np.testing.assert_array_equal(gradient(lambda v: F.softmax(v)[1], x), [0, 0])


def test_cross_entropy_of_tied_large_logits_is_log_two():
    # chainrule/ops/nn/losses.py _cross_entropy_forward: (log Σ + shift) − logit rounds log 2 away.
    logits = np.array([3e7, 3e7], dtype=np.float32)
    np.testing.assert_allclose(F.cross_entropy(logits, np.array(0)), np.log(2), rtol=1e-6)


def test_cross_entropy_at_an_infinite_logit_of_the_label_is_zero():
    # chainrule/ops/nn/losses.py _cross_entropy_forward: logits − shift is inf − inf = NaN.
    logits = np.array([np.inf, 0.0])
    assert F.cross_entropy(logits, np.array(0)) == 0
    np.testing.assert_array_equal(
        gradient(lambda z: F.cross_entropy(z, np.array(0)), logits), [0, 0]
    )


def test_cross_entropy_ignores_a_class_of_probability_zero():
    # chainrule/ops/nn/losses.py cross_entropy: p·log_softmax is 0·(−inf) = NaN where p = 0.
    logits, p = np.array([0.0, -np.inf]), np.array([1.0, 0.0])
    assert F.cross_entropy(logits, p) == 0
    np.testing.assert_array_equal(gradient(lambda z: F.cross_entropy(z, p), logits), [0, 0])


def test_logsumexp_gradient_of_a_large_tie_is_one_half_each():
    # chainrule/ops/statistics.py _softmax: exp(x − lse) with lse rounded (3e7 + log 2 = 3e7 in
    # float32) is not normalized: [1, 1] here, [0.5028, 0.5028] at 1e6.
    x = np.array([3e7, 3e7], dtype=np.float32)
    np.testing.assert_allclose(gradient(cr.logsumexp, x), [0.5, 0.5], rtol=1e-6)


def test_logsumexp_and_logaddexp_gradients_do_not_overflow_at_the_float32_extremes():
    # statistics.py _logsumexp computes x − max, exponential.py _sigmoid_of_difference x − y: both
    # −max − max = −inf with an overflow warning; the value (max) and gradient ([1, 0]) are finite.
    x = np.array([F32_MAX, -F32_MAX], dtype=np.float32)
    np.testing.assert_array_equal(gradient(cr.logsumexp, x), [1, 0])
    assert gradient(cr.logaddexp, x[0], x[1]) == 1


def test_norm_of_a_vector_holding_inf_is_inf():
    # chainrule/ops/linalg/norms.py _l2: the rescaling divides inf by inf (NumPy gives inf).
    assert cr.linalg.norm(np.array([0.0, np.inf])) == np.inf


def test_norm_gradient_at_a_subnormal_norm_is_the_unit_vector():
    # chainrule/ops/linalg/norms.py _l2_vjp: grad_out/‖x‖ overflows to inf, then inf·0 = NaN.
    x = np.array([0.0, SUBNORMAL])
    np.testing.assert_array_equal(gradient(cr.linalg.norm, x), [0, 1])


def test_p_norm_of_huge_values_is_finite():
    # chainrule/ops/linalg/norms.py _vector_norm: Σ|x|ᵖ overflows (NumPy's norm too); no rescaling.
    x = np.array([0.0, 1e300])
    np.testing.assert_allclose(cr.linalg.norm(x, 3), 1e300)
    np.testing.assert_allclose(gradient(lambda v: cr.linalg.norm(v, 3), x), [0, 1])


def test_std_of_a_huge_spread_is_finite():
    # chainrule/ops/statistics.py std = √var: var overflows (NumPy's std too); gradient 0.
    x = np.array([1e300, -1e300])
    np.testing.assert_allclose(cr.std(x), 1e300)
    np.testing.assert_allclose(gradient(cr.std, x), [0.5, -0.5])


def test_std_of_a_tiny_spread_is_not_zero():
    # chainrule/ops/statistics.py std = √var: var underflows to 0 (NumPy's std too), and the
    # zero subgradient for a constant input is taken.
    x = np.array([0.0, 1e-300])
    np.testing.assert_allclose(gradient(cr.std, x), [-0.5, 0.5])


def test_mean_and_var_of_float32_extremes_do_not_overflow():
    # chainrule/ops/reductions.py mean sums first (as NumPy): max + max overflows float32.
    x = np.array([F32_MAX, F32_MAX], dtype=np.float32)
    np.testing.assert_allclose(cr.mean(x), F32_MAX, rtol=1e-6)
    assert cr.var(x) == 0


@pytest.mark.parametrize("f", [cr.erf, cr.erfc, cr.gelu])
def test_error_function_derivative_at_huge_x_does_not_warn(f):
    # ops/elementwise/exponential.py erf/erfc: exp(−(x·x)) with x·x = inf warns (the result 0 is
    # right); gelu's erfc form inherits it.
    assert gradient(f, np.array(1e300)) in (0, 1)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_at_minus_infinity_is_zero(approximate):
    # ops/elementwise/activations.py gelu: x·Φ(x) is −inf·0 = NaN at −inf.
    assert cr.gelu(np.array(-np.inf), approximate=approximate) == 0


def test_gelu_tanh_of_large_float32_does_not_overflow():
    # ops/elementwise/activations.py gelu tanh form: x·x·x overflows float32 for |x| > 7e12 (a
    # warning) and x·x in its derivative for |x| > 1.8e19 (NaN gradient); float64: 5.6e102, 1.3e154.
    x = np.array([2e19, -2e19], dtype=np.float32)
    np.testing.assert_array_equal(
        gradient(lambda v: cr.sum(cr.gelu(v, approximate="tanh")), x), [1, 0]
    )


def test_log10_derivative_at_the_float32_maximum_does_not_warn():
    # ops/elementwise/exponential.py log10: 1/(x·ln 10) overflows x·ln 10; 1/x/ln 10 would not.
    assert gradient(cr.log10, np.array(F32_MAX, dtype=np.float32)) >= 0


def test_power_base_derivative_at_a_subnormal_base():
    # ops/elementwise/arithmetic.py _power_d_base: x^(y−1) = 1/x overflows, y·x^(y−1) ≈ x^y = 1.
    np.testing.assert_allclose(gradient(cr.power, np.array(SUBNORMAL), np.array(SUBNORMAL)), 1)


@pytest.mark.parametrize("x", [SUBNORMAL, np.nan])
def test_power_base_derivative_is_zero_where_a_tensor_exponent_is_zero(x):
    # ops/elementwise/arithmetic.py _power_d_base: y·safe^(y−1) is 0·inf (subnormal x) or 0·NaN
    # (x = NaN, where NumPy's nan⁰ = 1) when y is a tensor holding 0; y·x^(y−1+(y==0)) gave 0.
    assert gradient(cr.power, np.array(x), np.array(0.0)) == 0
